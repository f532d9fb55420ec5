// node compile_wgsl_dir.mjs <dir> [<prefix>]: compiles every <prefix>*.wgsl in <dir> with Tint
// on Dawn's null backend (no GPU needed), with every feature the shaders may enable
// (shader-f16, subgroups); fails on any error or warning, naming the file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeGPU } from '../../web/src/node.js';

const [dir, prefix = ''] = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.wgsl')).sort();
if (!files.length) {
  console.error(`no ${prefix}*.wgsl in ${dir}`);
  process.exit(1);
}
const gpu = await createNodeGPU(['backend=null']);
const adapter = await gpu.requestAdapter();
const requiredFeatures = ['shader-f16', 'subgroups'].filter((f) => adapter.features.has(f));
const device = await adapter.requestDevice({ requiredFeatures });
let bad = 0;
for (const f of files) {
  const module = device.createShaderModule({ code: readFileSync(join(dir, f), 'utf8'), label: f });
  const { messages } = await module.getCompilationInfo();
  for (const m of messages) console.error(`${f}:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`);
  if (messages.length) ++bad;
}
console.log(`${files.length - bad} of ${files.length} shaders compile cleanly on Dawn null (features: ${requiredFeatures.join(', ')})`);
device.destroy();
process.exit(bad ? 1 : 0);
