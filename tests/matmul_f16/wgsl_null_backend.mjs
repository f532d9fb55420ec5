// Compiles every kernel of the given tensorized models (manifest.json files) with Tint on Dawn's
// null backend, which needs no GPU and offers chromium-experimental-subgroup-matrix with
// allow_unsafe_apis: a WGSL error, a warning or a missing feature fails the test. The kernels
// must also keep fragment loads off Dawn's robustness branches: every subgroupMatrixLoad reads
// a per-subgroup slice with constant offset and stride.
//   node tests/matmul_f16/wgsl_null_backend.mjs <model.manifest.json>...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(new URL('../../web/package.json', import.meta.url)));
const { create, globals } = require('webgpu');
Object.assign(globalThis, globals);
const gpu = create(['backend=null', 'enable-dawn-features=allow_unsafe_apis']);
globalThis.keepGpu = gpu;  // dawn.node needs the instance alive while devices are in use

const files = process.argv.slice(2);
if (!files.length) throw new Error('usage: wgsl_null_backend.mjs <model.manifest.json>...');
let failures = 0, kernels = 0;
const fail = (msg) => { failures++; console.error(`FAIL ${msg}`); };
for (const file of files) {
  const m = JSON.parse(readFileSync(file, 'utf8'));
  const adapter = await gpu.requestAdapter();  // one device per adapter
  if (!adapter) throw new Error("Dawn's null backend gave no adapter");
  const missing = m.features.filter((f) => !adapter.features.has(f));
  if (missing.length) throw new Error(`${m.model}: the null adapter lacks ${missing.join(', ')}`);
  if (!m.features.includes('chromium-experimental-subgroup-matrix'))
    fail(`${m.model}: the manifest does not name chromium-experimental-subgroup-matrix`);
  const device = await adapter.requestDevice({ requiredFeatures: m.features });
  let tensorized = 0;
  for (const k of m.kernels) {
    kernels++;
    const module = device.createShaderModule({ code: k.wgsl });
    const info = await module.getCompilationInfo();
    for (const msg of info.messages)
      fail(`${m.model}/${k.name}: ${msg.type} at ${msg.lineNum}:${msg.linePos}: ${msg.message}`);
    // A model's other kernels (an MLP's bias + relu) may use no subgroup matrices.
    if (!(k.features || []).includes('chromium-experimental-subgroup-matrix') && !k.wgsl.includes('subgroupMatrix')) continue;
    tensorized++;
    const loads = k.wgsl.match(/subgroupMatrixLoad<[^;]*;/g) || [];
    if (!loads.length) fail(`${m.model}/${k.name}: no subgroupMatrixLoad`);
    for (const l of loads)
      if (!/\(&\w+\[\w+\], \d+u, \d+u\);$/.test(l)) fail(`${m.model}/${k.name}: load without a constant slice offset/stride: ${l}`);
    if (!k.wgsl.includes('enable chromium_experimental_subgroup_matrix;')) fail(`${m.model}/${k.name}: no enable`);
  }
  if (!tensorized) fail(`${m.model}: no kernel uses subgroup matrices`);
  device.destroy();
}
console.log(JSON.stringify({ models: files.length, kernels, failures }));
process.exit(failures ? 1 : 0);
