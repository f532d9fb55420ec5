// Dawn (the `webgpu` npm package) for Node: from $WEBGPU_NODE_MODULES on the GPU machine
// (see NOTES.md / .gpu/env.sh), else from this package's node_modules.
import { pathToFileURL } from 'node:url';

const base = process.env.WEBGPU_NODE_MODULES;
const dawn = await import(base ? pathToFileURL(`${base}/webgpu/index.js`).href : 'webgpu');
Object.assign(globalThis, dawn.globals);

// Keep every instance reachable for the life of the process: dawn.node's polling holds only a
// raw pointer to it, and a collected instance crashes the process at a random later wait.
const instances = [];
export function createGPU(flags = []) {
  const gpu = dawn.create(flags);
  instances.push(gpu);
  return gpu;
}

export async function requestDevice(gpu, { features = [] } = {}) {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter (on a CPU machine set VK_ICD_FILENAMES to SwiftShader)');
  const want = features.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    requiredFeatures: want,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  device.gpu = gpu;
  const info = adapter.info ?? {};
  const name = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`
    .replace(/\s+/g, ' ').trim();
  return { adapter, device, adapterName: name };
}
