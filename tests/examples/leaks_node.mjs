// What the JS runtime must not leave behind, in Node + Dawn (SwiftShader), on the vector_add
// example (run with --expose-gc):
//  * the JS heap stays flat over many runs (each run used to leave a callback on the
//    never-settling device-lost promise: ~600 bytes per run);
//  * a loadModel that fails after requesting its device destroys that device.
//   node --expose-gc leaks_node.mjs <build>/examples/vector_add/vector_add.wasm
import { loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';

const gpu = await createNodeGPU();
let failures = 0;
const report = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};
const settle = async () => {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
};

// 1. Heap per run.
const model = await loadModel(process.argv[2], { gpu, log: () => {} });
const a = new Float32Array(64), b = new Float32Array(64);
for (let i = 0; i < 500; ++i) await model.run({ a, b });
// A leak grows the heap in every window; GC noise does not: take the smallest window.
const N = 1000;
let perRun = Infinity;
for (let w = 0; w < 3; ++w) {
  await settle();
  const h0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; ++i) await model.run({ a, b });
  await settle();
  perRun = Math.min(perRun, (process.memoryUsage().heapUsed - h0) / N);
}
report(perRun < 300, `JS heap grows ${perRun.toFixed(1)} bytes per run (least of 3 windows of ${N} runs; limit 300, it was ~600)`);
model.dispose();

// 2. A load that fails after its device exists (here: shader creation throws) destroys it.
let created = 0, destroyed = 0;
const failingGpu = {
  async requestAdapter(options) {
    const adapter = await gpu.requestAdapter(options);
    return new Proxy(adapter, {
      get(target, key) {
        if (key === 'requestDevice') {
          return async (desc) => {
            const device = await target.requestDevice(desc);
            created++;
            const destroy = device.destroy.bind(device);
            device.destroy = () => {
              destroyed++;
              destroy();
            };
            device.createShaderModule = () => {
              throw new Error('injected failure');
            };
            return device;
          };
        }
        const v = target[key];
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  },
};
for (let i = 0; i < 3; ++i) {
  try {
    await loadModel(process.argv[2], { gpu: failingGpu, log: () => {} });
    report(false, 'load with a failing device: no error');
  } catch (e) {
    report(/injected failure/.test(e.message), `failed load ${i} reports the cause: ${e.message}`);
  }
}
report(created === 3 && destroyed === 3, `failed loads destroyed their devices (${destroyed} of ${created})`);

console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
