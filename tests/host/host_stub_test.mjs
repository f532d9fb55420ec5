// Runs the host_test_model wasm (LLVM host stub + C++ runtime, linked by emcc) under Node with
// FAKE webtx_js imports that record planned-buffer requests and dispatches, and checks what the
// stub does: grids, uniform blocks, binding handles, dispatch order, the memory plan, and that bad
// arguments give a nonzero return with a precise message while the module keeps working.
// usage: node host_stub_test.mjs <model.wasm> <model.manifest.json>
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const [wasmPath, manifestPath] = process.argv.slice(2);

// ---- fake device -------------------------------------------------------------------------------
const dev = {
  planned: new Map(), events: [], failAlloc: false, failDispatchKernel: -1, logs: [],
  reset() { this.events = []; this.failAlloc = false; this.failDispatchKernel = -1; },
};
let memory;
const i32s = (ptr, n) => Array.from(new Int32Array(memory.buffer, ptr, n));
const cstr = (ptr) => {
  const b = new Uint8Array(memory.buffer);
  let e = ptr;
  while (b[e]) e++;
  return new TextDecoder().decode(b.subarray(ptr, e));
};
const imports = {
  webtx_js: {
    // Planned buffer i is handle 100 + i, kept across calls (as web/ keeps its GPUBuffer).
    webtx_js_planned_buffer(index, nbytes) {
      if (dev.failAlloc) return 0;
      dev.planned.set(index, Math.max(dev.planned.get(index) ?? 0, nbytes));
      dev.events.push({ op: 'planned', index, nbytes });
      return 100 + index;
    },
    webtx_js_dispatch(kernel, gx, gy, gz, hp, nh, up, ub) {
      dev.events.push({
        op: 'dispatch', kernel, grid: [gx, gy, gz], handles: i32s(hp, nh),
        uniforms: ub > 0 ? i32s(up, ub / 4) : [],
      });
      return kernel === dev.failDispatchKernel ? 7 : 0;
    },
    webtx_js_log(level, ptr, len) {
      dev.logs.push([level, new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len))]);
    },
  },
};

// Only the webtx_js closures may be imported: anything else means a typo or a libc call that
// needs a host (the module is standalone).
const module = new WebAssembly.Module(readFileSync(wasmPath));
for (const imp of WebAssembly.Module.imports(module)) {
  assert.equal(imp.module, 'webtx_js', `unexpected import ${imp.module}.${imp.name}`);
}
const { exports: ex } = new WebAssembly.Instance(module, imports);
memory = ex.memory;
if (ex._initialize) ex._initialize();

const allocStr = (s) => {
  const bytes = new TextEncoder().encode(s + '\0');
  const p = ex.webtx_alloc(bytes.length);
  new Uint8Array(memory.buffer, p, bytes.length).set(bytes);
  return p;
};

// ---- manifest ----------------------------------------------------------------------------------
const manifest = JSON.parse(cstr(ex.webtx_manifest()));
assert.deepEqual(manifest, JSON.parse(readFileSync(manifestPath, 'utf8')));
assert.deepEqual(manifest.args, ['x', 'w', 'y', 'count']);
assert.deepEqual(manifest.kernels.map((k) => k.name), ['matmul', 'scale', 'relu']);
assert.deepEqual(manifest.kernels[0].uniforms, ['batch', 'heads']);
assert.equal(manifest.kernels[0].uniform_binding, 3);
// tmp (matmul -> scale) and t2 (scale -> relu) are both live at 'scale': two planned buffers,
// the larger (t2) first.
const plan = manifest.memory;
assert.equal(plan.buffers.length, 2);
assert.deepEqual(plan.tensors.map((e) => [e.tensor, e.buffer]).sort(), [['t2', 0], ['tmp', 1]]);

const fnName = allocStr(manifest.function);
const fn = ex.webtx_get_function(fnName);
assert.ok(fn > 0, 'model function registered');
assert.equal(ex.webtx_get_function(allocStr('no_such_model')), 0);
assert.deepEqual(dev.logs, [[0, 'webtx: 1 packed function(s) registered']]);

