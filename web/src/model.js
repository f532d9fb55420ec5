// loadModel(): instantiates a webtx model (<name>.wasm, docs/abi.md), creates its pipelines and
// runs it on WebGPU. The wasm module checks and launches; this side owns the device, the
// buffers and the command encoder (one per run, submitted once).
import { readCString, readString, writeCString, writeTensor, writeTensorValue, TENSOR_BYTES, VALUE_BYTES } from './abi.js';
import { acceptsTyped, allocTyped, dtypeInfo, toGpuBytes } from './dtype.js';
import { concreteShape, parseManifest, resolveSymbols, splitInput } from './manifest.js';
import { extentToString } from './model_spec.js';
import { BufferTable, StagingPool, buildKernels } from './gpu.js';
import { Specializer } from './specialize.js';
import { compileModel, pickVariant } from './load.js';
import { makeImports } from './imports.js';
import { Tensor } from './tensor.js';
import { describeValue, takeInputs } from './inputs.js';
import { loadWeights } from './weights.js';

function checkIterations(what, iterations) {
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`webtx: ${what}() needs a whole number of iterations >= 1, got ${iterations}`);
  }
}

/** The median of a non-empty array of numbers. */
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

function lostError(info) {
  return new Error(`webtx: the WebGPU device was lost (${info.reason}: ${info.message}); load the model again`);
}

/**
 * Loads a model. `source`: URL/path, bytes, or a compiled WebAssembly.Module; or an array of
 * them, the variants of one model built for several targets (add_webgpu_model's TARGETS), best
 * first: the first whose features and limits the adapter (or options.device) has is loaded.
 * `weights`: the model's weights as a safetensors file (URL, Node path or bytes), uploaded once.
 * `specialize`: shape-specialized pipelines (specialize.js; docs/web.md): on by default,
 * `false` turns them off, `{ after, most }` sets when (the after-th dispatch with the same
 * symbol values, 2) and how many per kernel (8).
 * In Node without options.gpu, a Dawn GPU is created with the Dawn toggles the variants name.
 * @param {string|URL|ArrayBuffer|ArrayBufferView|WebAssembly.Module|Array<string|URL|ArrayBuffer|ArrayBufferView|WebAssembly.Module>} source
 * @param {{gpu?: GPU, device?: GPUDevice, weights?: string|URL|ArrayBuffer|ArrayBufferView, log?: (level: number, msg: string) => void, specialize?: false|{after?: number, most?: number}}} [options]
 */
export async function loadModel(source, options = {}) {
  const sources = Array.isArray(source) ? source : [source];
  if (!sources.length) throw new Error('webtx: loadModel was given an empty list of model variants');
  const candidates = [];
  for (const s of sources) {
    const c = new Model(options);
    await c._instantiate(await compileModel(s));
    candidates.push(c);
  }
  const model = await pickVariant(candidates, options);
  try {
    await model._init();
  } catch (e) {
    // A failed load leaves nothing behind: the device it requested is destroyed.
    if (model._ownsDevice) model.device?.destroy();
    throw e;
  }
  return model;
}

export class Model {
  constructor(options) {
    this.options = options;
    this.log = options.log ?? ((level, msg) => (level >= 2 ? console.error : console.log)(`[webtx] ${msg}`));
    this._queue = Promise.resolve();
    this._disposed = false;
    this._lost = null;
    this._jsError = '';
    this._uniformPool = [];
    this._bindGroups = new Map();
    this._groupsOfHandle = new Map();
    this._argBuffers = new Map();
    this._planned = [];         // planned buffer index -> handle (the description's memory plan)
    this.skippedVariants = [];  // loadModel with variants: why each earlier one did not fit
    this._foreign = new Map();  // caller's GPUBuffer (a GPU tensor input) -> handle, last run
  }

  /** Instantiates the wasm module and reads its model description (no device yet). */
  async _instantiate(module) {
    const { imports, missing } = makeImports(module, {
      planned_buffer: (i, n) => this._plannedBuffer(i, n),
      dispatch: (...a) => this._dispatch(...a),
      log: (level, ptr, len) => this.log(level, readString(this.memory, ptr, len)),
    });
    if (missing.length) throw new Error(`webtx: the model imports ${missing.join(', ')}, which the JS runtime does not provide`);
    const instance = await WebAssembly.instantiate(module, imports);
    this.exports = instance.exports;
    for (const name of ['memory', 'webtx_alloc', 'webtx_free', 'webtx_manifest', 'webtx_get_function', 'webtx_call', 'webtx_last_error']) {
      if (!(name in this.exports)) throw new Error(`webtx: the wasm module does not export '${name}' (is it a webtx model?)`);
    }
    this.exports._initialize?.();
    this.manifest = parseManifest(readCString(this.memory, this.exports.webtx_manifest()));
  }

