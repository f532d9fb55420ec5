// Runs a model whose program came from the real lowering (so its grids are not known here)
// with fake webtx_js imports, and checks what the manifest implies: one dispatch per kernel in
// order, binding handles, uniform blocks, planned buffers (sizes, tenants), and that each
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
    webtx_js_planned_buffer: (index, n) => (events.push({ op: 'planned', h: next + index, index, n }), next + index),
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
// Every planned buffer is asked for once, before the first dispatch, with the max of its
// tenants' sizes.
const planned = events.filter((e) => e.op === 'planned');
const plan = manifest.memory ?? { buffers: [], tensors: [], bufferOf: new Map() };
assert.deepEqual(planned.map((e) => e.index), plan.buffers.map((_, i) => i));
assert.ok(events.slice(0, planned.length).every((e) => e.op === 'planned'), 'planned buffers first');
const bytesOf = (t) => Math.max(4, Math.ceil(numel(t) * (t.dtype === 'f16' ? 2 : 4) / 4) * 4);
planned.forEach((e) => {
  const tenants = plan.tensors.filter((p) => p.buffer === e.index).map((p) => p.tensor);
  assert.equal(e.n, Math.max(...tenants.map((n) => bytesOf(tensors[n]))), `size of planned buffer ${e.index}`);
  assert.equal(e.n, Math.max(4, evaluateExtent(plan.buffers[e.index], syms)), `the description's size of buffer ${e.index}`);
});
manifest.kernels.forEach((k, i) => {
  const d = dispatches[i];
  assert.equal(d.handles.length, k.bindings.length);
  k.bindings.forEach((b, j) => {
    const t = tensors[b.tensor];
    if (t.role === 'intermediate') {
      assert.equal(d.handles[j], next + plan.bufferOf.get(b.tensor), `${b.tensor} lives in its planned buffer`);
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
