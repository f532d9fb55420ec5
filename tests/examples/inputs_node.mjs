// The JS runtime takes a call's inputs when run() or time() is called, in Node + Dawn
// (SwiftShader), on the vector_add example:
//  * writing into an input array after run() (before it resolves) does not change that run;
//  * several runs queued with one reused array each compute with the contents of their call;
//  * SharedArrayBuffer-backed inputs and views at an offset are computed right (Dawn's
//    writeBuffer crashes on shared memory: the runtime copies them first);
//  * time() with no iterations is an Error, and the model works afterwards.
//   node inputs_node.mjs <build>/examples/vector_add/vector_add.wasm
import { loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';

const gpu = await createNodeGPU();
const model = await loadModel(process.argv[2], { gpu, log: () => {} });
let failures = 0;
const check = (what, got, want) => {
  const ok = got.length === want.length && want.every((w, i) => got[i] === w);
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${ok ? '' : `: got [${got.slice(0, 4)}...], want [${want.slice(0, 4)}...]`}`);
  if (!ok) failures++;
};
const n = 1000;
const a = Float32Array.from({ length: n }, (_, i) => i), b = Float32Array.from({ length: n }, (_, i) => 2 * i);
const sum = (x, y) => x.map((v, i) => v + y[i]);

// 1. Overwrite after the call.
const a1 = a.slice();
const p1 = model.run({ a: a1, b });
a1.fill(-1);
check('input overwritten after run() does not reach that run', (await p1).c, sum(a, b));

// 2. Several queued runs with one reused array.
const reused = new Float32Array(n);
const queued = [];
for (let k = 0; k < 3; ++k) {
  reused.fill(k);
  queued.push(model.run({ a: reused, b }));
}
const outs = await Promise.all(queued);
outs.forEach((o, k) => check(`queued run ${k} computes with the contents of its call`, o.c, sum(new Float32Array(n).fill(k), b)));

// 3. Shared memory and offset views.
const shared = new Float32Array(new SharedArrayBuffer(4 * (n + 3)), 12, n);
shared.set(a);
check('SharedArrayBuffer-backed input at an offset', (await model.run({ a: shared, b })).c, sum(a, b));
const big = new Float32Array(n + 7);
big.set(b, 5);
check('view at an offset into a larger buffer', (await model.run({ a, b: big.subarray(5, 5 + n) })).c, sum(a, b));

// 4. time() with no iterations.
for (const iterations of [0, -1, 1.5]) {
  try {
    await model.time({ a, b }, { iterations });
    console.log(`FAIL time({iterations: ${iterations}}): no error`);
    failures++;
  } catch (e) {
    const ok = /time\(\) needs a whole number of iterations >= 1/.test(e.message);
    console.log(`${ok ? 'PASS' : 'FAIL'} time({iterations: ${iterations}}): ${e.message}`);
    if (!ok) failures++;
  }
}
const t = await model.time({ a, b }, { iterations: 2 });
const okTime = Number.isFinite(t.medianMs) && t.samples.length === 2;
console.log(`${okTime ? 'PASS' : 'FAIL'} time({iterations: 2}) gives ${t.samples.length} samples, median ${t.medianMs} ms`);
if (!okTime) failures++;
check('model works afterwards', (await model.run({ a, b })).c, sum(a, b));

model.dispose();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
