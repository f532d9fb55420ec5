// Seeded fuzzing of the JS boundary (issue 12): random inputs objects for every example model
// (wrong types, dtypes, ranks, extents, lengths; fractional, negative, NaN and huge extents;
// detached buffers; bad symbols; and the same values in shared memory or at an offset view).
// The property, per call: a rejected call is an Error whose message starts "webtx:"; an
// accepted one gives numbers equal to the CPU reference; nothing crashes or hangs; and a
// correct call afterwards (checked every few cases and at the end) still equals the reference.
//   node input_fuzz_node.mjs <build>/tests/examples/cases.json [--seed S] [--cases N] [--models a,b]
// CI runs 150 cases per model (seed 1, ~10 s); --cases 2000 --seed 7 runs more (docs/web.md).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createNodeGPU } from '../../web/src/node.js';
import { loadModel, Tensor } from '../../web/src/index.js';
import { compare, refInputs } from '../examples/example_checks.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const seed = Number(opt('--seed', '1'));
const perModel = Number(opt('--cases', '150'));
const only = opt('--models', null)?.split(',');
const HANG_MS = 60000;

// mulberry32: a small seeded PRNG (the same seed gives the same cases).
function rng(s) {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const detached = (n) => {
  const v = new Float32Array(n);
  structuredClone(v.buffer, { transfer: [v.buffer] });
  return v;
};
const sharedCopy = (data) => {
  const v = new data.constructor(new SharedArrayBuffer(data.byteLength));
  v.set(data);
  return v;
};
const offsetCopy = (data, pad) => {
  const v = new data.constructor(data.length + 2 * pad);
  v.set(data, pad);
  return v.subarray(pad, pad + data.length);
};

const pick = (r, n) => Math.floor(r() * n);
/** `shape` with axis k (one picked at random) replaced by f(extent). */
const atAxis = (shape, r, f) => {
  const k = pick(r, shape.length);
  return shape.map((d, i) => (i === k ? f(d) : d));
};

// x on the GPU of `device` as a Tensor (dims as given); `made` collects it for disposal.
function gpuTensor(x, device, made, { dtype = 'f32', dims = x.shape } = {}) {
  const buffer = device.createBuffer({ size: Math.max(4, x.data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
  buffer.unmap();
  const t = Tensor.fromGpuBuffer(buffer, { dtype, dims, device });
  made.push(t);
  return t;
}

// Mutations of one input {data, shape} (or of the call): `same` ones keep the values, so an
// accepted call must equal the reference; the others must be rejected.
const MUTATIONS = [
  ['shared memory', true, (x) => ({ ...x, data: sharedCopy(x.data) })],
  ['offset view', true, (x, r) => ({ ...x, data: offsetCopy(x.data, 1 + Math.floor(r() * 7)) })],
  ['shared offset view', true, (x) => {
    const whole = new x.data.constructor(new SharedArrayBuffer((x.data.length + 6) * x.data.BYTES_PER_ELEMENT));
    const v = whole.subarray(3, 3 + x.data.length);
    v.set(x.data);
    return { ...x, data: v };
  }],
  ['flat typed array when rank 1', true, (x) => (x.shape.length === 1 ? x.data : null)],
  ['CPU Tensor', true, (x) => new Tensor('f32', Float32Array.from(x.data), x.shape)],
  ['GPU Tensor', true, (x, r, c) => gpuTensor(x, c.device, c.made)],
  ['disposed Tensor', false, (x) => {
    const t = new Tensor('f32', Float32Array.from(x.data), x.shape);
    t.dispose();
    return t;
  }],
  ['GPU Tensor of dtype i32', false, (x, r, c) => gpuTensor(x, c.device, c.made, { dtype: 'i32' })],
  ['GPU Tensor with an extra axis', false, (x, r, c) => gpuTensor(x, c.device, c.made, { dims: [...x.shape, 1] })],
  ['number', false, () => 3.5],
  ['string', false, () => 'tensor'],
  ['null', false, () => null],
  ['boolean', false, () => true],
  ['plain Array', false, (x) => Array.from(x.data)],
  ['DataView', false, (x) => new DataView(x.data.buffer.slice(0))],
  ['ArrayBuffer', false, (x) => x.data.buffer.slice(0)],
  ['object without data', false, (x) => ({ shape: x.shape })],
  ['data not a typed array', false, (x) => ({ data: Array.from(x.data), shape: x.shape })],
  ['Float64Array', false, (x) => ({ data: Float64Array.from(x.data), shape: x.shape })],
  ['Int32Array', false, (x) => ({ data: Int32Array.from(x.data), shape: x.shape })],
  ['Uint8Array', false, (x) => ({ data: new Uint8Array(x.data.buffer.slice(0)), shape: x.shape })],
  ['detached', false, (x) => ({ data: detached(x.data.length), shape: x.shape })],
  ['one element short', false, (x) => ({ data: x.data.subarray(0, x.data.length - 1), shape: x.shape })],
  ['one element long', false, (x) => ({ data: Float32Array.from([...x.data, 1]), shape: x.shape })],
  ['rank + 1', false, (x) => ({ data: x.data, shape: [...x.shape, 1] })],
  ['rank - 1', false, (x) => (x.shape.length > 1 ? { data: x.data, shape: x.shape.slice(1) } : { data: x.data, shape: [] })],
  ['fractional extent', false, (x, r) => ({ data: x.data, shape: atAxis(x.shape, r, (d) => d + 0.5) })],
  ['negative extent', false, (x, r) => ({ data: x.data, shape: atAxis(x.shape, r, (d) => -d - 1) })],
  ['NaN extent', false, (x) => ({ data: x.data, shape: x.shape.map((d, i) => (i === 0 ? NaN : d)) })],
  ['Infinity extent', false, (x) => ({ data: x.data, shape: x.shape.map((d, i) => (i === 0 ? Infinity : d)) })],
  ['huge extent 2^31', false, (x, r) => ({ data: x.data, shape: atAxis(x.shape, r, (d) => 2 ** 31) })],
  ['huge extents 2^20 each', false, (x) => ({ data: x.data, shape: x.shape.map(() => 2 ** 20) })],
  ['extent + 1', false, (x, r) => ({ data: x.data, shape: atAxis(x.shape, r, (d) => d + 1) })],
  ['string extent', false, (x) => ({ data: x.data, shape: x.shape.map((d, i) => (i === 0 ? String(d) : d)) })],
  ['shape not an array', false, (x) => ({ data: x.data, shape: 'x' })],
];
// Mutations of the whole call.
const CALL_MUTATIONS = [
  ['inputs is a number', (inputs) => [42, {}]],
  ['inputs is an Array', (inputs) => [[inputs], {}]],
  ['missing input', (inputs) => [Object.fromEntries(Object.entries(inputs).slice(1)), {}]],
  ['unknown input', (inputs) => [{ ...inputs, not_an_input: new Float32Array(4) }, {}]],
  ['unknown symbol', (inputs) => [inputs, { not_a_symbol: 3 }]],
  ['symbols is a string', (inputs) => [inputs, 'n=3']],
];

function equalsRef(out, ref) {
  for (const [name, want] of Object.entries(ref.outputs)) {
    const c = compare(out?.[name], want);
    if (!c.ok) return `output '${name}': ${c.why}`;
  }
  return '';
}

const withTimeout = (p, what) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`HANG: ${what} did not settle in ${HANG_MS} ms`)), HANG_MS).unref())]);

