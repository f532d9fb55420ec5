// Runs a model whose program came from the real lowering (so its grids are not known here)
// with fake webtx_js imports, and checks what the manifest implies: one dispatch per kernel in
// order, binding handles, uniform blocks, intermediate sizes and lifetimes, and that each
// kernel's grid is a valid, non-empty dispatch.
// usage: node lowered_model_test.mjs <model.wasm> <model.manifest.json> sym=value...
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluateExtent, parseModelSpec } from '../../web/src/model_spec.js';

const [wasmPath, manifestPath, ...bindings] = process.argv.slice(2);
const syms = Object.fromEntries(bindings.map((b) => b.split('=')).map(([k, v]) => [k, Number(v)]));
const manifest = parseModelSpec(readFileSync(manifestPath, 'utf8'));
const extent = (e) => evaluateExtent(e, syms);
const tensors = Object.fromEntries(manifest.tensors.map((t) => [t.name, { ...t, dims: t.shape.map(extent) }]));
const numel = (t) => t.dims.reduce((a, b) => a * b, 1);

let memory;
const events = [];
let next = 500;
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
  webtx_js: {
    webtx_js_buffer_alloc: (n) => (events.push({ op: 'alloc', h: next, n }), next++),
    webtx_js_buffer_free: (h) => events.push({ op: 'free', h }),
    webtx_js_dispatch: (k, gx, gy, gz, hp, nh, up, ub) => {
      events.push({ op: 'dispatch', k, grid: [gx, gy, gz], handles: [...new Int32Array(memory.buffer, hp, nh)],
        uniforms: [...new Int32Array(memory.buffer, up, ub / 4)] });
      return 0;
    },
    webtx_js_log: () => {},
  },
});
const ex = instance.exports;
memory = ex.memory;
ex._initialize?.();
const name = new TextEncoder().encode(manifest.function + '\0');
const np = ex.webtx_alloc(name.length);
new Uint8Array(memory.buffer, np, name.length).set(name);
const fn = ex.webtx_get_function(np);
assert.ok(fn > 0);

// Weights (ctx.weight) are arguments after the outputs (docs/abi.md, "Weights").
const roles = manifest.args.map((a) => tensors[a].role);
const order = { input: 0, output: 1, weight: 2 };
assert.ok(roles.every((r, i) => i === 0 || order[roles[i - 1]] <= order[r]), `args in role order: ${manifest.args} (${roles})`);

const handleOf = {};
const args = ex.webtx_alloc(16 * manifest.args.length), tens = ex.webtx_alloc(40 * manifest.args.length);
const v = new DataView(memory.buffer);
const code = { f32: 0, i32: 1, u32: 2, f16: 3, bool: 4 };
manifest.args.forEach((a, i) => {
  const t = tensors[a], p = tens + 40 * i;
  handleOf[a] = 100 + i;
  const bytes = numel(t) * (t.dtype === 'f16' ? 2 : 4);
  [handleOf[a], code[t.dtype], t.dims.length, bytes, ...t.dims].forEach((x, k) => v.setInt32(p + 4 * k, x, true));
  v.setInt32(args + 16 * i, 2, true);
  v.setInt32(args + 16 * i + 8, p, true);
});
const rc = ex.webtx_call(fn, args, manifest.args.length);
const err = (() => { const b = new Uint8Array(memory.buffer); let e = ex.webtx_last_error(), s = e; while (b[e]) e++; return new TextDecoder().decode(b.subarray(s, e)); })();
assert.equal(rc, 0, err);

const dispatches = events.filter((e) => e.op === 'dispatch');
assert.deepEqual(dispatches.map((d) => d.k), manifest.kernels.map((_, i) => i));
for (const e of events) {
  if (e.op !== 'alloc') continue;
  const idx = events.indexOf(e);
  const firstUse = events.findIndex((d) => d.op === 'dispatch' && d.handles.includes(e.h));
  const lastUse = events.findLastIndex((d) => d.op === 'dispatch' && d.handles.includes(e.h));
  const freeAt = events.findIndex((d) => d.op === 'free' && d.h === e.h);
  assert.ok(idx < firstUse && lastUse < freeAt, `intermediate ${e.h} allocated before use, freed after`);
}
assert.equal(events.filter((e) => e.op === 'alloc').length, events.filter((e) => e.op === 'free').length);
manifest.kernels.forEach((k, i) => {
  const d = dispatches[i];
  assert.equal(d.handles.length, k.bindings.length);
  k.bindings.forEach((b, j) => {
    const t = tensors[b.tensor];
    if (t.role === 'intermediate') {
      const alloc = events.find((e) => e.op === 'alloc' && e.h === d.handles[j]);
      assert.equal(alloc.n, Math.max(4, numel(t) * 4), `size of ${b.tensor}`);
      t.handle ??= d.handles[j];
      assert.equal(d.handles[j], t.handle, `${b.tensor} keeps its buffer`);
    } else {
      assert.equal(d.handles[j], handleOf[b.tensor], `binding ${j} of ${k.name}`);
    }
  });
  const words = Math.ceil(k.uniforms.length / 4) * 4;
  assert.deepEqual(d.uniforms, [...k.uniforms.map((s) => syms[s]), ...Array(words - k.uniforms.length).fill(0)]);
  // (A kernel may loop inside one invocation, so the grid need not cover the tensor.)
  assert.ok(d.grid.every((g) => g >= 1 && g <= 65535), `${k.name}: grid ${d.grid}`);
  assert.deepEqual(d.grid, k.grid.map(extent), `${k.name}: the stub's grid is the description's`);
});
console.log(`${manifest.model}: ${dispatches.length} dispatches ok`, dispatches.map((d) => d.grid), `args ${manifest.args.map((a, i) => `${a}:${roles[i]}`)}`);
