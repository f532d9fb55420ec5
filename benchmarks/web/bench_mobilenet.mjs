// MobileNetV2 through Dawn in Node: webtx vs ONNX Runtime Web (WebGPU EP) on the same adapter,
// batch 1 and 8, in one process. Writes Google Benchmark-format JSON (--out) and prints a table.
//
//   node --liftoff-only benchmarks/web/bench_mobilenet.mjs --model mobilenet_v2.wasm \
//     --weights mobilenet_v2.safetensors --ref mobilenet_v2.ref224.safetensors \
//     [--onnx mobilenet_v2.onnx] [--batches 1,8] [--iters 40] [--out mobilenet.json]
//
// Per batch, webtx: GPU time of one inference (timestamp queries around its one compute pass),
// end-to-end latency one inference at a time (upload the image, run, read the logits back),
// the same with input and output kept on the GPU, upload and download alone, throughput with
// runs queued back to back, host cost per dispatch, and GPU time per kernel (profile()).
// ORT-web: latency with GPU-resident I/O and end to end. Correctness: logits vs PyTorch's
// (the reference file) at each batch, top-5 of every reference image compared.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadModel, parseSafetensors, Tensor } from '../../web/src/index.js';
import { createGPU } from './dawn.mjs';
import { compareLogits, readReference } from '../../examples/mobilenet_v2/reference.js';
import { GBenchReport } from './gbench_json.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
for (const k of ['model', 'weights', 'ref']) if (!args[k]) throw new Error(`bench_mobilenet: --${k} is required`);
const batches = (args.batches ?? '1,8').split(',').map(Number);
const ITERS = Number(args.iters ?? 40);  // timed calls per measurement (a smoke test on a CPU adapter: 2)
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

