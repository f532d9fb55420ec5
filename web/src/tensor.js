// Tensor: a dtype, dims and either CPU data or a GPUBuffer (like onnxruntime-web's Tensor).
// run() takes GPU tensors as inputs without an upload, and with { outputLocation: 'gpu' }
// returns outputs as GPU tensors the caller owns, so models chain without a readback.
import { allocTyped, dtypeInfo } from './dtype.js';
import { StagingPool, downloadBuffer } from './gpu.js';

// One staging pool per device for getData() of tensors no model downloads for.
const pools = new WeakMap();
function poolOf(device) {
  let p = pools.get(device);
  if (!p) pools.set(device, (p = new StagingPool(device, 4)));
  return p;
}

function checkDims(dims) {
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`webtx: tensor dims must be an array of whole numbers >= 0, got ${JSON.stringify(dims)}`);
  }
  return Object.freeze([...dims]);
}

export class Tensor {
  /**
   * A CPU tensor: `new Tensor('f32', data, [2, 3])`. GPU tensors come from
   * Tensor.fromGpuBuffer() or from run(..., { outputLocation: 'gpu' }).
   */
  constructor(dtype, data, dims = [data?.length]) {
    this.dtype = dtype;
    this.dims = checkDims(dims);
    const info = dtypeInfo(dtype);
    if (!info.accepts.some((C) => data instanceof C)) {
      throw new Error(`webtx: a ${dtype} tensor takes a ${info.accepts.map((c) => c.name).join(' or ')}, got ${data?.constructor?.name ?? typeof data}`);
    }
    if (data.length !== this.size) {
      throw new Error(`webtx: tensor data has ${data.length} elements, but dims [${this.dims}] need ${this.size}`);
    }
    this.location = 'cpu';
    this._data = data;
    this.gpuBuffer = undefined;
    this.device = undefined;
  }

  /**
   * A tensor on the GPU: `buffer` (a GPUBuffer with STORAGE and COPY_SRC usage) holds
   * `dims` elements of `dtype` from offset 0. `dispose` (default: buffer.destroy()) runs on
   * dispose(); pass `() => {}` for a buffer the caller keeps managing.
   */
  static fromGpuBuffer(buffer, { dtype, dims, device, dispose } = {}) {
    const t = Object.create(Tensor.prototype);
    dtypeInfo(dtype);
    t.dtype = dtype;
    t.dims = checkDims(dims);
    if (!buffer || typeof buffer.size !== 'number') throw new Error('webtx: Tensor.fromGpuBuffer needs a GPUBuffer');
    if (buffer.size < t.byteLength) {
      throw new Error(`webtx: GPU buffer of ${buffer.size} bytes is too small for a ${dtype} tensor of dims [${t.dims}] (${t.byteLength} bytes)`);
    }
    t.location = 'gpu';
    t.gpuBuffer = buffer;
    t.device = device;
    t._dispose = dispose ?? (() => buffer.destroy());
    t._data = undefined;
    return t;
  }

  /** Number of elements. */
  get size() {
    return this.dims.reduce((a, b) => a * b, 1);
  }
  /** Bytes the data takes on the GPU. */
  get byteLength() {
    return this.size * dtypeInfo(this.dtype).bytes;
  }

  /** The CPU data; throws for a GPU tensor (use getData()). */
  get data() {
    if (this.location === 'disposed') throw new Error('webtx: the tensor was disposed');
    if (this.location !== 'cpu') throw new Error('webtx: the tensor is on the GPU: await getData() to download it');
    return this._data;
  }

  /**
   * The data as a typed array: a CPU tensor's own; a GPU tensor's downloaded (through a pooled
   * staging buffer). `release: true` also disposes a GPU tensor once downloaded.
   */
  async getData({ release = false } = {}) {
    if (this.location === 'disposed') throw new Error('webtx: the tensor was disposed');
    if (this.location === 'cpu') return this._data;
    if (!this.device) throw new Error('webtx: this GPU tensor has no device to download with (pass device to Tensor.fromGpuBuffer)');
    const bytes = await downloadBuffer(this.device, poolOf(this.device), this.gpuBuffer, this.byteLength);
    const out = allocTyped(this.dtype, this.size);
    new Uint8Array(out.buffer).set(bytes);
    if (release) this.dispose();
    return out;
  }

  /** Releases the GPU buffer (or drops the CPU data). Using the tensor afterwards throws. */
  dispose() {
    if (this.location === 'gpu') this._dispose?.();
    this.location = 'disposed';
    this._data = undefined;
    this.gpuBuffer = undefined;
  }
}
