// Pure-JS unit tests of web/src (no GPU): extents, f16 conversion, manifest checks, symbol
// resolution errors.
import assert from 'node:assert/strict';
import { evaluateExtent, extentToString } from '../src/model_spec.js';
import { f32ToF16Bits, f16BitsToF32 } from '../src/dtype.js';
import { parseManifest, resolveSymbols, concreteShape } from '../src/manifest.js';
import { checkAdapter } from '../src/gpu.js';

let n = 0;
const test = (name, fn) => {
  fn();
  n++;
  console.log(`PASS ${name}`);
};

test('extent expressions', () => {
  const env = { batch: 7, n: -7 };
  const op = (o, a, b) => ({ op: o, args: [a, b] });
  assert.equal(evaluateExtent(5, env), 5);
  assert.equal(evaluateExtent('batch', env), 7);
  assert.equal(evaluateExtent(op('+', 'batch', 1), env), 8);
  assert.equal(evaluateExtent(op('-', op('*', 'batch', 2), 3), env), 11);
  assert.equal(evaluateExtent(op('/', 'n', 2), env), -3);  // truncates toward zero
  assert.equal(evaluateExtent(op('%', 'n', 2), env), -1);
  assert.equal(evaluateExtent(op('max', op('min', 'batch', 3), 1), env), 3);
  assert.equal(extentToString(op('max', op('min', 'batch', 3), 1)), 'max(min(batch, 3), 1)');
  assert.throws(() => evaluateExtent(op('/', 'batch', op('-', 'batch', 7)), env, 'grid x'), /division by zero in \(batch \/ \(batch - 7\)\) in grid x/);
  assert.throws(() => evaluateExtent('zz', {}), /symbol 'zz' is not bound/);
});

test('f16 round trip', () => {
  for (const [x, bits] of [[0, 0], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [1e6, 0x7c00], [2 ** -24, 1], [0.1, 0x2e66]]) {
    assert.equal(f32ToF16Bits(x), bits, `bits of ${x}`);
  }
  for (let h = 0; h < 0x7c00; h += 7) assert.equal(f32ToF16Bits(f16BitsToF32(h)), h);
  assert.ok(Number.isNaN(f16BitsToF32(f32ToF16Bits(NaN))));
});

const manifest = () => JSON.stringify({
  webtx_manifest: 2, model: 'm', function: 'm',
  symbols: [{ name: 'b', from: { tensor: 'x', axis: 0 } }],
  tensors: [
    { name: 'x', role: 'input', dtype: 'f32', shape: ['b', 4] },
    { name: 'y', role: 'output', dtype: 'i32', shape: [{ op: '+', args: ['b', 1] }] },
  ],
  args: ['x', 'y'],
  kernels: [{ name: 'k', entry: 'main', wgsl: '', spirv: '', workgroup_size: [1, 1, 1], workgroup_bytes: 0,
    grid: ['b', 1, 1], bindings: [{ binding: 0, tensor: 'x', access: 'read' }], uniforms: ['b'], uniform_binding: 1, features: [] }],
});

test('manifest checks', () => {
  const m = parseManifest(manifest());
  assert.deepEqual(concreteShape(m.tensorByName.get('y'), { b: 2 }), [3]);
  assert.throws(() => parseManifest('{'), /not valid JSON/);
  assert.throws(() => parseManifest(manifest().replace('"f32"', '"f64"')), /tensor 'x' has unknown dtype 'f64'/);
  assert.throws(() => parseManifest(manifest().replace('"args":["b",1]', '"args":["c",1]')), /tensor 'y' axis 0 uses unknown symbol 'c'/);
  assert.throws(() => parseManifest(manifest().replace('"op":"+"', '"op":"^"')), /tensor 'y' axis 0 has bad extent/);
  assert.throws(() => parseManifest(manifest().replace('"webtx_manifest":2', '"webtx_manifest":1')), /unsupported version 1; this runtime reads 2/);
  assert.throws(() => parseManifest(manifest().replace('"webtx_manifest":2', '"webtx_manifest":3,"generator":"webtx 9.0"')), /unsupported version 3 \(written by webtx 9.0\); this runtime reads 2/);
  assert.throws(() => parseManifest(manifest().replace('"grid":["b",1,1]', '"grid":["b",1]')), /kernel 0 \('k'\) has a bad grid/);
  assert.throws(() => parseManifest(manifest().replace('"tensor":"x","access"', '"tensor":"q","access"')), /binds unknown tensor 'q'/);
  assert.throws(() => parseManifest(manifest().replace('"axis":0', '"axis":1')), /symbol 'b' comes from tensor 'x' axis 1/);
  assert.throws(() => parseManifest(manifest().replace('"args":["x","y"]', '"args":["x","z"]')), /argument 'z'/);
});