  /** The rest of loading, once pickVariant() has set this.device: weights and pipelines. */
  async _init() {
    const m = this.manifest;
    const device = this.device;
    // One handler on device.lost rejects whatever is waiting then. (Racing each wait against
    // a never-settling lost promise would leave a callback on it per wait: a leak per run.)
    this._waiters = new Set();
    device.lost.then((info) => {
      this._lost = info;
      const e = lostError(info);
      for (const reject of this._waiters) reject(e);
      this._waiters.clear();
    });
    device.addEventListener?.('uncapturederror', (e) => this.log(2, `uncaptured WebGPU error: ${e.error?.message ?? e}`));
    this._table = new BufferTable(device);
    this._table.onRelease = (h) => this._dropBindGroups(h);
    this._staging = new StagingPool(device);
    this._weights = await loadWeights(device, this._table, m, this.options.weights);
    this.kernels = await buildKernels(device, m, { timeoutMs: this.options.compileTimeoutMs, onProgress: this.options.onCompileProgress });
    const sp = this.options.specialize;
    this._specializer = sp === false ? null : new Specializer(device, typeof sp === 'object' ? sp : {});
    const namePtr = writeCString(this.memory, this.exports.webtx_alloc, m.function);
    this._fn = this.exports.webtx_get_function(namePtr);
    this.exports.webtx_free(namePtr);
    if (!this._fn) throw new Error(`webtx: the wasm module has no function '${m.function}'`);
  }

  get memory() {
    return this.exports.memory;
  }

  /** Tensors of the manifest with role 'input' / 'output'. */
  get inputs() {
    return this.manifest.tensors.filter((t) => t.role === 'input');
  }
  get outputs() {
    return this.manifest.tensors.filter((t) => t.role === 'output');
  }
  /** Tensors with role 'weight' (loaded by loadModel from options.weights). */
  get weights() {
    return this.manifest.tensors.filter((t) => t.role === 'weight');
  }

  // ---- imports --------------------------------------------------------------------------------
  /**
   * Planned buffer `index` with >= nbytes bytes: one GPUBuffer per planned buffer, kept across
   * runs (so its bind groups stay cached) and re-created only when a run needs more bytes.
   */
  _plannedBuffer(index, nbytes) {
    if (this._lost) return 0;
    const cur = this._planned[index];
    if (cur && this._table.buffers[cur] && this._table.sizes[cur] >= nbytes) return cur;
    if (cur) this._table.release(cur);  // destroyed after this run's submit
    const h = this._table.alloc(nbytes);
    if (!h) this._jsError = this._table.lastError;
    else this._newAllocs?.push({ what: `planned buffer ${index}${this._plannedNames(index)}`, nbytes, h, drop: () => (this._planned[index] = undefined) });
    this._planned[index] = h;
    return h;
  }

  /** " (intermediates a, b)": the tenants of planned buffer `index`, for error messages. */
  _plannedNames(index) {
    const names = (this.manifest.memory?.tensors ?? []).filter((e) => e.buffer === index).map((e) => `'${e.tensor}'`);
    return names.length ? ` (intermediate${names.length > 1 ? 's' : ''} ${names.join(', ')})` : '';
  }

