// Dawn for Node, through the webtx JS runtime's loader (one copy of dawn.node per process:
// web/node_modules/webgpu; on the GPU machine link it to $WEBGPU_NODE_MODULES/webgpu, see
// NOTES.md). The runtime keeps every instance reachable (dawn.node's GC trap).
import { createNodeGPU } from '../../web/src/node.js';

// Dawn rounds timestamp-query results to multiples of 65.536 µs unless told not to (a
// fingerprinting mitigation browsers keep); a benchmark needs the real GPU times.
export const BENCH_DAWN_FLAGS = ['disable-dawn-features=timestamp_quantization'];
export const createGPU = (flags = BENCH_DAWN_FLAGS) => createNodeGPU(flags);

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
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: adapter.limits.maxComputeWorkgroupSizeY,
    },
  });
  device.gpu = gpu;
  const info = adapter.info ?? {};
  const name = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`
    .replace(/\s+/g, ' ').trim();
  return { adapter, device, adapterName: name };
}
