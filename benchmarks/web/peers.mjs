// Peer libraries on the same WebGPU adapter: TensorFlow.js's WebGPU backend and ONNX Runtime
// Web's WebGPU execution provider, fp32 matmul C[M, N] = A[M, K] B[K, N] at the given shapes
// (a number N means N×N×N; see shape()). Recipes and traps: NOTES.md.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createGPU } from './dawn.mjs';
import { timeBatches } from './gbench_json.mjs';

const require = createRequire(import.meta.url);

// {M, N, K, label} of a size: N (square) or {M, N, K}.
export function shape(size) {
  if (typeof size === 'number') return { M: size, N: size, K: size, label: String(size) };
  return { ...size, label: size.label ?? `${size.M}x${size.N}x${size.K}` };
}

function inputs({ M, N, K }) {
  const a = new Float32Array(M * K), b = new Float32Array(K * N);
  for (let i = 0; i < a.length; i++) a[i] = ((i * 7) % 13) / 13 - 0.5;
  for (let i = 0; i < b.length; i++) b[i] = ((i * 5) % 11) / 11 - 0.5;
  return { a, b };
}

// Max abs error of a sample of C's entries against a CPU dot product.
export function sampleError(a, b, c, { M, N, K }) {
  let err = 0;
  for (let s = 0; s < 32; s++) {
    const i = (s * 2654435761) % M, j = (s * 40503 + 17) % N;
    let ref = 0;
    for (let k = 0; k < K; k++) ref += a[i * K + k] * b[k * N + j];
    err = Math.max(err, Math.abs(ref - c[i * N + j]));
  }
  return err;
}

let navigatorSet = false;
export async function exposeNavigatorGPU() {
  if (navigatorSet) return;
  const gpu = await createGPU();
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  navigatorSet = true;
}

// TF.js registers its WebGPU backend at import time, and only if navigator.gpu exists.
export async function tfjsMatmul(sizes, heat) {
  await exposeNavigatorGPU();
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js WebGPU backend did not initialise');
  await tf.ready();
  const out = [];
  for (const size of sizes) {
    const sh = shape(size), { M, N, K } = sh;
    const { a, b } = inputs(sh);
    const A = tf.tensor2d(a, [M, K]), B = tf.tensor2d(b, [K, N]);
    const C = tf.matMul(A, B);
    const err = sampleError(a, b, await C.data(), sh);
    C.dispose();
    // GPU kernel time from timestamp queries when the adapter has them; else wall time.
    await heat?.();
    const info = await tf.time(() => tf.matMul(A, B));
    let ms = typeof info.kernelMs === 'number' ? info.kernelMs : NaN, method = 'timestamp';
    const wall = await timeBatches(async (reps) => {
      const ts = [];
      for (let r = 0; r < reps; r++) ts.push(tf.matMul(A, B));
      await ts[ts.length - 1].data();
      ts.forEach((t) => t.dispose());
    }, { maxReps: 50 });
    if (!(ms > 0)) { ms = wall.ms; method = 'wall'; }
    out.push({ ...sh, ms, wallMs: wall.ms, method, maxAbsErr: err, iterations: wall.iterations });
    A.dispose(); B.dispose();
  }
  return out;
}

// A one-MatMul ONNX model with symbolic dims, built with the protobufjs schema ORT ships.
function matmulModel() {
  const onnx = onnxSchema();
  const T = onnx.TensorProto.DataType.FLOAT;
  const vi = (name, d0, d1) => ({ name, type: { tensorType: { elemType: T, shape: { dim: [{ dimParam: d0 }, { dimParam: d1 }] } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'mm', node: [{ opType: 'MatMul', input: ['A', 'B'], output: ['C'] }],
      input: [vi('A', 'M', 'K'), vi('B', 'K', 'N')], output: [vi('C', 'M', 'N')] },
  });
  return onnx.ModelProto.encode(model).finish();
}

// ONNX Runtime Web on this process's Dawn (one wasm thread).
export async function importOrt() {
  await exposeNavigatorGPU();
  // dawn.node's writeBuffer rejects views of shared memory (ORT's wasm heap): copy them first.
  const wb = GPUQueue.prototype.writeBuffer;
  if (!wb.webtxWrapped) {
    GPUQueue.prototype.writeBuffer = function (buf, off, data, dataOff, size) {
      if (data?.buffer instanceof SharedArrayBuffer) data = data.slice();
      return dataOff === undefined ? wb.call(this, buf, off, data) : wb.call(this, buf, off, data, dataOff, size);
    };
    GPUQueue.prototype.writeBuffer.webtxWrapped = true;
  }
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.numThreads = 1;
  return ort;
}

// The ONNX protobuf schema ORT ships (by path: the package's exports map hides lib/).
export function onnxSchema() {
  return require(fileURLToPath(new URL('./node_modules/onnxruntime-web/lib/onnxjs/ort-schema/protobuf/onnx.js', import.meta.url))).onnx;
}

// An ORT tensor on ORT's own WebGPU device holding `data` (f32), so runs read no host memory.
export function ortGpuTensor(ort, device, data, dims) {
  const buf = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, data);
  return ort.Tensor.fromGpuBuffer(buf, { dataType: 'float32', dims });
}

// Wall time per session.run(feeds), inputs and outputs kept on the GPU (the recipe NOTES.md
// measured): {ms, iterations}. `output` is the name of the result to dispose after each run.
export async function timeOrtRuns(session, feeds, device, output) {
  return timeBatches(async (reps) => {
    for (let r = 0; r < reps; r++) {
      const res = await session.run(feeds);
      if (r === reps - 1) await device.queue.onSubmittedWorkDone();
      res[output].dispose();
    }
  }, { maxReps: 50 });
}

export async function ortMatmul(sizes, heat) {
  const ort = await importOrt();
  const session = await ort.InferenceSession.create(matmulModel(), {
    executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
  const device = await ort.env.webgpu.device;
  const out = [];
  for (const size of sizes) {
    const sh = shape(size);
    const { a, b } = inputs(sh);
    const feeds = { A: ortGpuTensor(ort, device, a, [sh.M, sh.K]), B: ortGpuTensor(ort, device, b, [sh.K, sh.N]) };
    const first = await session.run(feeds);
    const err = sampleError(a, b, await first.C.getData(), sh);
    first.C.dispose();
    await heat?.();
    const t = await timeOrtRuns(session, feeds, device, 'C');
    out.push({ ...sh, ms: t.ms, method: 'wall', maxAbsErr: err, iterations: t.iterations });
  }
  await session.release();
  return out;
}
