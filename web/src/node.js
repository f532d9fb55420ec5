// Node only: WebGPU through Dawn (npm `webgpu`). Never imported by the browser entry points.
//
// dawn.node polls its instance through a raw pointer: the object create() returns must stay
// reachable while any adapter or device made from it is alive, or GC frees the instance under
// a pending wait (random crashes/hangs). We keep every one we create for the process lifetime.
const keepAlive = [];

/**
 * Returns a `GPU` (navigator.gpu equivalent) backed by Dawn, and installs the WebGPU globals
 * (GPUBufferUsage, ...) on globalThis. `flags` are Dawn's, e.g. ['backend=null'].
 * On a machine without a GPU set VK_ICD_FILENAMES to SwiftShader's ICD (see docs/web.md).
 * @param {string[]} [flags]
 */
export async function createNodeGPU(flags = []) {
  const mod = await importDawn();
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create(flags);
  keepAlive.push(gpu);
  return gpu;
}

/**
 * Dawn's flags that turn on `toggles` (a model description's "toggles", e.g.
 * ['vulkan_enable_f16_on_nvidia', 'allow_unsafe_apis']): [] for none, else one
 * 'enable-dawn-features=a,b' flag. Pass them to createNodeGPU (they act at instance creation).
 * @param {string[]} toggles
 */
export function dawnFlags(toggles = []) {
  return toggles.length ? [`enable-dawn-features=${[...new Set(toggles)].join(',')}`] : [];
}

// 'webgpu' is a peer dependency: found from this file (installed next to webtx) or else from
// the application's folder (process.cwd()), which is where it is when webtx is a symlink
// (`npm install <prefix>/share/webtx/web`: Node resolves from the link's target).
async function importDawn() {
  try {
    return await import('webgpu');
  } catch (first) {
    try {
      const { createRequire } = await import('node:module');
      const { pathToFileURL } = await import('node:url');
      const path = createRequire(pathToFileURL(`${process.cwd()}/`)).resolve('webgpu');
      return await import(pathToFileURL(path).href);
    } catch {
      throw new Error("webtx: the npm package 'webgpu' (Dawn for Node, a peer dependency of " +
          `webtx) is not installed: npm install webgpu@0.6.2 in your project (${first.message})`);
    }
  }
}
