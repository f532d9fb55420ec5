// node examples_node.mjs <cases.json> [--models a,b] [--bad-inputs]: the example models on
// WebGPU through Dawn (npm `webgpu`; SwiftShader via VK_ICD_FILENAMES) against their CPU
// references. --bad-inputs runs the bad-input checks instead.
import { readFileSync } from 'node:fs';
import { createNodeGPU } from '../../web/src/node.js';
import { loadModel } from '../../web/src/index.js';
import { checkExamples, checkBadInputs } from './example_checks.js';
import { BAD_INPUTS } from './bad_inputs.js';

const args = process.argv.slice(2);
const flag = (name) => args.indexOf(name);
const models = flag('--models') >= 0 ? args[flag('--models') + 1].split(',') : null;
const cases = JSON.parse(readFileSync(args[0], 'utf8'))
  .filter((c) => !models || models.includes(c.model))
  .map((c) => ({ ...c, refs: c.refs.map((r) => ({ label: r.label, ref: JSON.parse(readFileSync(r.path, 'utf8')) })) }));
if (models && cases.length !== models.length) throw new Error(`unknown model in ${models}`);

const gpu = await createNodeGPU();
let failures;
if (flag('--bad-inputs') >= 0) {
  failures = 0;
  for (const c of cases.filter((x) => BAD_INPUTS[x.model])) {
    const ref = c.refs[0].ref;
    failures += await checkBadInputs(loadModel, gpu, c.wasm, ref, BAD_INPUTS[c.model](ref));
  }
} else {
  failures = await checkExamples(loadModel, gpu, cases);
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
