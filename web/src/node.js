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
  let mod;
  try {
    mod = await import('webgpu');
  } catch (e) {
    throw new Error(`webtx: the npm package 'webgpu' (Dawn for Node) is not installed: ${e.message}`);
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create(flags);
  keepAlive.push(gpu);
  return gpu;
}
