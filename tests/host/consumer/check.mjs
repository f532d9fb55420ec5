// Loads the consumer's vadd.wasm with fake webtx_js imports and checks one call's dispatch.
// usage: node check.mjs <dir with vadd.wasm, vadd.js, vadd.manifest.json>
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const dispatches = [];
let memory;
const { instance } = await WebAssembly.instantiate(readFileSync(join(dir, 'vadd.wasm')), {
  webtx_js: {
    webtx_js_planned_buffer: () => 1,
    webtx_js_dispatch: (k, gx, gy, gz, hp, nh, up, ub) => {
      dispatches.push([k, gx, gy, gz, ...new Int32Array(memory.buffer, hp, nh), ...new Int32Array(memory.buffer, up, ub / 4)]);
      return 0;
    },
    webtx_js_log: () => {},
  },
});
const ex = instance.exports;
memory = ex.memory;
if (ex._initialize) ex._initialize();
const str = (s) => {
  const b = new TextEncoder().encode(s + '\0');
  const p = ex.webtx_alloc(b.length);
  new Uint8Array(memory.buffer, p, b.length).set(b);
  return p;
};
const fn = ex.webtx_get_function(str('vadd'));
assert.ok(fn > 0);
const n = 1000;
const args = ex.webtx_alloc(16 * 3), tens = ex.webtx_alloc(40 * 3);
const v = new DataView(memory.buffer);
for (let i = 0; i < 3; i++) {
  const t = tens + 40 * i;
  [11 + i, 0, 1, 4 * n, n].forEach((x, k) => v.setInt32(t + 4 * k, x, true));
  v.setInt32(args + 16 * i, 2, true);
  v.setInt32(args + 16 * i + 8, t, true);
}
assert.equal(ex.webtx_call(fn, args, 3), 0);
assert.deepEqual(dispatches, [[0, 16, 1, 1, 11, 12, 13, n, 0, 0, 0]]);
const manifest = JSON.parse(readFileSync(join(dir, 'vadd.manifest.json'), 'utf8'));
assert.deepEqual(manifest.args, ['a', 'b', 'c']);
const loader = readFileSync(join(dir, 'vadd.js'), 'utf8');
assert.match(loader, /export function loadModel/);
assert.match(loader, /import \* as webtx from 'webtx';/, 'the loader imports the runtime by package name');
assert.match(readFileSync(join(dir, 'vadd.d.ts'), 'utf8'), /'a': TensorInput;[^]*'c': TensorOutput;[^]*'n'\?: number;/);
console.log('consumer vadd.wasm: ok');
