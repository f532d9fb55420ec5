// checkSpecialization (runtime_checks.js) in Node + Dawn (SwiftShader) on the softmax example:
// shape-specialized pipelines (web/src/specialize.js).
//   node specialize_node.mjs <build>/examples/softmax/softmax.wasm
import { loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';
import { checkSpecialization } from './runtime_checks.js';

const failures = await checkSpecialization(loadModel, await createNodeGPU(), process.argv[2]);
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
