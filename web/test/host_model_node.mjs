// node host_model_node.mjs <model.wasm>: the host-stub test model on Dawn + SwiftShader.
import { createNodeGPU } from '../src/node.js';
import { loadModel } from '../src/index.js';
import { checkHostModel } from './host_model_checks.js';

const gpu = await createNodeGPU();
const failures = await checkHostModel(loadModel, process.argv[2], gpu);
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
