// Device acquisition and the GPU-side state a model owns: a handle -> GPUBuffer table with a
// free list, deferred frees, and the per-kernel pipeline/bind-group caches.
import { formatMessages } from './kernel.js';

/**
 * Requests an adapter and a device with the features and limits `needs` lists; the error
 * names the feature or limit the adapter lacks.
 */
export async function requestDeviceFor(gpu, needs, { what = 'model', optionalFeatures = [], adapterOptions } = {}) {
  if (!gpu) throw new Error('webtx: no WebGPU: pass { gpu: navigator.gpu } (browser) or createNodeGPU() (Node)');
  const adapter = await gpu.requestAdapter(adapterOptions);
  if (!adapter) throw new Error('webtx: no WebGPU adapter available');
  checkAdapter(adapter, needs, what);
  const requiredFeatures = [...needs.features, ...optionalFeatures.filter((f) => adapter.features.has(f) && !needs.features.includes(f))];
  const requiredLimits = {};
  for (const [k, v] of Object.entries(needs.limits)) if (v > 0) requiredLimits[k] = v;
  // Tensor sizes are known only at run time (symbolic shapes): ask for the adapter's largest
  // buffers rather than WebGPU's defaults (256 MiB buffers, 128 MiB storage bindings).
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize']) {
    requiredLimits[k] = Math.max(requiredLimits[k] ?? 0, adapter.limits[k]);
  }
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  return { adapter, device };
}

/**
 * Throws if `adapterOrDevice` lacks a feature or limit of `needs` (the manifest's "features"
 * and "limits": what the model's kernels use), naming it and the adapter's value.
 */
export function checkAdapter(a, needs, what) {
  const kind = a.queue ? 'device' : 'adapter';
  for (const f of needs.features) {
    if (!a.features.has(f)) throw new Error(`webtx: ${what} needs WebGPU feature '${f}', which this ${kind} lacks`);
  }
  for (const [k, v] of Object.entries(needs.limits)) {
    const have = a.limits[k];
    if (have === undefined) throw new Error(`webtx: ${what} needs unknown WebGPU limit '${k}'`);
    if (v > have) throw new Error(`webtx: ${what} needs WebGPU limit ${k} >= ${v}, but this ${kind} allows ${have}`);
  }
}

const pad4 = (n) => Math.max(4, Math.ceil(n / 4) * 4);

/** Handle -> GPUBuffer table. Handle 0 means "none"; freed handles are reused. */
export class BufferTable {
  constructor(device) {
    this.device = device;
    this.buffers = [null];
    this.sizes = [0];
    this.free = [];
    this.pendingFree = [];
    this.onRelease = () => {};
    this.lastError = '';
  }
  alloc(nbytes) {
    // Every tensor buffer is bound as a storage buffer: both limits apply.
    const max = Math.min(this.device.limits.maxBufferSize, this.device.limits.maxStorageBufferBindingSize);
    if (nbytes < 0 || nbytes > max) {
      this.lastError = `buffer of ${nbytes} bytes exceeds the device's maxBufferSize / maxStorageBufferBindingSize (${max})`;
      return 0;
    }
    const buf = this.device.createBuffer({
      size: pad4(nbytes),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const h = this.free.length ? this.free.pop() : this.buffers.length;
    this.buffers[h] = buf;
    this.sizes[h] = nbytes;
    return h;
  }
  get(h) {
    const b = this.buffers[h];
    if (!b) throw new Error(`webtx: invalid GPU buffer handle ${h}`);
    return b;
  }
  /** Released once the work already recorded is submitted (see flushFrees). */
  release(h) {
    if (!this.buffers[h]) return;
    this.pendingFree.push(h);
  }
  flushFrees() {
    for (const h of this.pendingFree) {
      this.onRelease(h);
      this.buffers[h].destroy();
      this.buffers[h] = null;
      this.free.push(h);
    }
    this.pendingFree = [];
  }
  destroyAll() {
    for (const b of this.buffers) b?.destroy();
    this.buffers = [null];
    this.free = [];
    this.pendingFree = [];
  }
}

/** Shader modules, bind group layouts and pipelines of every manifest kernel, built once. */
export async function buildKernels(device, manifest) {
  const out = [];
  for (const k of manifest.kernels) {
    const module = device.createShaderModule({ code: k.wgsl, label: k.name });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length) {
      throw new Error(`webtx: kernel '${k.name}' of model '${manifest.model}' does not compile:\n${formatMessages(k.wgsl, errors)}`);
    }
    const entries = k.bindings.map((b) => ({
      binding: b.binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
    }));
    if (k.uniforms.length) {
      entries.push({ binding: k.uniform_binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    }
    const layout = device.createBindGroupLayout({ entries, label: k.name });
    const pipeline = await device.createComputePipelineAsync({
      label: k.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: k.entry },
    });
    out.push({ spec: k, layout, pipeline });
  }
  return out;
}
