// Pure-JS unit tests of web/src (no GPU): extents, f16 conversion, manifest checks, symbol
// resolution errors, safetensors parsing and weight checks.
import assert from 'node:assert/strict';
import { evaluateExtent, extentToString } from '../src/model_spec.js';
import { f32ToF16Bits, f16BitsToF32 } from '../src/dtype.js';
import { parseManifest, resolveSymbols, concreteShape } from '../src/manifest.js';
import { checkAdapter } from '../src/gpu.js';
import { parseSafetensors, checkWeights, encodeSafetensors } from '../src/safetensors.js';

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

test('generator parameters in the description', () => {
  assert.deepEqual(parseManifest(manifest()).params, {});  // none read: the key is absent
  const m = parseManifest(manifest().replace('"args":["x","y"]', '"args":["x","y"],"params":{"N":"1024","tile":"128"}'));
  assert.deepEqual(m.params, { N: '1024', tile: '128' });
  assert.throws(() => parseManifest(manifest().replace('"args":["x","y"]', '"args":["x","y"],"params":{"N":1024}')), /'params' must be an object of strings/);
});

test('manifest target, features and limits', () => {
  assert.equal(parseManifest(manifest()).target, 'webgpu');  // older manifests: the default
  const withTarget = (extra) => manifest().replace('{', `{${extra},`);
  const m = parseManifest(withTarget('"target":"webgpu-f16","features":["shader-f16"],"limits":{"maxComputeInvocationsPerWorkgroup":64}'));
  assert.equal(m.target, 'webgpu-f16');
  assert.deepEqual(m.features, ['shader-f16']);
  assert.throws(() => parseManifest(withTarget('"target":3')), /'target' must be a string/);
  assert.deepEqual(m.toggles, []);  // absent: none
  assert.deepEqual(parseManifest(withTarget('"toggles":["vulkan_enable_f16_on_nvidia"]')).toggles, ['vulkan_enable_f16_on_nvidia']);
  assert.throws(() => parseManifest(withTarget('"toggles":"allow_unsafe_apis"')), /'toggles' must be an array of Dawn toggle names/);
  assert.throws(() => parseManifest(withTarget('"toggles":["a,b"]')), /'toggles' must be an array of Dawn toggle names/);
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

// A safetensors file written by hand: header length, JSON, data.
function rawSafetensors(header, data = new Uint8Array(0)) {
  const h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

test('safetensors: parse views, round trip', () => {
  const w = new Float32Array([1, 2, 3, 4, 5, 6]), b = new Uint16Array([0x3c00, 0xc000, 7]);
  const bytes = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 3], data: w }, { name: 'b', dtype: 'F16', shape: [3], data: b }], { format: 'pt' });
  assert.equal((new DataView(bytes.buffer).getUint32(0, true) + 8) % 8, 0, 'data 8-byte aligned');
  // Inside a larger buffer at an odd offset (a Node Buffer from a pool looks like this).
  const big = new Uint8Array(bytes.length + 3);
  big.set(bytes, 3);
  const f = parseSafetensors(big.subarray(3), 'm.safetensors');
  assert.deepEqual(f.metadata, { format: 'pt' });
  assert.deepEqual([...f.tensors.keys()], ['w', 'b']);
  const tw = f.tensors.get('w');
  assert.equal(tw.data.buffer, big.buffer, 'a view, not a copy');
  assert.deepEqual(tw.shape, [2, 3]);
  assert.deepEqual(new Float32Array(tw.data.slice().buffer), w);
  assert.deepEqual(new Uint16Array(f.tensors.get('b').data.slice().buffer), b);
  // Safetensors files from other writers: tensors in any order, dtypes we do not run.
  const other = parseSafetensors(rawSafetensors({ z: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] }, a: { dtype: 'I32', shape: [], data_offsets: [0, 4] } }, new Uint8Array(6)));
  assert.equal(other.tensors.get('z').data.byteOffset - other.tensors.get('a').data.byteOffset, 4);
});

