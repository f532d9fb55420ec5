// node run_cases_node.mjs <cases.json> --backend=null|swiftshader
//   null:        Dawn's null backend compiles every case (no error, warning or info allowed)
//   swiftshader: runs every case on Dawn + SwiftShader and compares numbers
import { readFileSync } from 'node:fs';
import { createNodeGPU } from '../../web/src/node.js';
import { compileCases, runCases, report } from './cases_runner.js';

const [file, ...opts] = process.argv.slice(2);
const backend = (opts.find((o) => o.startsWith('--backend=')) ?? '--backend=swiftshader').split('=')[1];
const only = opts.find((o) => o.startsWith('--only='))?.split('=')[1];
let { cases } = JSON.parse(readFileSync(file, 'utf8'));
if (only) cases = cases.filter((c) => c.name.includes(only));

const gpu = await createNodeGPU(backend === 'null' ? ['backend=null'] : []);
const adapter = await gpu.requestAdapter();
if (!adapter) {
  console.error(`no WebGPU adapter for backend ${backend} (SwiftShader needs VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)`);
  process.exit(1);
}
const features = ['shader-f16'].filter((f) => adapter.features.has(f));
const device = await adapter.requestDevice({ requiredFeatures: features });
device.addEventListener('uncapturederror', (e) => console.error('uncaptured WebGPU error:', e.error.message));
console.log(`adapter: ${adapter.info.vendor} ${adapter.info.description || adapter.info.architecture} features: ${features.join(',') || '-'}`);
const results = backend === 'null' ? await compileCases(device, cases) : await runCases(device, cases);
const ok = report(results, `dawn-${backend}`);
device.destroy();
process.exit(ok ? 0 : 1);
