// Softmax rows holding NaN, +Inf or -Inf on WebGPU (Dawn + SwiftShader, whose exp(NaN) is
// +Inf): the semantics of docs/numerics.md — a row with a NaN or +Inf, or only -Inf, is NaN
// throughout, -Inf elements of other rows are 0 — and then an ordinary run is right.
//   node softmax_nan_node.mjs <build>/examples/softmax/softmax.wasm
import { loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';

const gpu = await createNodeGPU();
const model = await loadModel(process.argv[2], { gpu, log: () => {} });
let failures = 0;
const pass = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};

/** The reference: float64 softmax per row under the stated NaN/Inf rules. */
function reference(x, M, N) {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; ++i) {
    const r = Array.from(x.subarray(i * N, (i + 1) * N));
    if (r.some((v) => Number.isNaN(v) || v === Infinity) || r.every((v) => v === -Infinity)) {
      y.fill(NaN, i * N, (i + 1) * N);
      continue;
    }
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => (y[i * N + j] = v / s));
  }
  return y;
}
const same = (got, want) => got.length === want.length && want.every((w, i) =>
  Number.isNaN(w) ? Number.isNaN(got[i]) : Math.abs(got[i] - w) <= 1e-6 + 1e-5 * Math.abs(w));

const inf = Infinity;
const N = 5;
const rows = [
  [1, 2, NaN, 3, 0],      // NaN -> NaN row
  [1, inf, 2, 0, -1],     // +Inf -> NaN row
  [-inf, 1, 2, -inf, 0],  // -Inf elements -> 0
  [-inf, -inf, -inf, -inf, -inf],
  [inf, inf, 1, 2, 3],
  [NaN, NaN, NaN, NaN, NaN],
  [-inf, NaN, 0, 1, 2],
  [0.5, -0.5, 0.25, 1, 3.5],
];
const M = rows.length;
const X = Float32Array.from(rows.flat());
const { Y } = await model.run({ X: { data: X, shape: [M, N] } });
const want = reference(X, M, N);
rows.forEach((r, i) => {
  const got = Array.from(Y.subarray(i * N, (i + 1) * N));
  pass(same(got, Array.from(want.subarray(i * N, (i + 1) * N))), `row [${r}] -> [${got.map((v) => v.toPrecision(3))}]`);
});
// An ordinary call afterwards, at another shape.
const M2 = 70, N2 = 33;
const X2 = Float32Array.from({ length: M2 * N2 }, (_, i) => Math.sin(i) * 20);
const out = await model.run({ X: { data: X2, shape: [M2, N2] } });
pass(same(Array.from(out.Y), Array.from(reference(X2, M2, N2))), `${M2}x${N2} finite rows afterwards`);
model.dispose();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
