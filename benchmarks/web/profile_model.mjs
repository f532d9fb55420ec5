// Per-kernel GPU time of a webtx model at given symbol values (Model.profile()): which kernels
// (and which versions of a stage, see docs/lowering.md "partition_kernel") a call dispatches.
//   node benchmarks/web/profile_model.mjs model.wasm M=1024,N=1024,K=1024 [more symbol sets...]
import { createGPU } from './dawn.mjs';
import { loadWebtxModel, timeWebtxModel } from './webtx_models.mjs';
import { evaluateExtent } from '../../web/src/model_spec.js';

const [path, ...sets] = process.argv.slice(2);
const gpu = await createGPU();
const model = await loadWebtxModel(path, gpu);
for (const set of sets) {
  const symbols = Object.fromEntries(set.split(',').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  const inputs = {};
  for (const t of model.inputs) {
    const shape = t.shape.map((e) => evaluateExtent(e, symbols));
    inputs[t.name] = { data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape };
  }
  const p = await model.profile(inputs, { symbols, iterations: 5 });
  const t = await timeWebtxModel(model, symbols, { iterations: 10 });
  console.log(`${set}: time() ${t.ms.toFixed(3)} ms (${t.method}), ${t.dispatches} dispatches; profile():`);
  for (const k of p.kernels ?? p) console.log(`  ${k.name}: ${k.ms.toFixed(3)} ms`);
}
model.dispose();
process.exit(0);
