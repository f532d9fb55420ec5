// node examples_node.mjs <cases.json> [--models a,b] [--bad-inputs] [--weights]: the example
// models on WebGPU through Dawn (npm `webgpu`; SwiftShader via VK_ICD_FILENAMES) against their
// CPU references, weights loaded from the references' safetensors files by path. --bad-inputs
// runs the bad-input checks instead; --weights the bad-weights checks (weight_checks.js).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createNodeGPU } from '../../web/src/node.js';
import { loadModel } from '../../web/src/index.js';
import { checkExamples, checkBadInputs, compare, refInputs } from './example_checks.js';
import { BAD_INPUTS } from './bad_inputs.js';
import { checkWeights } from './weight_checks.js';
import { checkWeightUploads } from './weights_upload.js';

const args = process.argv.slice(2);
const flag = (name) => args.indexOf(name);
const models = flag('--models') >= 0 ? args[flag('--models') + 1].split(',') : null;
const cases = JSON.parse(readFileSync(args[0], 'utf8'))
  .filter((c) => !models || models.includes(c.model))
  .map((c) => {
    const refs = c.refs.map((r) => ({ label: r.label, path: r.path, ref: JSON.parse(readFileSync(r.path, 'utf8')) }));
    // Every reference of a model used the same weights: load the first one's file.
    const weights = refs[0].ref.weights ? join(dirname(refs[0].path), refs[0].ref.weights) : undefined;
    return { ...c, refs, weights };
  });
if (models && cases.length !== models.length) throw new Error(`unknown model in ${models}`);

const gpu = await createNodeGPU();
let failures;
if (flag('--bad-inputs') >= 0) {
  failures = 0;
  for (const c of cases.filter((x) => BAD_INPUTS[x.model])) {
    const ref = c.refs[0].ref;
    failures += await checkBadInputs(loadModel, gpu, c.wasm, ref, BAD_INPUTS[c.model](ref), console.log, c.weights);
  }
} else if (flag('--weights') >= 0) {
  failures = 0;
  for (const c of cases) {
    if (!c.weights) throw new Error(`model '${c.model}' has no weights to check`);
    const good = { source: c.weights, bytes: readFileSync(c.weights) };
    failures += await checkWeights(loadModel, gpu, c.wasm, c.refs[0].ref, good, join(dirname(c.weights), 'nonexistent.safetensors'));
    // The whole file in shared memory (Node has SharedArrayBuffer without isolation).
    const shared = new Uint8Array(new SharedArrayBuffer(good.bytes.length));
    shared.set(good.bytes);
    const model = await loadModel(c.wasm, { gpu, weights: shared, log: () => {} });
    const r = compare((await model.run(refInputs(c.refs[0].ref)))[Object.keys(c.refs[0].ref.outputs)[0]], Object.values(c.refs[0].ref.outputs)[0]);
    console.log(`${r.ok ? 'PASS' : 'FAIL'} weights in shared memory: max abs error ${r.maxAbsError.toExponential(2)} ${r.why}`);
    failures += !r.ok;
    model.dispose();
  }
  failures += await checkWeightUploads(gpu);
} else {
  failures = await checkExamples(loadModel, gpu, cases);
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
