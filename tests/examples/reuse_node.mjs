// checkBufferReuse (runtime_checks.js) in Node + Dawn (SwiftShader) on the mlp example:
// repeated runs create no buffers and no bind groups after the first.
//   node reuse_node.mjs <build>/examples/mlp/mlp.wasm
import { encodeSafetensors, loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';
import { checkBufferReuse } from './runtime_checks.js';

const failures = await checkBufferReuse(loadModel, encodeSafetensors, await createNodeGPU(), process.argv[2]);
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
