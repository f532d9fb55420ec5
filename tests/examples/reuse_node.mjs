// Buffers and bind groups are made once per shape, not per run (issue 10, memory planning), in
// Node + Dawn (SwiftShader) on the mlp example (batch symbolic, intermediates planned):
//  * repeated runs at one batch create no GPUBuffer and no GPUBindGroup after the first
//    (planned intermediates, argument buffers, pooled staging buffers, cached bind groups);
//  * a larger batch grows the buffers; a smaller one then reuses them (again none created);
//  * every result matches a plain JS reference.
//   node reuse_node.mjs <build>/examples/mlp/mlp.wasm
import { loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';

const gpu = await createNodeGPU();
let failures = 0;
const report = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};

const model = await loadModel(process.argv[2], { gpu, log: () => {} });
const plan = model.manifest.memory;
report(plan && plan.buffers.length >= 1, `the description has a memory plan (${plan?.buffers.length} buffers for ${Object.keys(plan?.tensors ?? {}).length} intermediates)`);

// Count what the device creates.
const counts = { buffers: 0, bindGroups: 0 };
const dev = model.device;
const createBuffer = dev.createBuffer.bind(dev), createBindGroup = dev.createBindGroup.bind(dev);
dev.createBuffer = (d) => (counts.buffers++, createBuffer(d));
dev.createBindGroup = (d) => (counts.bindGroups++, createBindGroup(d));
const delta = async (fn) => {
  const b0 = counts.buffers, g0 = counts.bindGroups;
  await fn();
  return { buffers: counts.buffers - b0, bindGroups: counts.bindGroups - g0 };
};

let seed = 7;
const rand = (n) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5);
const w1 = rand(64 * 48), b1 = rand(48), w2 = rand(48 * 10), b2 = rand(10);
const dense = (x, w, b, M, K, N) => {
  const y = new Float32Array(M * N);
  for (let i = 0; i < M; ++i) {
    for (let j = 0; j < N; ++j) {
      let s = 0;
      for (let k = 0; k < K; ++k) s += x[i * K + k] * w[k * N + j];
      y[i * N + j] = Math.max(s + b[j], 0);
    }
  }
  return y;
};
const check = (batch, x, y) => {
  const want = dense(dense(x, w1, b1, batch, 64, 48), w2, b2, batch, 48, 10);
  let err = 0;
  for (let i = 0; i < want.length; ++i) err = Math.max(err, Math.abs(want[i] - y[i]) / (1 + Math.abs(want[i])));
  return y.length === want.length && err < 1e-4;
};
const runAt = async (batch) => {
  const x = rand(batch * 64);
  const { y } = await model.run({ x, w1, b1, w2, b2 });
  return check(batch, x, y) && y.dims?.join() === `${batch},10`;
};

let ok = true;
const first = await delta(async () => { ok = (await runAt(4)) && ok; });
report(first.buffers > 0 && first.bindGroups > 0, `first run at batch 4 creates ${first.buffers} buffers and ${first.bindGroups} bind groups`);
const again = await delta(async () => {
  for (let i = 0; i < 5; ++i) ok = (await runAt(4)) && ok;
});
report(again.buffers === 0 && again.bindGroups === 0, `5 more runs at batch 4 create ${again.buffers} buffers and ${again.bindGroups} bind groups (want 0, 0)`);
const grow = await delta(async () => { ok = (await runAt(16)) && ok; });
report(grow.buffers > 0, `batch 16 grows the buffers (${grow.buffers} created)`);
const shrink = await delta(async () => {
  for (const b of [2, 16, 1, 9]) ok = (await runAt(b)) && ok;
});
report(shrink.buffers === 0 && shrink.bindGroups === 0, `batches 2, 16, 1, 9 then create ${shrink.buffers} buffers and ${shrink.bindGroups} bind groups (want 0, 0)`);
const timed = await delta(() => model.time({ x: rand(4 * 64), w1, b1, w2, b2 }, { iterations: 3 }));
report(timed.buffers <= 2 && timed.bindGroups === 0, `time() creates ${timed.buffers} buffers (its query buffers, once) and ${timed.bindGroups} bind groups`);
const timedAgain = await delta(() => model.time({ x: rand(4 * 64), w1, b1, w2, b2 }, { iterations: 3 }));
report(timedAgain.buffers === 0 && timedAgain.bindGroups === 0, `a second time() creates ${timedAgain.buffers} buffers and ${timedAgain.bindGroups} bind groups`);
report(ok, 'every result matches the JS reference and carries its dims');
model.dispose();

console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
