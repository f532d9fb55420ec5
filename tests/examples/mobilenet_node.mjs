// MobileNetV2 end to end in Node + Dawn (SwiftShader): the compiled model with its weights
// (safetensors) on the reference images, logits against PyTorch's (make_weights.py), top-5
// compared per image; a second run must give the same logits.
//   node mobilenet_node.mjs <model.wasm> <weights.safetensors> <ref.safetensors> <batch> [tol]
import { readFileSync } from 'node:fs';
import { loadModel, parseSafetensors } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';
import { compareLogits, readReference } from '../../examples/mobilenet_v2/reference.js';

const [wasm, weights, refPath, batchArg, tolArg] = process.argv.slice(2);
const batch = Number(batchArg), tol = Number(tolArg ?? 2e-4);
const reference = readReference(parseSafetensors(readFileSync(refPath), refPath));
const { input, logits: want } = reference.batch(batch);
const [, , H, W] = input.shape;

const t0 = performance.now();
const model = await loadModel(wasm, { gpu: await createNodeGPU(), weights, log: () => {} });
console.log(`loaded ${model.manifest.model}: ${model.manifest.kernels.length} kernels, ${model.weights.length} weights, ` +
  `${model.manifest.memory?.buffers.length ?? 0} planned buffers (${(performance.now() - t0).toFixed(0)} ms)`);
let failures = 0;
const results = [];
for (let run = 0; run < 2; run++) {
  const t1 = performance.now();
  const out = await model.run({ input });
  const got = out.logits;
  results.push(got);
  const { maxAbs, maxRef, top5Same: same } = compareLogits(got, want, batch);
  const ok = got.length === want.length && got.dims?.join() === `${batch},1000` && maxAbs <= tol && same === batch;
  failures += !ok;
  console.log(`${ok ? 'PASS' : 'FAIL'} run ${run + 1} at batch ${batch}, ${H}x${W}: max abs error ${maxAbs.toExponential(2)} ` +
    `(logits up to ${maxRef.toFixed(3)}, tolerance ${tol}), top-5 identical for ${same}/${batch} images (${(performance.now() - t1).toFixed(0)} ms)`);
}
const same = results[0].every((v, i) => v === results[1][i]);
console.log(`${same ? 'PASS' : 'FAIL'} the second run gives the same logits`);
failures += !same;
if (model.device.features.has('timestamp-query')) {
  // profile(): one entry per kernel, in dispatch order, each a time >= 0.
  const kernels = await model.profile({ input }, { iterations: 1 });
  const names = model.manifest.kernels.map((k) => k.name);
  const ok = kernels.length === names.length && kernels.every((k, i) => k.name === names[i] && k.ms >= 0);
  failures += !ok;
  const top = [...kernels].sort((a, b) => b.ms - a.ms)[0];
  console.log(`${ok ? 'PASS' : 'FAIL'} profile(): ${kernels.length} kernels timed (slowest ${top?.name}: ${top?.ms.toFixed(3)} ms)`);
} else {
  console.log('profile(): skipped, the adapter has no timestamp-query');
}
model.dispose();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
