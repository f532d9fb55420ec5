// A run whose buffer allocation fails on the device leaves the model usable (issue 12, class 4),
// in Node + Dawn (SwiftShader), on the vector_add example:
//  1. a buffer the device rejects (Dawn makes an invalid buffer and reports a validation error)
//     fails that run with an Error naming the output and its bytes; nothing invalid stays cached:
//     the next run is right;
//  2. an out-of-memory error reported by the 'out-of-memory' error scope (simulated: this
//     machine cannot exhaust a GPU) fails with "out of memory allocating output 'c' (N bytes)",
//     and the next, smaller run is right;
//  3. a tensor over the device's buffer limit is an Error naming it, its bytes and the limit.
//   node oom_node.mjs <build>/examples/vector_add/vector_add.wasm
import { loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';

const gpu = await createNodeGPU();
const model = await loadModel(process.argv[2], { gpu, log: () => {} });
const device = model.device;
let failures = 0;
const pass = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};
const inputs = (n) => ({ a: Float32Array.from({ length: n }, (_, i) => i), b: Float32Array.from({ length: n }, (_, i) => 0.5 * i) });
const right = async (n, what) => {
  const { c } = await model.run(inputs(n));
  pass(c.length === n && c.every((v, i) => v === 1.5 * i), what);
};
const rejects = async (n, pattern, what) => {
  try {
    await model.run(inputs(n));
    pass(false, `${what}: accepted`);
  } catch (e) {
    pass(e instanceof Error && pattern.test(e.message), `${what}: ${e.message.slice(0, 300)}`);
  }
};

await right(100, 'a first run');
// 1. The next buffer of >= 4096 bytes comes back invalid (a usage Dawn rejects).
const createBuffer = device.createBuffer.bind(device);
let poison = false;
device.createBuffer = (desc) => {
  if (poison && desc.size >= 4096 && desc.usage & GPUBufferUsage.STORAGE) {
    poison = false;
    return createBuffer({ ...desc, usage: desc.usage | GPUBufferUsage.MAP_READ });  // invalid
  }
  return createBuffer(desc);
};
poison = true;
await rejects(5000, /WebGPU error while running model 'vector_add' \(buffers created by this run: .*output 'c' \(20000 bytes\)/, 'invalid buffer');
await right(5000, 'the same size afterwards (nothing invalid cached)');
await right(7, 'a small run afterwards');

// 2. Simulated out of memory on the next allocating run.
const push = device.pushErrorScope.bind(device), pop = device.popErrorScope.bind(device);
const filters = [];
let oom = false;
device.pushErrorScope = (f) => {
  filters.push(f);
  push(f);
};
device.popErrorScope = async () => {
  const f = filters.pop();
  const e = await pop();
  if (f === 'out-of-memory' && oom) {
    oom = false;
    return e ?? { message: 'Out of memory (simulated)' };
  }
  return e;
};
oom = true;
await rejects(9000, /out of memory allocating .*output 'c' \(36000 bytes\).*stays usable/, 'out of memory');
await right(3000, 'a smaller run after out of memory');
await right(9000, 'the size that failed, once memory is there');

// 3. Over the device's limit (lowered here to 4096 bytes: inputs of a GiB do not fit this test).
const real = device.limits;
const own = Object.getOwnPropertyDescriptor(device, 'limits');
Object.defineProperty(device, 'limits', { configurable: true, value: { maxComputeWorkgroupsPerDimension: real.maxComputeWorkgroupsPerDimension, maxBufferSize: 4096, maxStorageBufferBindingSize: 4096 } });
await rejects(12000, /cannot allocate input 'a' \(48000 bytes\): more than this device's maxBufferSize \/ maxStorageBufferBindingSize \(4096 bytes\)/, 'over the limit');
if (own) Object.defineProperty(device, 'limits', own);
else delete device.limits;
await right(64, 'a run after the limit error');
model.dispose();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
