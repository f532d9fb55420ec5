// A model with a read the generator cannot prove inside its input (c[i] = a[i] + 1 for i < m,
// m free): in Node + Dawn (SwiftShader), a call with m > n is an Error naming the stage, the
// tensor, the axis and the symbols, both from the JS runtime's checks and (check: false) from
// the host stub; a correct call on the same model afterwards gives a[i] + 1.
//   node read_checks_node.mjs <build>/tests/robust/robust_read_model/robust_read_model.wasm
import { loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';

const gpu = await createNodeGPU();
const model = await loadModel(process.argv[2], { gpu, log: () => {} });
let failures = 0;
const pass = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};
const a = Float32Array.from({ length: 8 }, (_, i) => i * 3);
const pattern = /stage 'c' reads input 'a' axis 0 at indices \[0, m\).*needs m <= n, got 9 > 8/;
for (const check of [true, false]) {
  const who = check ? 'JS runtime' : 'host stub';
  try {
    await model.run({ a }, { m: 9 }, { check });
    pass(false, `${who}: m = 9 > n = 8 was accepted`);
  } catch (e) {
    pass(e instanceof Error && pattern.test(e.message), `${who}: m > n rejected: ${e.message}`);
  }
}
// Symbols outside i32 or not whole numbers are refused by name (they used to wrap).
for (const [m, shown] of [[2 ** 31, '2147483648'], [-1, '-1'], [1.5, '1.5'], [NaN, 'NaN'], ['3', 'a string']]) {
  try {
    await model.run({ a }, { m });
    pass(false, `symbol m = ${shown} accepted`);
  } catch (e) {
    pass(e.message.includes(`symbol 'm' must be a whole number in [0, 2^31 - 1], got ${shown}`), `symbol m = ${shown}: ${e.message}`);
  }
}
for (const m of [8, 5, 0]) {
  const { c } = await model.run({ a }, { m });
  const want = Array.from(a.subarray(0, m), (v) => v + 1);
  pass(c.length === m && want.every((w, i) => c[i] === w), `m = ${m} afterwards: a[i] + 1`);
}
model.dispose();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
