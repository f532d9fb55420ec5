// Which of the two speeds does the cached row kernel run at (4096 x 32768), per trial within one
// process: the same model and buffers (reuse) vs a fresh load each trial (fresh), GPU clocks
// beside each, and a vec4 copy of the same bytes with fresh buffers each trial.
import { execSync } from 'node:child_process';
const root = process.argv[2], models = process.argv[3], tag = process.argv[4];
const { createGPU, requestDevice } = await import(`${root}/benchmarks/web/dawn.mjs`);
const { loadWebtxModel, timeWebtxModel } = await import(`${root}/benchmarks/web/webtx_models.mjs`);
const gpu = await createGPU();
const { device } = await requestDevice(gpu, { features: ['timestamp-query'] });
const module = device.createShaderModule({ code: `
@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) n: vec3u) {
  let i = g.x + g.y * n.x * 256u;
  if (i < arrayLength(&src)) { dst[i] = src[i]; }
}` });
const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
async function copyMs(bytes) {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const a = device.createBuffer({ size: bytes, usage }), b = device.createBuffer({ size: bytes, usage });
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: a } }, { binding: 1, resource: { buffer: b } }] });
  const groups = Math.ceil(bytes / 16 / 256), gx = Math.min(groups, 65535), gy = Math.ceil(groups / gx);
  const n = 40, qs = device.createQuerySet({ type: 'timestamp', count: 2 * n });
  const res = device.createBuffer({ size: 16 * n, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 16 * n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  for (let r = 0; r < n; r++) {
    const pass = enc.beginComputePass({ timestampWrites: { querySet: qs, beginningOfPassWriteIndex: 2 * r, endOfPassWriteIndex: 2 * r + 1 } });
    pass.setPipeline(pipeline), pass.setBindGroup(0, bind), pass.dispatchWorkgroups(gx, gy), pass.end();
  }
  enc.resolveQuerySet(qs, 0, 2 * n, res, 0), enc.copyBufferToBuffer(res, 0, read, 0, 16 * n);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const t = new BigUint64Array(read.getMappedRange());
  const per = [];
  for (let r = 10; r < n; r++) per.push(Number(t[2 * r + 1] - t[2 * r]) / 1e6);
  read.unmap(); per.sort((x, y) => x - y);
  a.destroy(), b.destroy(), qs.destroy(), res.destroy(), read.destroy();
  return per[per.length >> 1];
}
const clocks = () => { try { return execSync('nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_throttle_reasons.active --format=csv,noheader').toString().trim(); } catch { return '?'; } };
const M = 4096, N = 32768;
for (const op of ['softmax', 'layernorm']) {
  const path = `${models}/rows_${op}.wasm`;
  let reuse = await loadWebtxModel(path, gpu);
  for (let trial = 0; trial < 6; trial++) {
    const a = await timeWebtxModel(reuse, { M, N }, { iterations: 10 });
    const fresh = await loadWebtxModel(path, gpu);
    const b = await timeWebtxModel(fresh, { M, N }, { iterations: 10 });
    fresh.dispose();
    const c = await copyMs(4 * M * N);
    console.log(`${tag} ${op} trial ${trial}: reuse ${a.ms.toFixed(4)} ms, fresh ${b.ms.toFixed(4)} ms, copy ${c.toFixed(4)} ms | ${clocks()}`);
  }
  reuse.dispose();
}
process.exit(0);