// ---- argument building -------------------------------------------------------------------------
const DT = { f32: 0, i32: 1 };
// tensors: { name: { dtype, shape, nbytes?, handle? } } in args order
function makeArgs(spec) {
  const n = spec.length;
  const args = ex.webtx_alloc(16 * n);
  const tens = ex.webtx_alloc(40 * n);
  const v = new DataView(memory.buffer);
  spec.forEach((t, i) => {
    const tp = tens + 40 * i;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    v.setInt32(tp, t.handle ?? 1000 + i, true);
    v.setInt32(tp + 4, t.dtype, true);
    v.setInt32(tp + 8, t.shape.length, true);
    v.setInt32(tp + 12, t.nbytes ?? numel * 4, true);
    for (let k = 0; k < 6; k++) v.setInt32(tp + 16 + 4 * k, t.shape[k] ?? 0, true);
    v.setInt32(args + 16 * i, t.typeCode ?? 2, true);
    v.setInt32(args + 16 * i + 8, t.ptr ?? tp, true);
  });
  return { args, n, free: () => { ex.webtx_free(args); ex.webtx_free(tens); } };
}
const good = (B, H) => [
  { dtype: DT.f32, shape: [B, 8] },
  { dtype: DT.f32, shape: [8, H] },
  { dtype: DT.f32, shape: [B, H] },
  { dtype: DT.i32, shape: [B + 1] },
];
function call(spec, nargs) {
  const a = makeArgs(spec);
  dev.reset();
  const rc = ex.webtx_call(fn, a.args, nargs ?? a.n);
  a.free();
  return { rc, err: cstr(ex.webtx_last_error()), events: dev.events };
}

// ---- a good call -------------------------------------------------------------------------------
function expectGood(B, H) {
  const { rc, err, events } = call(good(B, H));
  assert.equal(rc, 0, `call failed: ${err}`);
  const [x, w, y, count] = [1000, 1001, 1002, 1003];
  const round4 = (b) => Math.max(4, Math.ceil(b / 4) * 4);
  const ev = events.map((e) => ({ ...e }));
  const [t2, tmp] = [100, 101];
  const nonEmpty = (g) => g.every((d) => d > 0);
  // Both planned buffers are asked for up front, sized for this call.
  const expected = [{ op: 'planned', index: 0, nbytes: round4(2 * B * H * 4) },
    { op: 'planned', index: 1, nbytes: round4(B * H * 4) }];
  const g0 = [Math.trunc((B * H + 15) / 16), 1, 1];
  if (nonEmpty(g0)) {
    expected.push({ op: 'dispatch', kernel: 0, grid: g0, handles: [x, w, tmp], uniforms: [B, H, 0, 0] });
  }
  const g1 = [Math.trunc((2 * B * H + 63) / 64), 1, H];
  if (nonEmpty(g1)) expected.push({ op: 'dispatch', kernel: 1, grid: g1, handles: [tmp, t2], uniforms: [] });
  const g2 = [Math.max(Math.trunc(B / 32), 1), H, Math.min(B, 3)];
  if (nonEmpty(g2)) {
    expected.push({ op: 'dispatch', kernel: 2, grid: g2, handles: [t2, y, count], uniforms: [H, B, 0, 0] });
  }
  assert.deepEqual(ev, expected, `events for batch=${B} heads=${H}`);
  assert.deepEqual([...dev.planned.keys()].sort(), [0, 1], 'only the two planned buffers');
}
expectGood(37, 3);
expectGood(100, 5);
expectGood(1, 1);
expectGood(0, 4);  // empty batch: buffers still valid (4 bytes), empty grids are not dispatched