const cases = JSON.parse(readFileSync(args[0], 'utf8')).filter((c) => !only || only.includes(c.model));
const gpu = await createNodeGPU();
let failures = 0, rejected = 0, accepted = 0;
const fail = (msg) => {
  console.log(`FAIL ${msg}`);
  failures++;
};
for (const c of cases) {
  const ref = JSON.parse(readFileSync(c.refs[0].path, 'utf8'));
  const weights = ref.weights ? join(dirname(c.refs[0].path), ref.weights) : undefined;
  const model = await loadModel(c.wasm, { gpu, weights, log: () => {} });
  const r = rng(seed * 1000003 + [...c.model].reduce((h, ch) => h * 31 + ch.charCodeAt(0), 7));
  const names = Object.keys(ref.inputs);
  const ctx = { device: model.device, made: [] };
  const good = async (what) => {
    const msg = equalsRef(await withTimeout(model.run(refInputs(ref), ref.symbols ?? {}), what), ref);
    if (msg) fail(`${c.model}: correct run ${what}: ${msg}`);
  };
  await good('before fuzzing');
  for (let i = 0; i < perModel; ++i) {
    const inputs = refInputs(ref);
    let symbols = ref.symbols ?? {};
    let what, same = false;
    if (r() < 0.15) {
      const [label, f] = CALL_MUTATIONS[pick(r, CALL_MUTATIONS.length)];
      let call;
      [call, symbols] = f(inputs);
      what = label;
      Object.keys(inputs).forEach((k) => delete inputs[k]);
      if (typeof call !== 'object' || Array.isArray(call)) {
        try {
          await withTimeout(model.run(call, symbols), what);
          fail(`${c.model} case ${i} (${what}): accepted`);
        } catch (e) {
          if (e.message.startsWith('HANG') || !(e instanceof Error) || !e.message.startsWith('webtx:')) fail(`${c.model} case ${i} (${what}): ${e.stack ?? e}`);
          else rejected++;
        }
        continue;
      }
      Object.assign(inputs, call);
    } else {
      const name = names[pick(r, names.length)];
      const [label, keeps, f] = MUTATIONS[pick(r, MUTATIONS.length)];
      const v = f(inputs[name], r, ctx);
      if (v === null) continue;
      inputs[name] = v;
      what = `input '${name}': ${label}`;
      same = keeps;
    }
    try {
      const out = await withTimeout(model.run(inputs, symbols), what);
      const msg = equalsRef(out, ref);
      if (!same) fail(`${c.model} case ${i} (${what}): accepted${msg ? ` with wrong numbers (${msg})` : ''}`);
      else if (msg) fail(`${c.model} case ${i} (${what}): ${msg}`);
      else accepted++;
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('webtx:')) fail(`${c.model} case ${i} (${what}): not a named Error: ${e?.stack ?? e}`);
      else if (same) fail(`${c.model} case ${i} (${what}): rejected a valid call: ${e.message}`);
      else rejected++;
    }
    for (const t of ctx.made.splice(0)) t.dispose();
    if (i % 10 === 9) await good(`after case ${i}`);
  }
  await good('after fuzzing');
  model.dispose();
  console.log(`${c.model}: ${perModel} cases done`);
}
console.log(`seed ${seed}: ${cases.length} models, ${accepted} accepted (equal to the reference), ${rejected} rejected by name, ${failures} failures`);
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