const reference = readReference(parseSafetensors(readFileSync(args.ref), args.ref));
const nRef = reference.count;
// The reference images cycled to fill a batch: {data, logits} (PyTorch's logits for them).
function batchOf(b) {
  const { input, logits } = reference.batch(b);
  return { data: input.data, logits };
}
const [, C, H, W] = reference.images.shape;
// compareLogits without the largest |reference| (kept out of the JSON rows as before).
function compare(got, want, b) {
  const { maxRef, ...rest } = compareLogits(got, want, b);
  return rest;
}
// Median wall time of `fn` over `n` calls after `warm` calls.
async function wall(fn, n = ITERS, warm = Math.min(5, ITERS)) {
  for (let i = 0; i < warm; i++) await fn();
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const gpu = await createGPU();
const report = new GBenchReport('bench_mobilenet.mjs');
const rows = [];

// ---- webtx --------------------------------------------------------------------------------
const model = await loadModel(args.model, { gpu, weights: args.weights });
const device = model.device;
report.context.adapter = `${device.adapterInfo?.vendor ?? ''} ${device.adapterInfo?.architecture ?? ''}`.trim();
{
  // Every reference image at once: logits and top-5 against PyTorch's.
  const { data, logits: want } = batchOf(nRef);
  const all = compare((await model.run({ input: { data, shape: [nRef, C, H, W] } })).logits, want, nRef);
  rows.push({ impl: 'webtx', batch: nRef, check: 'all reference images', ...all });
  console.log(JSON.stringify(rows.at(-1)));
}
for (const b of batches) {
  const { data, logits: want } = batchOf(b);
  const input = { data, shape: [b, C, H, W] };
  const out = await model.run({ input });
  const check = compare(out.logits, want, b);
  const time = await model.time({ input }, { iterations: Math.min(30, ITERS) });
  const e2e = await wall(async () => model.run({ input }));
  // GPU-resident: the image uploaded once, logits written into a GPU tensor we own.
  const inBuf = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
  device.queue.writeBuffer(inBuf, 0, data);
  const outBuf = device.createBuffer({ size: b * 4000, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
  const gIn = Tensor.fromGpuBuffer(inBuf, { dtype: 'f32', dims: [b, C, H, W], device });
  const gOut = Tensor.fromGpuBuffer(outBuf, { dtype: 'f32', dims: [b, 1000], device });
  const gpuIo = await wall(async () => {
    await model.run({ input: gIn }, {}, { outputs: { logits: gOut } });
    await device.queue.onSubmittedWorkDone();
  });
  // Throughput: 32 inferences queued back to back (GPU-resident I/O), one wait at the end.
  const q = Math.min(32, ITERS);
  const t0 = performance.now();
  const pending = [];
  for (let i = 0; i < q; i++) pending.push(model.run({ input: gIn }, {}, { outputs: { logits: gOut } }));
  await Promise.all(pending);
  await device.queue.onSubmittedWorkDone();
  const throughput = (q * b * 1000) / (performance.now() - t0);
  // Upload and download alone, on the same device.
  const upload = await wall(async () => {
    device.queue.writeBuffer(inBuf, 0, data);
    await device.queue.onSubmittedWorkDone();
  });
  const staging = device.createBuffer({ size: b * 4000, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const download = await wall(async () => {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(outBuf, 0, staging, 0, b * 4000);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    staging.unmap();
  });
  const kernels = model.profile ? await model.profile({ input }, { iterations: Math.min(10, ITERS) }) : [];
  const row = { impl: 'webtx', batch: b, gpuMs: time.medianMs, method: time.method, e2eMs: e2e, gpuIoMs: gpuIo,
    uploadMs: upload, downloadMs: download, inferencesPerS: throughput, dispatches: time.dispatches,
    hostUsPerDispatch: time.hostUsPerDispatch, ...check, kernels };
  rows.push(row);
  report.add(`webtx/mobilenet_v2/batch:${b}/gpu`, { ms: time.medianMs, iterations: 30, counters: { e2e_ms: e2e, gpu_io_ms: gpuIo, upload_ms: upload, download_ms: download, inferences_per_s: throughput, dispatches: time.dispatches, host_us_per_dispatch: time.hostUsPerDispatch, max_abs_err: check.maxAbs, top5_same: check.top5Same } });
  for (const k of kernels) report.add(`webtx/mobilenet_v2/batch:${b}/kernel:${k.name}`, { ms: k.ms, iterations: 10 });
  staging.destroy(); gIn.dispose?.(); gOut.dispose?.();
  console.log(JSON.stringify({ ...row, kernels: kernels.length }));
}
model.dispose();

// ---- ONNX Runtime Web ---------------------------------------------------------------------
if (args.onnx) {
  try {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    const wb = GPUQueue.prototype.writeBuffer;
    GPUQueue.prototype.writeBuffer = function (buf, off, data, dataOff, size) {
      if (data?.buffer instanceof SharedArrayBuffer) data = data.slice();
      return dataOff === undefined ? wb.call(this, buf, off, data) : wb.call(this, buf, off, data, dataOff, size);
    };
    const ort = await import('onnxruntime-web/webgpu');
    ort.env.wasm.numThreads = 1;
    const onnx = readFileSync(args.onnx);
    const gpuSession = await ort.InferenceSession.create(onnx, { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
    const cpuSession = await ort.InferenceSession.create(onnx, { executionProviders: ['webgpu'] });
    const dev = await ort.env.webgpu.device;
    for (const b of batches) {
      const { data, logits: want } = batchOf(b);
      const cpuIn = new ort.Tensor('float32', data, [b, C, H, W]);
      const first = await cpuSession.run({ input: cpuIn });
      const check = compare(first.logits.data, want, b);
      const e2e = await wall(async () => { await (await cpuSession.run({ input: cpuIn })).logits.getData(); });
      const buf = dev.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      dev.queue.writeBuffer(buf, 0, data);
      const gIn = ort.Tensor.fromGpuBuffer(buf, { dataType: 'float32', dims: [b, C, H, W] });
      const gpuIo = await wall(async () => {
        const r = await gpuSession.run({ input: gIn });
        await dev.queue.onSubmittedWorkDone();
        r.logits.dispose();
      });
      const row = { impl: 'ort-web', batch: b, e2eMs: e2e, gpuIoMs: gpuIo, ...check };
      rows.push(row);
      report.add(`ort-web/mobilenet_v2/batch:${b}/gpu_io`, { ms: gpuIo, iterations: 40, counters: { e2e_ms: e2e, max_abs_err: check.maxAbs, top5_same: check.top5Same } });
      console.log(JSON.stringify(row));
    }
  } catch (e) {
    report.skip('ort-web/mobilenet_v2', e.message);
    console.log(`ORT-web failed: ${e.message}`);
  }
}

if (args.out) writeFileSync(args.out, JSON.stringify({ ...report.toJSON(), rows }, null, 1));
const fmt = (v, d = 3) => (v === undefined ? '-' : typeof v === 'number' ? v.toFixed(d) : String(v));
console.log('\nimpl     batch  gpu ms  e2e ms  gpu-io ms  upload  download  inf/s   host µs/disp  max abs err  top-5 same');
for (const r of rows) {
  console.log([r.impl.padEnd(8), String(r.batch).padStart(5), fmt(r.gpuMs).padStart(7), fmt(r.e2eMs).padStart(7), fmt(r.gpuIoMs).padStart(10),
    fmt(r.uploadMs).padStart(7), fmt(r.downloadMs).padStart(9), fmt(r.inferencesPerS, 0).padStart(6), fmt(r.hostUsPerDispatch, 2).padStart(13),
    r.maxAbs.toExponential(2).padStart(12), `${r.top5Same}/${r.images}`.padStart(11)].join(' '));
}
for (const r of rows.filter((x) => x.kernels?.length)) {
  console.log(`\nwebtx batch ${r.batch}: slowest kernels (GPU µs, one pass per kernel)`);
  for (const k of [...r.kernels].sort((a, b) => b.ms - a.ms).slice(0, 12)) console.log(`  ${(k.ms * 1000).toFixed(1).padStart(8)}  ${k.name}`);
  console.log(`  sum of ${r.kernels.length} kernels: ${(r.kernels.reduce((a, k) => a + k.ms, 0) * 1000).toFixed(1)} µs`);
}
process.exit(0);
