// checkGpuTensors (runtime_checks.js) in Node + Dawn (SwiftShader) on the vector_add example:
// models chained through GPU tensors, bad GPU tensors, output ownership, staging pool.
//   node gpu_io_node.mjs <build>/examples/vector_add/vector_add.wasm
import { Tensor, loadModel } from '../../web/src/index.js';
import { createNodeGPU } from '../../web/src/node.js';
import { checkGpuTensors } from './runtime_checks.js';

const failures = await checkGpuTensors(loadModel, Tensor, await createNodeGPU(), process.argv[2]);
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