test('safetensors: bad files name the problem and the file', () => {
  const p = (bytes) => () => parseSafetensors(bytes, 'w.st');
  assert.throws(p(new Uint8Array(5)), /weights file 'w.st' has 5 bytes, too short/);
  const trunc = rawSafetensors({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(16));
  assert.throws(p(trunc.subarray(0, 20)), /weights file 'w.st': its header of \d+ bytes runs past the end of the file \(20 bytes\)/);
  assert.throws(p(trunc.subarray(0, trunc.length - 1)), /weights file 'w.st' is truncated: tensor 'a' ends at byte 16 of the data, which has only 15 bytes/);
  assert.throws(p(rawSafetensors('{"a": ')), /weights file 'w.st': the header is not valid JSON/);
  assert.throws(p(rawSafetensors('[1]')), /the header is not a JSON object/);
  assert.throws(p(rawSafetensors({ a: { dtype: 'F32', shape: [1] } })), /tensor 'a' needs dtype, shape and data_offsets/);
  assert.throws(p(rawSafetensors({ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4))), /tensor 'a' has unknown dtype 'Q4'/);
  assert.throws(p(rawSafetensors({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4))), /tensor 'a' has shape \[-1\]: extents must be whole numbers >= 0/);
  assert.throws(p(rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4))), /tensor 'a' \(F32 \[2\]\) needs 8 bytes, but data_offsets \[0,4\] give 4/);
  assert.throws(p(rawSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4))), /end < begin/);
  assert.throws(() => parseSafetensors('not bytes'), /must be an ArrayBuffer or a typed array/);
});

test('safetensors: every prefix of a file is refused by name', () => {
  const bytes = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 3], data: new Float32Array(6) }, { name: 'b', dtype: 'F16', shape: [3], data: new Uint16Array(3) }]);
  for (let n = 0; n < bytes.length; ++n) assert.throws(() => parseSafetensors(bytes.subarray(0, n), 'cut'), /weights file 'cut'/, `${n} bytes`);
  for (let i = 0; i < 8; ++i) {
    const b = bytes.slice();
    b[i] ^= 0x80;
    assert.throws(() => parseSafetensors(b, 'flip'), /weights file 'flip'/, `byte ${i}`);
  }
});

test('safetensors: weights checked against the model', () => {
  const spec = { model: 'mlp', tensors: [
    { name: 'x', role: 'input', dtype: 'f32', shape: ['batch', 2] },
    { name: 'w', role: 'weight', dtype: 'f32', shape: [2, 3] },
    { name: 'b', role: 'weight', dtype: 'f16', shape: [3] }] };
  const file = (tensors) => parseSafetensors(encodeSafetensors(tensors.map(([name, dtype, shape]) => ({ name, dtype, shape,
    data: new Uint8Array(shape.reduce((a, c) => a * c, 1) * (dtype === 'F16' ? 2 : 4)) }))), 'mlp.safetensors');
  checkWeights(spec, file([['w', 'F32', [2, 3]], ['b', 'F16', [3]]]));
  assert.throws(() => checkWeights(spec, file([['b', 'F16', [3]]])), /weights file 'mlp.safetensors' lacks weight\(s\) 'w' of model 'mlp'/);
  assert.throws(() => checkWeights(spec, file([['w', 'F32', [2, 3]], ['b', 'F16', [3]], ['x', 'F32', [1]]])), /has tensor 'x', which is not a weight of model 'mlp' \(weights: w, b\)/);
  assert.throws(() => checkWeights(spec, file([['w', 'F16', [2, 3]], ['b', 'F16', [3]]])), /weight 'w' has dtype F16, but model 'mlp' needs F32/);
  assert.throws(() => checkWeights(spec, file([['w', 'F32', [3, 2]], ['b', 'F16', [3]]])), /weight 'w' has shape \[3, 2\], but model 'mlp' needs \[2, 3\]/);
});

test('derived extents that leave i32 are errors naming the axis and symbols', () => {
  const t = { name: 'y', shape: [{ op: '*', args: ['n', 'm'] }, { op: '-', args: ['n', 1] }] };
  assert.deepEqual(concreteShape(t, { n: 3, m: 4 }), [12, 2]);
  // 65536 * 65536 wraps to 0 in i32: refused instead.
  assert.throws(() => concreteShape(t, { n: 65536, m: 65536 }), /tensor 'y' axis 0 is \(n \* m\) = 4294967296 with n = 65536, m = 65536: beyond 2\^31 - 1/);
  assert.throws(() => concreteShape(t, { n: 0, m: 4 }), /tensor 'y' axis 1 is \(n - 1\) = -1 with n = 0: negative/);
});

console.log(`all ${n} passed`);
