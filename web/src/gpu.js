// Device acquisition and the GPU-side state a model owns: a handle -> GPUBuffer table with a
// free list, deferred frees, and the per-kernel pipeline/bind-group caches.
import { formatMessages } from './kernel.js';

/**
 * Requests an adapter and a device with the features and limits `needs` lists; the error
 * names the feature or limit the adapter lacks.
 */
export async function requestDeviceFor(gpu, needs, { what = 'model', optionalFeatures = [], adapterOptions, adapter } = {}) {
  adapter ??= await requestAdapter(gpu, adapterOptions);
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

/** An adapter of `gpu`, or an Error saying what is missing. */
export async function requestAdapter(gpu, adapterOptions) {
  if (!gpu) throw new Error('webtx: no WebGPU: pass { gpu: navigator.gpu } (browser) or createNodeGPU() (Node)');
  const adapter = await gpu.requestAdapter(adapterOptions);
  if (!adapter) throw new Error('webtx: no WebGPU adapter available');
  return adapter;
}

/**
 * Throws if `adapterOrDevice` lacks a feature or limit of `needs` (the manifest's "features"
 * and "limits": what the model's kernels use), naming it and the adapter's value.
 */
export function checkAdapter(a, needs, what) {
  const kind = a.queue ? 'device' : 'adapter';
  for (const f of needs.features) {
    if (!a.features.has(f)) throw new Error(`webtx: ${what} needs WebGPU feature '${f}', which this ${kind} lacks${needs.hint ?? ''}`);
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
  /** The largest tensor buffer: every one is bound as a storage buffer, so both limits apply. */
  maxBytes() {
    return Math.min(this.device.limits.maxBufferSize, this.device.limits.maxStorageBufferBindingSize);
  }
  alloc(nbytes) {
    const max = this.maxBytes();
    if (!(nbytes >= 0) || nbytes > max) {
      this.lastError = `more than this device's maxBufferSize / maxStorageBufferBindingSize (${max} bytes)`;
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
  /** A handle for a buffer the table does not own (a caller's GPU tensor); see detach(). */
  adopt(buffer) {
    const h = this.free.length ? this.free.pop() : this.buffers.length;
    this.buffers[h] = buffer;
    this.sizes[h] = buffer.size;
    this.foreign ??= new Set();
    this.foreign.add(h);
    return h;
  }
  /** Forgets handle `h` without destroying its buffer (now the caller's), after its bind groups. */
  detach(h) {
    if (!this.buffers[h]) return;
    this.onRelease(h);
    this.buffers[h] = null;
    this.foreign?.delete(h);
    this.free.push(h);
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
    this.buffers.forEach((b, h) => this.foreign?.has(h) || b?.destroy());
    this.buffers = [null];
    this.free = [];
    this.pendingFree = [];
  }
}

/**
 * Shader modules, bind group layouts and pipelines of every manifest kernel, built once.
 * Compilation can take unbounded time (a large unrolled kernel on a software adapter):
 * `timeoutMs` gives up on a kernel with an Error naming it, `onProgress` reports each kernel.
 */
export async function buildKernels(device, manifest, { timeoutMs, onProgress } = {}) {
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new Error(`webtx: compileTimeoutMs must be a number > 0, got ${timeoutMs}`);
  const out = [];
  const total = manifest.kernels.length;
  for (const [index, k] of manifest.kernels.entries()) {
    onProgress?.({ kernel: k.name, index, total });
    out.push(await withTimeout(buildKernel(device, manifest, k), timeoutMs,
      () => `webtx: compiling kernel '${k.name}' (${index + 1} of ${total}) of model '${manifest.model}' took more than compileTimeoutMs = ${timeoutMs} ms`));
  }
  return out;
}

/** `p`, or a rejection with message() after `ms` milliseconds (none without ms). */
function withTimeout(p, ms, message) {
  if (ms === undefined) return p;
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function buildKernel(device, manifest, k) {
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
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipeline = await device.createComputePipelineAsync({
    label: k.name,
    layout: pipelineLayout,
    compute: { module, entryPoint: k.entry },
  });
  // pipelineLayout: shape-specialized pipelines of the kernel share it (specialize.js).
  return { spec: k, layout, pipeline, pipelineLayout };
}

/**
 * Readback (MAP_READ) buffers, reused across runs instead of created per run. acquire() takes
 * the smallest free buffer that fits (or creates one); release() returns it once unmapped.
 * At most `keep` free buffers are kept (the largest); `created` counts createBuffer calls.
 */
export class StagingPool {
  constructor(device, keep = 8) {
    this.device = device;
    this.keep = keep;
    this.freeList = [];
    this.created = 0;
  }
  acquire(nbytes) {
    const size = pad4(nbytes);
    let best = -1;
    this.freeList.forEach((b, i) => {
      if (b.size >= size && (best < 0 || b.size < this.freeList[best].size)) best = i;
    });
    if (best >= 0) return this.freeList.splice(best, 1)[0];
    ++this.created;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }
  release(buffer) {
    this.freeList.push(buffer);
    if (this.freeList.length > this.keep) {
      this.freeList.sort((a, b) => b.size - a.size);
      for (const b of this.freeList.splice(this.keep)) b.destroy();
    }
  }
  destroyAll() {
    for (const b of this.freeList) b.destroy();
    this.freeList = [];
  }
}

/** Copies `nbytes` of `buffer` to the CPU through `pool` (one submit); resolves to the bytes. */
export async function downloadBuffer(device, pool, buffer, nbytes, wait = (p) => p) {
  const staging = pool.acquire(nbytes);
  try {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, 0, staging, 0, pad4(nbytes));
    device.queue.submit([enc.finish()]);
    await wait(staging.mapAsync(GPUMapMode.READ, 0, pad4(nbytes)));
    const out = new Uint8Array(nbytes);
    out.set(new Uint8Array(staging.getMappedRange(0, pad4(nbytes)), 0, nbytes));
    staging.unmap();
    return out;
  } finally {
    pool.release(staging);
  }
}
