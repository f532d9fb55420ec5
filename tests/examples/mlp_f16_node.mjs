// node mlp_f16_node.mjs <mlp_f16.wasm> <mlp_f16 reference.json>... --f32 <mlp reference.json>...
// The f16 MLP (examples/mlp_f16/mlp_f16.cpp, target webgpu-f16) through Dawn, loaded without a GPU so
// that loadModel creates Dawn's with the manifest's toggles (vulkan_enable_f16_on_nvidia):
//   * where the adapter lacks shader-f16 (SwiftShader), loading is refused naming the feature;
//   * where it has it (NVIDIA with the toggle), each reference set's output equals the f16 CPU
//     reference within 2e-3 (1 + |y|) and the f32 MLP's within 1e-2 (1 + |y|), and the max abs
//     and relative errors against the f32 model are printed (docs/numerics.md states lavapipe's).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createNodeGPU, dawnFlags } from '../../web/src/node.js';
import { loadModel, f16BitsToF32, f32ToF16Bits } from '../../web/src/index.js';

const args = process.argv.slice(2);
const split = args.indexOf('--f32');
const [wasm, ...refPaths] = args.slice(0, split);
const f32Paths = args.slice(split + 1);
assert.ok(split > 0 && refPaths.length === f32Paths.length && refPaths.length > 0, 'usage: mlp_f16_node.mjs <wasm> <f16 refs>... --f32 <f32 refs>...');
const refs = refPaths.map((p) => ({ path: p, ref: JSON.parse(readFileSync(p, 'utf8')) }));
const f32Refs = f32Paths.map((p) => JSON.parse(readFileSync(p, 'utf8')));

const probe = await (await createNodeGPU(dawnFlags(['vulkan_enable_f16_on_nvidia']))).requestAdapter();
// Every reference set uses the same weights (values by tensor name): load the first's file.
const weights = join(dirname(refs[0].path), refs[0].ref.weights);
if (!probe.features.has('shader-f16')) {
  await assert.rejects(loadModel(wasm, { weights }),
    /^Error: webtx: model 'mlp_f16' \(built for target 'webgpu-f16'\) needs WebGPU feature 'shader-f16', which this adapter lacks$/);
  console.log(`PASS this adapter (${probe.info.description || probe.info.vendor}) lacks shader-f16 and the f16 MLP is refused naming it`);
  console.log('all passed');
  process.exit(0);
}

// The reference JSON holds f16 inputs as numbers (exact in f16): run() takes their bits.
const inputsOf = (ref) => Object.fromEntries(Object.entries(ref.inputs).map(([name, t]) => {
  assert.equal(t.dtype, 'f16', `input '${name}'`);
  return [name, { data: Uint16Array.from(t.data, f32ToF16Bits), shape: t.shape }];
}));
const model = await loadModel(wasm, { weights, log: () => {} });
let failures = 0;
const check = (what, got, want, tol) => {
  let maxAbs = 0, maxWant = 0, bad = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= tol * (1 + Math.abs(want[i]))) && bad < 0) bad = i;
    if (!(e <= maxAbs)) maxAbs = e;
    maxWant = Math.max(maxWant, Math.abs(want[i]));
  }
  console.log(`${bad < 0 ? 'PASS' : 'FAIL'} ${what} (${want.length} values, tolerance ${tol}): max abs error ${maxAbs.toExponential(3)}, relative to max |y| ${maxWant.toFixed(3)}: ${(maxAbs / maxWant).toExponential(2)}${bad < 0 ? '' : `; element ${bad}: got ${got[bad]}, want ${want[bad]}`}`);
  failures += bad >= 0;
};
for (const [i, { path, ref }] of refs.entries()) {
  const { y } = await model.run(inputsOf(ref), ref.symbols ?? {});
  const got = Array.from(y, f16BitsToF32);
  check(`mlp_f16 ${path.split('/').pop()} vs its f16 CPU reference`, got, ref.outputs.y, 2e-3);
  check(`mlp_f16 vs the f32 mlp (${f32Paths[i].split('/').pop()})`, got, f32Refs[i].outputs.y, 1e-2);
}
model.dispose();
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
