// node bench_matmul_fast.mjs <dir with matmul_fast_<N>.wasm (+ _0_matmul.wgsl)> [N ...]: times
// the generated fast matmul models on WebGPU through Dawn, after checking sampled outputs
// against a CPU dot product. Two timings of the same generated kernel:
//  * `tflops`: the model through web/'s model.time() (one run per submit, GPU timestamps);
//  * `batchedTflops`: the model's WGSL dispatched in batches of back-to-back dispatches, timed
//    by wall clock exactly as anchor-matmul.mjs times the hand-written kernel (if the .wgsl is
//    next to the .wasm).
// Prints one JSON line per size, like anchor-matmul.mjs, so both can run in the same command.
import { existsSync, readFileSync } from 'node:fs';
import { createNodeGPU } from '../../web/src/node.js';
import { loadModel } from '../../web/src/index.js';

const [dir, ...rest] = process.argv.slice(2);
const sizes = rest.length ? rest.map(Number) : [1024, 2048, 4096, 8192];
const gpu = await createNodeGPU();
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
// Large storage bindings (8192^2 floats = 256 MiB) need the adapter's limits, as the anchor does.
const device = await adapter.requestDevice({
  requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
  requiredLimits: Object.fromEntries(['maxComputeWorkgroupStorageSize', 'maxStorageBufferBindingSize',
    'maxBufferSize'].map((k) => [k, adapter.limits[k]])) });

// The anchor's method: batches of `reps` dispatches (~50 ms a batch), median of 7.
async function timeBatched(wgsl, N, A, B) {
  const S = GPUBufferUsage.STORAGE, CD = GPUBufferUsage.COPY_DST;
  const mk = (data) => {
    const buf = device.createBuffer({ size: N * N * 4, usage: S | CD });
    if (data) device.queue.writeBuffer(buf, 0, data);
    return buf;
  };
  const bufs = [mk(A), mk(B), mk(null)];
  const module = device.createShaderModule({ code: wgsl });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0),
    entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const submit = (reps) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline); pass.setBindGroup(0, bind);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(N / 128, N / 128);
    pass.end(); device.queue.submit([enc.finish()]);
    return device.queue.onSubmittedWorkDone();
  };
  await submit(1);
  let t = performance.now(); await submit(1); const one = Math.max(performance.now() - t, 0.01);
  const reps = Math.max(1, Math.min(200, Math.floor(50 / one)));
  const per = [];
  for (let i = 0; i < 7; i++) { t = performance.now(); await submit(reps); per.push((performance.now() - t) / reps); }
  per.sort((x, y) => x - y);
  for (const b of bufs) b.destroy();
  return per[3];
}

for (const N of sizes) {
  const model = await loadModel(readFileSync(`${dir}/matmul_fast_${N}.wasm`), { device });
  const A = new Float32Array(N * N), B = new Float32Array(N * N);
  for (let i = 0; i < A.length; i++) { A[i] = ((i * 7) % 13) / 13 - 0.5; B[i] = ((i * 5) % 11) / 11 - 0.5; }
  const inputs = { A: { data: A, shape: [N, N] }, B: { data: B, shape: [N, N] } };
  const { C } = await model.run(inputs);
  let maxAbsErr = 0;
  for (let s = 0; s < 64; s++) {
    const i = (s * 2654435761) % N, j = (s * 40503 + 17) % N;
    let ref = 0;
    for (let k = 0; k < N; k++) ref += A[i * N + k] * B[k * N + j];
    maxAbsErr = Math.max(maxAbsErr, Math.abs(ref - C[i * N + j]));
  }
  await model.time(inputs, { iterations: 5 });  // warm-up
  const t = await model.time(inputs, { iterations: N >= 4096 ? 20 : 50 });
  const tf = (ms) => +(2 * N ** 3 / ms / 1e9).toFixed(2);
  const wgslPath = `${dir}/matmul_fast_${N}_0_matmul.wgsl`;
  const batchedMs = existsSync(wgslPath) ? await timeBatched(readFileSync(wgslPath, 'utf8'), N, A, B) : undefined;
  console.log(JSON.stringify({ kernel: `webtx matmul_fast_${N} (WGSL)`, N, ms: +t.medianMs.toFixed(4),
    tflops: tf(t.medianMs), minMsTflops: tf(t.minMs), method: t.method,
    batchedMs: batchedMs && +batchedMs.toFixed(4), batchedTflops: batchedMs && tf(batchedMs), maxAbsErr }));
  model.dispose();
  // Schedule variants carried only as WGSL (e.g. matmul_fast_row_<N>): batched timing.
  for (const alt of ['matmul_fast_row']) {
    const path = `${dir}/${alt}_${N}_0_matmul.wgsl`;
    if (!existsSync(path)) continue;
    const ms = await timeBatched(readFileSync(path, 'utf8'), N, A, B);
    console.log(JSON.stringify({ kernel: `webtx ${alt}_${N} (WGSL)`, N, batchedMs: +ms.toFixed(4), batchedTflops: tf(ms) }));
  }
}
process.exit(0);
