// The loader's errors name the problem (issue 12, class 3), in Node + Dawn (SwiftShader):
//  * a truncated .wasm names the file (or says bytes were given), then the whole file loads;
//  * seeded corruptions of real model descriptions (fields deleted or replaced by null, a
//    number, a string, an array or an object, at every depth): parseModelSpec either accepts
//    the text or throws an Error whose message starts "webtx:" — never a TypeError from inside
//    the parser (as `t.shape.map is not a function` was).
//  * loadModel's compileTimeoutMs gives up on a slow kernel (matmul takes ~1 s to compile on
//    SwiftShader) with an Error naming it, onCompileProgress reports each kernel, and the
//    same model loads with a generous bound.
//   node loader_errors_node.mjs <vector_add.wasm> <manifest.json>... --slow <matmul.wasm>
//        [--seed S] [--cases N]
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../web/src/index.js';
import { parseModelSpec } from '../../web/src/model_spec.js';
import { createNodeGPU } from '../../web/src/node.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const seed = Number(opt('--seed', '1')), count = Number(opt('--cases', '2000'));
const slow = opt('--slow', null);
const files = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const [wasm, ...manifests] = files;
let failures = 0;
const pass = (ok, what) => {
  if (!ok || process.env.VERBOSE) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};

// 1. Truncated .wasm.
const gpu = await createNodeGPU();
const bytes = readFileSync(wasm);
const cut = bytes.subarray(0, bytes.length >> 1);
const path = join(mkdtempSync(join(tmpdir(), 'webtx-')), 'truncated.wasm');
writeFileSync(path, cut);
for (const [source, want] of [[path, new RegExp(`model '${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is not a valid WebAssembly module`)], [cut, /model \(\d+ bytes given\) is not a valid WebAssembly module/]]) {
  try {
    await loadModel(source, { gpu, log: () => {} });
    pass(false, 'a truncated module loaded');
  } catch (e) {
    pass(want.test(e.message), `truncated .wasm: ${e.message.slice(0, 160)}`);
  }
}
const model = await loadModel(wasm, { gpu, log: () => {} });
const { c } = await model.run({ a: new Float32Array([1, 2]), b: new Float32Array([3, 4]) });
pass(c[0] === 4 && c[1] === 6, 'the whole module loads and runs afterwards');
model.dispose();

// 2. A compile bound.
if (slow) {
  const seen = [];
  try {
    await loadModel(slow, { gpu, log: () => {}, compileTimeoutMs: 50, onCompileProgress: (p) => seen.push(p) });
    pass(false, 'compileTimeoutMs = 50: loaded');
  } catch (e) {
    pass(/compiling kernel '\w+' \(1 of \d+\) of model 'matmul' took more than compileTimeoutMs = 50 ms/.test(e.message), `compile timeout: ${e.message}`);
  }
  pass(seen.length === 1 && seen[0].index === 0 && seen[0].total >= 1 && typeof seen[0].kernel === 'string', `progress reported: ${JSON.stringify(seen)}`);
  const m = await loadModel(slow, { gpu, log: () => {}, compileTimeoutMs: 600000 });
  pass(m.kernels.length >= 1, 'loads with a generous compileTimeoutMs');
  m.dispose();
}

// 3. Corrupted descriptions.
let s = seed >>> 0;
const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
const VALUES = [null, 7, -1, 2.5, 'x', '', [], [1, 'a'], {}, { op: '+' }, true];
function paths(v, prefix = [], out = []) {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      out.push([...prefix, k]);
      paths(v[k], [...prefix, k], out);
    }
  }
  return out;
}
let accepted = 0, rejected = 0;
for (const file of manifests) {
  const text = readFileSync(file, 'utf8');
  const all = paths(JSON.parse(text)).filter((p) => p.at(-1) !== 'wgsl');  // WGSL is Tint's to check
  for (let i = 0; i < count / manifests.length; ++i) {
    const m = JSON.parse(text);
    const p = all[Math.floor(r() * all.length)];
    let o = m;
    for (const k of p.slice(0, -1)) o = o[k];
    const k = p.at(-1);
    if (r() < 0.25) {
      if (Array.isArray(o)) o.splice(Number(k), 1);
      else delete o[k];
    } else {
      o[k] = structuredClone(VALUES[Math.floor(r() * VALUES.length)]);
    }
    try {
      parseModelSpec(JSON.stringify(m));
      accepted++;
    } catch (e) {
      const ok = e instanceof Error && !(e instanceof TypeError) && e.message.startsWith('webtx:');
      pass(ok, `${file.split('/').pop()} with ${p.join('.')} corrupted: ${e.name}: ${e.message.slice(0, 160)}`);
      rejected++;
    }
  }
}
console.log(`seed ${seed}: ${accepted} corrupted descriptions accepted, ${rejected} rejected with a named Error`);
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
