// GPU-resident I/O (issue 10 item 4) in Node + Dawn (SwiftShader) on the vector_add example
// (c = a + b, n symbolic):
//  * two models on one device chained through GPU tensors equal the CPU path;
//  * a GPU tensor of another device, of the wrong dtype, size or usage -> Error naming it;
//  * output tensors belong to the caller: getData() downloads, dispose() releases;
//  * staging buffers are pooled (none created per run or per getData()).
//   node gpu_io_node.mjs <build>/examples/vector_add/vector_add.wasm
import { Tensor, loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';

const gpu = await createNodeGPU();
let failures = 0;
const report = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};
const rejects = async (fn, re, what) => {
  try {
    await fn();
    report(false, `${what}: no error`);
  } catch (e) {
    report(re.test(e.message), `${what}: ${e.message}`);
  }
};
const same = (x, y) => x.length === y.length && x.every((v, i) => v === y[i]);

const first = await loadModel(process.argv[2], { gpu, log: () => {} });
const device = first.device;
const second = await loadModel(process.argv[2], { device, log: () => {} });
const counts = { buffers: 0 };
const createBuffer = device.createBuffer.bind(device);
device.createBuffer = (d) => (counts.buffers++, createBuffer(d));

const n = 1000;
const a = Float32Array.from({ length: n }, (_, i) => i * 0.5);
const b = Float32Array.from({ length: n }, (_, i) => 1 - i);

// 1. Chain: c1 = a + b on the GPU, then c2 = c1 + b reads it in place; equals the CPU path.
const cpu1 = await first.run({ a, b });
report(same(cpu1.c.dims, [n]), `CPU results carry their dims ([${cpu1.c.dims}])`);
const cpu2 = await second.run({ a: cpu1.c, b });
const { c: g1 } = await first.run({ a, b }, {}, { outputLocation: 'gpu' });
report(g1 instanceof Tensor && g1.location === 'gpu' && same(g1.dims, [n]) && g1.dtype === 'f32',
  `outputLocation 'gpu' returns a GPU Tensor (${g1.location}, ${g1.dtype}, [${g1.dims}])`);
const { c: g2 } = await second.run({ a: g1, b }, {}, { outputLocation: 'gpu' });
report(same(await g2.getData(), cpu2.c), 'two models chained through GPU tensors equal the CPU path');
const back = await second.run({ a: g1, b });
report(same(back.c, cpu2.c), 'a GPU input with a CPU output equals the CPU path');
const cpuTensor = await second.run({ a: new Tensor('f32', cpu1.c, [n]), b });
report(same(cpuTensor.c, cpu2.c), 'a CPU Tensor input works like a typed array');

// 2. Repeated runs on GPU tensors: only the caller's output buffers are created.
const b0 = counts.buffers;
for (let i = 0; i < 3; ++i) {
  const { c } = await second.run({ a: g1, b }, {}, { outputLocation: 'gpu' });
  c.dispose();
}
report(counts.buffers - b0 === 3, `3 GPU-output runs create ${counts.buffers - b0} buffers (one output each)`);
const b1 = counts.buffers;
for (let i = 0; i < 3; ++i) await second.run({ a: g1, b });
for (let i = 0; i < 3; ++i) await g2.getData();
report(counts.buffers - b1 === 0, `3 CPU-output runs and 3 getData() create ${counts.buffers - b1} buffers (staging pooled)`);

// 3. Bad GPU tensors.
const other = await (await gpu.requestAdapter()).requestDevice();
const foreignBuf = other.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
const foreign = Tensor.fromGpuBuffer(foreignBuf, { dtype: 'f32', dims: [n], device: other });
await rejects(() => second.run({ a: foreign, b }), /input 'a' is a GPU tensor of another device/, 'another device');
const asInt = Tensor.fromGpuBuffer(g1.gpuBuffer, { dtype: 'i32', dims: [n], device, dispose: () => {} });
await rejects(() => second.run({ a: asInt, b }), /input 'a' is a GPU tensor of dtype i32, but the model takes f32/, 'wrong dtype');
const shorter = Tensor.fromGpuBuffer(g1.gpuBuffer, { dtype: 'f32', dims: [n - 1], device, dispose: () => {} });
await rejects(() => second.run({ a: shorter, b: { data: b, shape: [n] } }), /tensor 'b' axis 0 has extent 1000, but symbol 'n' is 999 \(from tensor 'a' axis 0\)/, 'wrong size');
try {
  Tensor.fromGpuBuffer(g1.gpuBuffer, { dtype: 'f32', dims: [n + 1], device });
  report(false, 'too small a buffer: no error');
} catch (e) {
  report(/GPU buffer of 4000 bytes is too small for a f32 tensor of dims \[1001\]/.test(e.message), `too small a buffer: ${e.message}`);
}
const mapOnly = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
await rejects(() => second.run({ a: Tensor.fromGpuBuffer(mapOnly, { dtype: 'f32', dims: [n], device }), b }),
  /input 'a' is a GPU tensor whose buffer lacks STORAGE usage/, 'no STORAGE usage');
await rejects(() => first.run({ a, b }, {}, { outputLocation: 'cpu-tensor' }), /outputLocation must be 'cpu' or 'gpu'/, 'bad outputLocation');
const after = await second.run({ a: g1, b });
report(same(after.c, cpu2.c), 'the model still works after the rejected calls');

// 4. Disposing output tensors.
g2.dispose();
report(g2.location === 'disposed' && g2.gpuBuffer === undefined, 'dispose() releases an output tensor');
await rejects(() => g2.getData(), /the tensor was disposed/, 'getData() after dispose()');
await rejects(() => second.run({ a: g2, b }), /input 'a' is a disposed tensor/, 'a disposed tensor as input');
const { c: g3 } = await first.run({ a, b }, {}, { outputLocation: 'gpu' });
report(same(await g3.getData({ release: true }), cpu1.c) && g3.location === 'disposed', "getData({ release: true }) downloads, then disposes");
g1.dispose();

first.dispose();
second.dispose();
other.destroy();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
