// node matmul_fast_node.mjs <model.wasm> [M,N,K]: a fast matmul model (constant shapes with
// vec4 WGSL, or symbolic shapes with the extents given) on WebGPU through Dawn (SwiftShader via
// VK_ICD_FILENAMES), every output element against a CPU matmul.
import { readFileSync } from 'node:fs';
import { createNodeGPU } from '../../web/src/node.js';
import { loadModel } from '../../web/src/index.js';

const gpu = await createNodeGPU();
const model = await loadModel(readFileSync(process.argv[2]), { gpu });
const shapeOf = (name) => model.inputs.find((t) => t.name === name).shape.map(Number);
const [M, N, K] = process.argv[3] ? process.argv[3].split(',').map(Number)
  : [shapeOf('A')[0], shapeOf('B')[1], shapeOf('A')[1]];
const A = new Float32Array(M * K), B = new Float32Array(K * N);
for (let i = 0; i < A.length; i++) A[i] = ((i * 7) % 13) / 13 - 0.5;
for (let i = 0; i < B.length; i++) B[i] = ((i * 5) % 11) / 11 - 0.5;
const { C } = await model.run({ A: { data: A, shape: [M, K] }, B: { data: B, shape: [K, N] } });
let bad = 0, maxErr = 0;
for (let i = 0; i < M; i++) {
  for (let j = 0; j < N; j++) {
    let ref = 0;
    for (let k = 0; k < K; k++) ref += A[i * K + k] * B[k * N + j];
    const err = Math.abs(ref - C[i * N + j]);
    maxErr = Math.max(maxErr, err);
    if (!(err <= 1e-4 * (1 + Math.abs(ref))) && ++bad <= 5) console.log(`C[${i}][${j}] = ${C[i * N + j]}, want ${ref}`);
  }
}
model.dispose();
console.log(`matmul_fast ${M}x${N}x${K}: max abs error ${maxErr}, ${bad} bad`);
process.exit(bad || C.length !== M * N ? 1 : 0);