// ---- bad calls: nonzero return, a message naming the problem, no buffer beyond the plan ---------
function expectError(spec, re, nargs) {
  const { rc, err } = call(spec, nargs);
  assert.notEqual(rc, 0, `expected failure matching ${re}`);
  assert.match(err, re);
  assert.ok([...dev.planned.keys()].every((i) => i < 2), `a buffer outside the plan after: ${err}`);
  expectGood(7, 2);  // and the module still works
  return err;
}
const mod = (i, patch) => good(9, 4).map((t, k) => (k === i ? { ...t, ...patch } : t));
const errors = [
  [good(9, 4).slice(0, 3), /host_test_model: expected 4 arguments \(x, w, y, count\), got 3/],
  [mod(0, { shape: [9, 8, 1] }), /tensor 'x' must have rank 2, got rank 3/],
  [mod(1, { dtype: DT.i32 }), /tensor 'w' must have dtype f32 \(code 0\), got dtype code 1/],
  [mod(0, { shape: [9, 7] }), /tensor 'x' axis 1 must have extent 8, got 7/],
  [mod(2, { shape: [10, 4] }), /tensor 'y' axis 0 has extent 10, but symbol 'batch' = 9 \(from tensor 'x' axis 0\)/],
  [mod(2, { shape: [9, 5] }), /tensor 'y' axis 1 has extent 5, but symbol 'heads' = 4 \(from tensor 'w' axis 1\)/],
  [mod(3, { shape: [9] }), /tensor 'count' axis 0 has extent 9, expected \(batch \+ 1\) = 10/],
  [mod(0, { nbytes: 9 * 8 * 4 - 1 }), /tensor 'x' buffer has 287 bytes, needs 288 for its shape/],
  [mod(1, { shape: [8, -2] }), /tensor 'w' axis 1 has negative extent -2/],
  [mod(3, { handle: 0 }), /tensor 'count' has no GPU buffer \(handle 0\)/],
  [mod(1, { typeCode: 0 }), /argument 1 \('w'\) must be a tensor \(type code 2\), got type code 0/],
  [mod(2, { ptr: 0x7ffffff0 }), /host_test_model: argument 2 points outside linear memory/],
  // The grid names its extent, the tensors the kernel writes and the symbol behind it.
  [good(1100000, 1), /grid x of kernel 'matmul' is 68750 workgroups, outside \[0, 65535\] \(maxComputeWorkgroupsPerDimension of target 'webgpu'\): .*batch.* for '.*'; symbol 'batch' = 1100000 \(from tensor 'x' axis 0\)/],
];
for (const [spec, re] of errors) expectError(spec, re);

// A huge batch overflows i32 byte sizes: reported, not wrapped.
expectError(mod(0, { shape: [1 << 28, 8], nbytes: 2147483647 }), /tensor 'x' buffer has 2147483647 bytes, needs 8589934592/);
// Exact beyond 2^33 too (a saturating count used to print 8589934592 for every larger size).
expectError(mod(0, { shape: [(1 << 30) + 1, 8], nbytes: 2147483647 }), /tensor 'x' buffer has 2147483647 bytes, needs 34359738400 /);

// Device failures in the middle of a run: an error; the planned buffers stay with the runtime.
dev.failDispatchKernel = 1;
{
  const a = makeArgs(good(9, 4));
  dev.events = [];
  const rc = ex.webtx_call(fn, a.args, 4);
  a.free();
  assert.notEqual(rc, 0);
  assert.match(cstr(ex.webtx_last_error()), /dispatch of kernel 'scale' failed \(code 7\)/);
  assert.deepEqual([...dev.planned.keys()].sort(), [0, 1]);
}
dev.reset();
dev.failAlloc = true;
{
  const a = makeArgs(good(9, 4));
  const rc = ex.webtx_call(fn, a.args, 4);
  a.free();
  assert.notEqual(rc, 0);
  assert.match(cstr(ex.webtx_last_error()), /could not allocate 288 bytes for planned buffer 0 \(intermediates t2; out of GPU memory or device lost\)/);
}
dev.reset();
expectGood(9, 4);

// Bad function ids are errors, not calls through garbage.
assert.notEqual(ex.webtx_call(0, 0, 0), 0);
assert.match(cstr(ex.webtx_last_error()), /no function with id 0/);
assert.notEqual(ex.webtx_call(fn + 50, 0, 0), 0);
expectGood(3, 3);

console.log(`host stub test: ${errors.length + 4} error cases and 9 good calls passed`);