  _dispatch(kernel, gx, gy, gz, handlesPtr, nhandles, uniformsPtr, uniformBytes) {
    try {
      if (this._lost) return 1;
      const k = this.kernels[kernel];
      if (!k) throw new Error(`dispatch of unknown kernel ${kernel}`);
      const lim = this.device.limits.maxComputeWorkgroupsPerDimension;
      if (gx > lim || gy > lim || gz > lim) {
        const writes = k.spec.bindings.filter((b) => b.access === 'read_write').map((b) => `'${b.tensor}'`).join(', ');
        throw new Error(`kernel '${k.spec.name}' (writing ${writes}): grid (${gx}, ${gy}, ${gz}) exceeds this device's maxComputeWorkgroupsPerDimension ${lim}`);
      }
      const handles = new Int32Array(this.memory.buffer, handlesPtr, nhandles).slice();
      for (const b of k.spec.bindings) {
        if (b.binding >= nhandles) throw new Error(`kernel '${k.spec.name}': no buffer for binding ${b.binding} (got ${nhandles})`);
      }
      // A kernel version this call's shapes do not select (its grid is empty): nothing to record.
      if (!(gx > 0 && gy > 0 && gz > 0)) return 0;
      let uIndex = -1;
      let pipeline = k.pipeline;
      if (k.spec.uniforms.length) {
        if (uniformBytes < 4 * k.spec.uniforms.length) throw new Error(`kernel '${k.spec.name}' needs its uniform block (${k.spec.uniforms.length} symbols, got ${uniformBytes} bytes)`);
        // The uniform block starts with the symbols' values, as i32, in the order of `uniforms`.
        if (this._specializer) pipeline = this._specializer.pipeline(k, new Int32Array(this.memory.buffer, uniformsPtr, k.spec.uniforms.length));
        uIndex = this._run.uniformCount++;
        const bytes = new Uint8Array(this.memory.buffer, uniformsPtr, uniformBytes);
        const size = Math.ceil(uniformBytes / 16) * 16;
        let u = this._uniformPool[uIndex];
        if (!u || u.size < size) {
          u?.destroy();
          u = this._uniformPool[uIndex] = this.device.createBuffer({ size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
          if (this._uniformBytes) this._uniformBytes[uIndex] = null;
          this._dropBindGroups(-1 - uIndex);
        }
        // Same extents as the last run in this slot (the common case): nothing to upload.
        const last = (this._uniformBytes ??= [])[uIndex];
        if (!last || last.length !== size || bytes.some((b, i) => b !== last[i])) {
          const padded = new Uint8Array(size);
          padded.set(bytes);
          this.device.queue.writeBuffer(u, 0, padded);  // ordered before this run's submit
          this._uniformBytes[uIndex] = padded;
        }
      }
      // Steady state: the same buffers as this kernel's last dispatch, so its bind group (a
      // string key per dispatch costs more than the rest of this function).
      const last = k.lastGroup;
      let group;
      if (last && last.uIndex === uIndex && k.spec.bindings.every((b, i) => last.handles[i] === handles[b.binding])) {
        group = last.group;
      }
      const key = group ? '' : `${kernel}:${uIndex}:${k.spec.bindings.map((b) => handles[b.binding]).join(',')}`;
      group ??= this._bindGroups.get(key);
      if (!group) {
        const entries = k.spec.bindings.map((b) => ({ binding: b.binding, resource: { buffer: this._table.get(handles[b.binding]) } }));
        if (uIndex >= 0) entries.push({ binding: k.spec.uniform_binding, resource: { buffer: this._uniformPool[uIndex] } });
        group = this.device.createBindGroup({ layout: k.layout, entries });
        this._bindGroups.set(key, group);
        for (const h of [...k.spec.bindings.map((b) => handles[b.binding]), -1 - uIndex]) {
          if (!this._groupsOfHandle.has(h)) this._groupsOfHandle.set(h, new Set());
          this._groupsOfHandle.get(h).add(key);
        }
      }
      if (group !== last?.group) k.lastGroup = { uIndex, handles: k.spec.bindings.map((b) => handles[b.binding]), group };
      const pass = this._pass(k.spec.name);
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(gx, gy, gz);
      this._run.dispatches = (this._run.dispatches ?? 0) + 1;
      return 0;
    } catch (e) {
      this._jsError = e.message;
      return 1;
    }
  }

  /** `p`, or a rejection naming the loss if the device is lost first. */
  _orLost(p) {
    if (this._lost) return Promise.reject(lostError(this._lost));
    return new Promise((resolve, reject) => {
      this._waiters.add(reject);
      p.then(
        (v) => {
          this._waiters.delete(reject);
          resolve(v);
        },
        (e) => {
          this._waiters.delete(reject);
          reject(e);
        });
    });
  }

  _dropBindGroups(h) {
    for (const k of this.kernels ?? []) {
      const last = k.lastGroup;
      if (last && (last.handles.includes(h) || -1 - last.uIndex === h)) k.lastGroup = null;
    }
    const keys = this._groupsOfHandle.get(h);
    if (!keys) return;
    for (const k of keys) this._bindGroups.delete(k);
    this._groupsOfHandle.delete(h);
  }

  _pass(kernel) {
    const r = this._run;
    const k = r.perKernel;
    if (k && k.names.length < k.capacity) {
      // profile(): one pass per dispatch with timestamps around it.
      r.pass?.end();
      const i = k.names.length;
      k.names.push(kernel);
      r.pass = r.encoder.beginComputePass({ timestampWrites: { querySet: k.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
      return r.pass;
    }
    if (!r.pass) {
      const desc = {};
      if (r.timestamps) desc.timestampWrites = { querySet: r.timestamps, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
      r.pass = r.encoder.beginComputePass(desc);
    }
    return r.pass;
  }

  // ---- running ----------------------------------------------------------------------------------
  _check() {
    if (this._disposed) throw new Error('webtx: the model was disposed');
    if (this._lost) throw lostError(this._lost);
  }

  /** Runs calls one at a time: the encoder and uniform pool are per-model state. */
  _serial(fn) {
    const p = this._queue.then(fn);
    this._queue = p.catch(() => {});
    return p;
  }

  /**
   * Runs the model. `inputs`: name -> typed array, {data, shape} or Tensor (CPU, or GPU on this
   * model's device: used in place). `symbols`: values of symbolic extents that no input shape
   * gives. Resolves to name -> typed array (with `dims`), or with `options.outputLocation:
   * 'gpu'` to name -> GPU Tensor, which the caller owns (dispose() it). `options.outputs`
   * (name -> GPU Tensor of the output's dtype and dims) are written in place and returned.
   */
  async run(inputs, symbols = {}, options = {}) {
    const where = options.outputLocation ?? 'cpu';
    if (where !== 'cpu' && where !== 'gpu') {
      throw new Error(`webtx: outputLocation must be 'cpu' or 'gpu', got ${JSON.stringify(options.outputLocation)}`);
    }
    // The inputs' contents are taken now, at the call: a caller may reuse or overwrite its
    // arrays before a queued run starts (as onnxruntime-web allows).
    const taken = takeInputs(inputs);
    const given = options.outputs ?? {};
    for (const [name, t] of Object.entries(given)) {
      const spec = this.manifest.tensorByName.get(name);
      if (spec?.role !== 'output') throw new Error(`webtx: model '${this.manifest.model}' has no output '${name}' (outputs: ${this.outputs.map((x) => x.name).join(', ')})`);
      if (!(t instanceof Tensor) || t.location !== 'gpu') throw new Error(`webtx: output '${name}' in options.outputs must be a GPU Tensor, got ${t instanceof Tensor ? `a ${t.location} tensor` : describeValue(t)}`);
    }
    return this._serial(() => this._execute(taken, symbols, { read: true, check: options.check !== false, gpuOutputs: where === 'gpu', given }));
  }

  /**
   * Shape-specialized pipelines (specialize.js): how many were compiled, how many are still
   * compiling, and why any failed (those shapes keep the generic pipeline).
   */
  get specialization() {
    const sp = this._specializer;
    return { enabled: !!sp, compiled: sp?.compiled ?? 0, pending: sp?.pending.size ?? 0, errors: [...(sp?.errors ?? [])] };
  }

  /** Resolves once every specialized pipeline started so far is compiled (or has failed). */
  async settle() {
    await this._specializer?.settled();
  }

  /**
   * Times `iterations` runs (after warm-up runs: one, or with specialized pipelines as many as
   * start them, and their compilation). Uses timestamp queries when the device has
   * 'timestamp-query' (GPU time of the whole run), else wall-clock time per run including
   * submission and waiting; `method` says which.
   */
  async time(inputs, { iterations = 10, symbols = {} } = {}) {
    checkIterations('time', iterations);
    const gpuTime = this.device.features.has('timestamp-query');
    const runs = await this._repeat(inputs, symbols, iterations, { timestamps: gpuTime });
    const samples = runs.map((r) => (gpuTime ? r.gpuMs : r.wallMs));
    const dispatches = runs.at(-1).dispatches;
    // Of the timed runs' dispatches of specializable kernels, the share that ran specialized
    // pipelines (null: none was specializable, or specialization is off).
    const special = runs.reduce((a, r) => a + r.special, 0), generic = runs.reduce((a, r) => a + r.generic, 0);
    return { method: gpuTime ? 'timestamp-query' : 'wall-clock', medianMs: median(samples),
      minMs: Math.min(...samples), samples, dispatches,
      specializedShare: special + generic ? special / (special + generic) : null,
      // Mean, not median: browsers coarsen performance.now() (100 µs without cross-origin
      // isolation), and only the mean of many coarse samples converges.
      hostUsPerDispatch: dispatches ? (runs.reduce((a, r) => a + r.hostMs, 0) / runs.length * 1000) / dispatches : 0 };
  }

  /**
   * GPU time of each kernel (timestamp queries; the device needs 'timestamp-query'): the model
   * runs with one compute pass per dispatch, `iterations` times after a warm-up; resolves to
   * [{name, ms}] in dispatch order, each the median over the iterations. Separate passes add a
   * little time of their own: use time() for the whole run, this to see which kernels dominate.
   */
  async profile(inputs, { iterations = 10, symbols = {} } = {}) {
    checkIterations('profile', iterations);
    if (!this.device.features.has('timestamp-query')) {
      throw new Error("webtx: profile() needs the WebGPU feature 'timestamp-query', which this device lacks");
    }
    const runs = await this._repeat(inputs, symbols, iterations, { timestamps: 'kernel' });
    return runs[0].kernelMs.map((k, j) => ({ name: k.name, ms: median(runs.map((r) => r.kernelMs[j].ms)) }));
  }

  /**
   * `iterations` runs of the model after one warm-up run (which uploads the inputs into the
   * persistent argument buffers, so the timed runs upload nothing): the _execute results, each
   * with its wall time `wallMs`.
   */
  async _repeat(inputs, symbols, iterations, options) {
    inputs = takeInputs(inputs);
    return this._serial(async () => {
      await this._execute(inputs, symbols, { read: false, check: true });
      // The steady state of repeated shapes: as many runs as start their specialized pipelines
      // (specialize.js), timed once those are compiled.
      if (this._specializer) {
        for (let i = 1; i < this._specializer.after; ++i) await this._execute(inputs, symbols, { read: false, check: true, upload: false });
        await this._specializer.settled();
      }
      const runs = [];
      const uses = this._specializer?.uses ?? { special: 0, generic: 0 };
      for (let i = 0; i < iterations; ++i) {
        const t0 = performance.now(), u0 = { ...uses };
        const r = await this._execute(inputs, symbols, { read: false, check: true, upload: false, ...options });
        runs.push({ ...r, wallMs: performance.now() - t0, special: uses.special - u0.special, generic: uses.generic - u0.generic });
      }
      return runs;
    });
  }

  async _execute(inputs, symbols, { read, check, timestamps = false, upload = true, gpuOutputs = false, given = {} }) {
    this._check();
    const m = this.manifest;
    const device = this.device;
    inputs ??= {};
    for (const name of Object.keys(inputs)) {
      const t = m.tensorByName.get(name);
      if (t?.role === 'weight') throw new Error(`webtx: '${name}' is a weight of model '${m.model}', loaded once by loadModel(source, { weights }), not a run() input`);
      if (!t || t.role !== 'input') throw new Error(`webtx: model '${m.model}' has no input '${name}' (inputs: ${this.inputs.map((x) => x.name).join(', ')})`);
    }
    for (const t of this.inputs) {
      const v = splitInput(inputs[t.name]);
      if (inputs[t.name] !== undefined && !v.data && !v.gpu) {
        throw new Error(`webtx: input '${t.name}' must be a typed array, {data, shape} or a Tensor (a ${t.dtype} tensor), got ${describeValue(inputs[t.name])}`);
      }
      if (v.gpu) this._checkGpuTensor(t, v.gpu, 'input');
      if (!v.data && !v.gpu) throw new Error(`webtx: missing input '${t.name}' (a ${t.dtype} tensor of shape [${t.shape.map(extentToString).join(', ')}])`);
    }
    // check: false skips the JS-side shape checks (to exercise the module's own checks).
    const env = resolveSymbols(m, inputs, symbols, check);
    // Argument tensors: the caller's inputs (uploaded, or GPU tensors used in place), the
    // outputs (persistent buffers, or with gpuOutputs fresh buffers the caller will own) and
    // the weights loadModel uploaded.
    const args = [];
    const foreign = new Map();
    const fresh = [];  // GPU output buffers of this run
    // Buffers this run creates: if the device reports an error for the run (out of memory, or
    // an invalid buffer), they leave every cache, so the next run starts from valid state.
    const allocs = (this._newAllocs = []);
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let scoped = true;
    const popScopes = async () => {
      if (!scoped) return [null, null];
      scoped = false;
      this._newAllocs = null;
      const p = Promise.all([device.popErrorScope(), device.popErrorScope()]);
      return this._lost ? [null, null] : this._orLost(p);
    };
    const dropAllocs = () => {
      for (const a of allocs) {
        a.drop();
        this._table.release(a.h);
      }
      this._table.flushFrees();
    };
    const settle = (ok) => {
      // Handles of GPU tensors leave the table (bind groups too) unless the next run reuses them.
      for (const [buf, h] of this._foreign) if (!foreign.has(buf)) this._table.detach(h);
      this._foreign = foreign;
      for (const f of fresh) {
        this._table.detach(f.handle);
        if (!ok) f.buffer.destroy();
      }
    };
    try {
      for (const name of m.args) {
        const t = m.tensorByName.get(name);
        if (t.role === 'weight') {
          args.push({ t, ...this._weights.get(name) });
          continue;
        }
        const info = dtypeInfo(t.dtype);
        let shape, data;
        const gpu = t.role === 'input' ? splitInput(inputs[name]).gpu : undefined;
        if (gpu) {
          const h = this._foreign.get(gpu.gpuBuffer) ?? foreign.get(gpu.gpuBuffer) ?? this._table.adopt(gpu.gpuBuffer);
          foreign.set(gpu.gpuBuffer, h);
          args.push({ t, shape: [...gpu.dims], nbytes: gpu.byteLength, handle: h });
          continue;
        }
        if (t.role === 'output' && given[name]) {
          // The caller's buffer, written in place (its handle and bind groups kept like inputs').
          const out = given[name];
          shape = concreteShape(t, env);
          this._checkGpuTensor(t, out, 'output');
          if (out.dims.length !== shape.length || out.dims.some((d, i) => d !== shape[i])) {
            throw new Error(`webtx: output '${name}' is a GPU tensor of dims [${out.dims}], but this run writes [${shape}]`);
          }
          if (foreign.has(out.gpuBuffer)) throw new Error(`webtx: output '${name}' is a GPU tensor whose buffer is also an input or another output of this run`);
          const h = this._foreign.get(out.gpuBuffer) ?? this._table.adopt(out.gpuBuffer);
          foreign.set(out.gpuBuffer, h);
          args.push({ t, shape, nbytes: out.byteLength, handle: h, given: out });
          continue;
        }
        if (t.role === 'output' && gpuOutputs) {
          shape = concreteShape(t, env);
          const nbytes = shape.reduce((a, b) => a * b, 1) * info.bytes;
          const max = this._table.maxBytes();
          if (nbytes > max) throw new Error(`webtx: cannot allocate output '${name}' (${nbytes} bytes): more than this device's maxBufferSize / maxStorageBufferBindingSize (${max} bytes)`);
          const buffer = device.createBuffer({ size: Math.max(4, Math.ceil(nbytes / 4) * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
          const handle = this._table.adopt(buffer);
          fresh.push({ buffer, handle });
          args.push({ t, shape, nbytes, handle, buffer });
          continue;
        }
        if (t.role === 'input') {
          const v = splitInput(inputs[name]);
          if (!v.data) throw new Error(`webtx: missing input '${name}' (a ${t.dtype} tensor of shape [${t.shape.map(extentToString).join(', ')}])`);
          if (check && !acceptsTyped(t.dtype, v.data)) {
            throw new Error(`webtx: input '${name}' must be a ${info.accepts.map((c) => c.name).join(' or ')} (dtype ${t.dtype}), got ${v.data.constructor.name}`);
          }
          shape = v.shape ?? concreteShape(t, env);
          data = toGpuBytes(t.dtype, v.data);
          const count = shape.reduce((a, b) => a * b, 1);
          if (check && v.data.length !== count) {
            throw new Error(`webtx: input '${name}' has ${v.data.length} elements, but its shape [${shape}] needs ${count}`);
          }
        } else {
          shape = concreteShape(t, env);
          if (shape.some((d) => d === undefined)) throw new Error(`webtx: output '${name}' has an unbound extent`);
        }
        const nbytes = data ? data.byteLength : shape.reduce((a, b) => a * b, 1) * info.bytes;
        args.push({ t, shape, data, nbytes, handle: this._argBuffer(t, nbytes) });
      }
    } catch (e) {
      settle(false);
      await popScopes();
      dropAllocs();
      throw e;
    }
    for (const a of args) {
      if (upload && a.data && a.data.byteLength) {
        const src = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
        const bytes = a.data.byteLength % 4 ? (() => { const p = new Uint8Array(Math.ceil(src.length / 4) * 4); p.set(src); return p; })() : src;
        device.queue.writeBuffer(this._table.get(a.handle), 0, bytes);
      }
    }
    // Arguments in wasm memory: WebtxValue[n] followed by WebtxTensor[n].
    const n = args.length;
    const mem = this.memory;
    const base = this.exports.webtx_alloc(n * (VALUE_BYTES + TENSOR_BYTES));
    if (!base) {
      settle(false);
      await popScopes();
      throw new Error('webtx: wasm allocation failed');
    }
    args.forEach((a, i) => {
      const tp = base + n * VALUE_BYTES + i * TENSOR_BYTES;
      writeTensor(mem, tp, { handle: a.handle, dtype: dtypeInfo(a.t.dtype).code, shape: a.shape, nbytes: a.nbytes });
      writeTensorValue(mem, base + i * VALUE_BYTES, tp);
    });
    const perKernel = timestamps === 'kernel';
    const querySet = timestamps && !perKernel ? (this._querySet ??= device.createQuerySet({ type: 'timestamp', count: 2 })) : null;
    this._run = { encoder: device.createCommandEncoder(), pass: null, uniformCount: 0, timestamps: querySet };
    if (perKernel) {
      const capacity = m.kernels.length;
      this._profileSet ??= device.createQuerySet({ type: 'timestamp', count: 2 * capacity });
      this._run.perKernel = { querySet: this._profileSet, capacity, names: [] };
    }
    this._jsError = '';
    let rc;
    // Host cost: the wasm stub's checks and grid math, the dispatch closures and the encoding.
    const hostStart = performance.now();
    try {
      rc = this.exports.webtx_call(this._fn, base, n);
    } finally {
      this._run.hostMs = performance.now() - hostStart;
      this.exports.webtx_free(base);
    }
    // A run whose kernels all had empty grids still writes its pass's two timestamps.
    if (querySet && !this._run.pass) this._pass('');
    const run = this._run;
    this._run = null;
    run.pass?.end();
    if (rc !== 0) {
      run.encoder.finish();  // discarded: nothing of a failed call is submitted
      settle(false);
      this._table.flushFrees();
      const [verr, oom] = await popScopes();
      if (verr || oom) dropAllocs();
      const msg = readCString(mem, this.exports.webtx_last_error());
      throw new Error(`webtx: ${msg || 'call failed'}${this._jsError ? ` (${this._jsError})` : ''}`);
    }
    const reads = [];
    if (read && !gpuOutputs) {
      for (const a of args.filter((x) => x.t.role === 'output' && !x.given)) {
        const size = Math.max(4, Math.ceil(a.nbytes / 4) * 4);
        const staging = this._staging.acquire(size);  // pooled: no buffer per run
        run.encoder.copyBufferToBuffer(this._table.get(a.handle), 0, staging, 0, size);
        reads.push({ a, staging, size });
      }
    }
    let tsBuf, profBuf;
    if (perKernel && run.perKernel.names.length) {
      const bytes = 16 * run.perKernel.capacity;
      const resolve = (this._profResolve ??= device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }));
      profBuf = (this._profRead ??= device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
      run.encoder.resolveQuerySet(this._profileSet, 0, 2 * run.perKernel.names.length, resolve, 0);
      run.encoder.copyBufferToBuffer(resolve, 0, profBuf, 0, bytes);
    }
    if (querySet) {
      const resolve = (this._tsResolve ??= device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }));
      tsBuf = (this._tsRead ??= device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
      run.encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
      run.encoder.copyBufferToBuffer(resolve, 0, tsBuf, 0, 16);
    }
    device.queue.submit([run.encoder.finish()]);
    settle(true);
    this._table.flushFrees();  // destroy() after submit: WebGPU frees once the work is done
    const [err, oom] = await popScopes();
    if (err || oom) {
      for (const { staging } of reads) this._staging.release(staging);
      for (const f of fresh) f.buffer.destroy();
      dropAllocs();
      const made = [...allocs.map((a) => `${a.what} (${a.nbytes} bytes)`), ...fresh.map((f) => `output buffer (${f.buffer.size} bytes)`)];
      if (oom) {
        throw new Error(`webtx: out of memory allocating ${made.join(', ') || 'buffers'} while running model '${m.model}' (${oom.message}); the model stays usable with smaller inputs`);
      }
      throw new Error(`webtx: WebGPU error while running model '${m.model}'${made.length ? ` (buffers created by this run: ${made.join(', ')})` : ''}: ${err.message}`);
    }
    const outputs = {};
    if (read) {
      for (const a of args.filter((x) => x.t.role === 'output')) {
        if (a.given) outputs[a.t.name] = a.given;
        else if (gpuOutputs) outputs[a.t.name] = Tensor.fromGpuBuffer(a.buffer, { dtype: a.t.dtype, dims: a.shape, device });
      }
    }
    for (const { a, staging, size } of reads) {
      try {
        await this._orLost(staging.mapAsync(GPUMapMode.READ, 0, size));
        const count = a.shape.reduce((x, y) => x * y, 1);
        const out = allocTyped(a.t.dtype, count);
        new Uint8Array(out.buffer).set(new Uint8Array(staging.getMappedRange(0, size), 0, out.byteLength));
        staging.unmap();
        Object.defineProperty(out, 'dims', { value: Object.freeze([...a.shape]), enumerable: false });
        outputs[a.t.name] = out;
      } finally {
        this._staging.release(staging);
      }
    }
    const result = { outputs, hostMs: run.hostMs, dispatches: run.dispatches ?? 0 };
    if (profBuf) {
      await this._orLost(profBuf.mapAsync(GPUMapMode.READ));
      const t = new BigUint64Array(profBuf.getMappedRange());
      result.kernelMs = run.perKernel.names.map((name, i) => ({ name, ms: Number(t[2 * i + 1] - t[2 * i]) / 1e6 }));
      profBuf.unmap();
    }
    if (tsBuf) {
      await this._orLost(tsBuf.mapAsync(GPUMapMode.READ));
      const [t0, t1] = new BigUint64Array(tsBuf.getMappedRange());
      result.gpuMs = Number(t1 - t0) / 1e6;
      tsBuf.unmap();
    } else if (!read && !profBuf) {
      await this._orLost(device.queue.onSubmittedWorkDone());
    }
    return read ? outputs : result;
  }

  /** A GPU tensor given for input or output `t`: this device, its dtype, a storage buffer. */
  _checkGpuTensor(t, tensor, role) {
    if (tensor.location !== 'gpu') throw new Error(`webtx: ${role} '${t.name}' is a ${tensor.location} tensor, not a GPU tensor`);
    if (tensor.device !== this.device) {
      throw new Error(`webtx: ${role} '${t.name}' is a GPU tensor of another device than model '${this.manifest.model}'s (download it with getData() or create it on model.device)`);
    }
    if (tensor.dtype !== t.dtype) {
      throw new Error(`webtx: ${role} '${t.name}' is a GPU tensor of dtype ${tensor.dtype}, but the model ${role === 'input' ? 'takes' : 'writes'} ${t.dtype}`);
    }
    if (!(tensor.gpuBuffer.usage & GPUBufferUsage.STORAGE)) {
      throw new Error(`webtx: ${role} '${t.name}' is a GPU tensor whose buffer lacks STORAGE usage`);
    }
    if (tensor.gpuBuffer.size < tensor.byteLength) {
      throw new Error(`webtx: ${role} '${t.name}' GPU buffer has ${tensor.gpuBuffer.size} bytes, its dims [${tensor.dims}] need ${tensor.byteLength}`);
    }
  }

  /** A persistent GPU buffer per argument (tensor `t`), grown when a run needs more. */
  _argBuffer(t, nbytes) {
    const name = t.name;
    const cur = this._argBuffers.get(name);
    if (cur && this._table.sizes[cur] >= nbytes && this._table.buffers[cur]) return cur;
    if (cur) this._table.release(cur);
    const h = this._table.alloc(nbytes);
    if (!h) {
      this._argBuffers.delete(name);
      throw new Error(`webtx: cannot allocate ${t.role} '${name}' (${nbytes} bytes): ${this._table.lastError}`);
    }
    this._argBuffers.set(name, h);
    this._newAllocs?.push({ what: `${t.role} '${name}'`, nbytes, h, drop: () => this._argBuffers.get(name) === h && this._argBuffers.delete(name) });
    return h;
  }

  /** Releases the GPU buffers, pipelines and (if the model created it) the device. */
  dispose() {
    if (this._disposed) return;
    this._disposed = true;
    this._table?.destroyAll();
    for (const u of this._uniformPool) u?.destroy();
    this._querySet?.destroy();
    this._tsResolve?.destroy();
    this._tsRead?.destroy();
    this._profileSet?.destroy();
    this._profResolve?.destroy();
    this._profRead?.destroy();
    this._staging?.destroyAll();
    this._bindGroups.clear();
    if (this._ownsDevice) this.device?.destroy();
  }
}