test('memory plan in the description', () => {
  const withPlan = (plan) => manifest()
    .replace('"args":["x","y"]', '"args":["x","y"],"memory":' + JSON.stringify(plan))
    .replace('{"name":"y","role":"output","dtype":"i32"', '{"name":"t","role":"intermediate","dtype":"f32","shape":["b"]},{"name":"y","role":"output","dtype":"i32"');
  const m = parseManifest(withPlan({ buffers: [{ op: '*', args: ['b', 4] }], tensors: [{ tensor: 't', buffer: 0 }], peak_bytes: { op: '*', args: ['b', 4] } }));
  assert.equal(m.memory.bufferOf.get('t'), 0);
  assert.equal(evaluateExtent(m.memory.peak_bytes, { b: 3 }), 12);
  assert.throws(() => parseManifest(withPlan({ buffers: [4], tensors: [{ tensor: 'x', buffer: 0 }], peak_bytes: 4 })), /the memory plan places 'x', which is not an intermediate/);
  assert.throws(() => parseManifest(withPlan({ buffers: [4], tensors: [{ tensor: 't', buffer: 1 }], peak_bytes: 4 })), /places 't' in buffer 1 of 1/);
  assert.throws(() => parseManifest(withPlan({ buffers: [4], tensors: [] })), /'memory' must have 'buffers', 'tensors' and 'peak_bytes'/);
});

test('manifest target, features and limits', () => {
  assert.equal(parseManifest(manifest()).target, 'webgpu');  // older manifests: the default
  const withTarget = (extra) => manifest().replace('{', `{${extra},`);
  const m = parseManifest(withTarget('"target":"webgpu-f16","features":["shader-f16"],"limits":{"maxComputeInvocationsPerWorkgroup":64}'));
  assert.equal(m.target, 'webgpu-f16');
  assert.deepEqual(m.features, ['shader-f16']);
  assert.throws(() => parseManifest(withTarget('"target":3')), /'target' must be a string/);
  assert.throws(() => parseManifest(withTarget('"limits":{"maxBufferSize":-1}')), /limit 'maxBufferSize' must be a non-negative integer/);
  const adapter = { features: new Set(['shader-f16']), limits: { maxComputeInvocationsPerWorkgroup: 256 } };
  checkAdapter(adapter, { features: m.features, limits: m.limits }, 'model');
  assert.throws(() => checkAdapter(adapter, { features: [], limits: { maxComputeInvocationsPerWorkgroup: 1024 } }, "model 'x'"),
    /^Error: webtx: model 'x' needs WebGPU limit maxComputeInvocationsPerWorkgroup >= 1024, but this adapter allows 256$/);
  assert.throws(() => checkAdapter({ ...adapter, features: new Set() }, { features: ['shader-f16'], limits: {} }, "model 'x'"),
    /needs WebGPU feature 'shader-f16', which this adapter lacks/);
});

test('symbol resolution', () => {
  const m = parseManifest(manifest());
  assert.deepEqual(resolveSymbols(m, { x: new Float32Array(12) }), { b: 3 });
  assert.deepEqual(resolveSymbols(m, { x: { data: new Float32Array(8), shape: [2, 4] } }), { b: 2 });
  assert.throws(() => resolveSymbols(m, { x: new Float32Array(10) }), /tensor 'x' has 10 elements/);
  assert.throws(() => resolveSymbols(m, { x: { data: new Float32Array(8), shape: [2, 5] } }), /tensor 'x' axis 1 must be 4, got 5/);
  assert.throws(() => resolveSymbols(m, { x: { data: new Float32Array(8), shape: [2, 4] } }, { b: 3 }), /axis 0 has extent 2, but symbol 'b' is 3/);
  assert.throws(() => resolveSymbols(m, {}, {}), /symbol 'b' of model 'm' is not bound/);
  assert.throws(() => resolveSymbols(m, {}, { q: 1 }), /has no symbol 'q'/);
  assert.throws(() => resolveSymbols(m, { x: { data: new Float32Array(8), shape: [2] } }), /tensor 'x' must have rank 2 \(shape \[b, 4\]\)/);
});

console.log(`all ${n} passed`);
