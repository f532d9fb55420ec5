// Where the time of a long row goes (issue 11: 1 and 64 rows of 32768 stay below 70% of copy).
// Hand-written WGSL beside the vec4 copy, same process, GPU timestamps per pass:
//   wg_*       one workgroup per row moving the row through registers (no arithmetic): the
//              bound of any one-workgroup-per-row kernel;
//   sm_*       softmax, one workgroup per row, rows in registers (two reductions, or one
//              merged "online" reduction);
//   split_*    softmax with the row split over G workgroups and the reduction finished by the
//              next dispatch of the same pass (3 dispatches, or 2 with the online merge);
//   webtx_*    the generated kernels (WGSL of the rows_softmax models), when given.
// Usage: node one_sm.mjs <repo root> [tag=kernel.wgsl[:chunk]...]; prints a table and JSON lines.
import { readFileSync } from 'node:fs';
import { readF32, rowBuffers } from './probe_data.mjs';
const root = process.argv[2];
const { createGPU, requestDevice } = await import(`${root}/benchmarks/web/dawn.mjs`);
const { makeCopy, timedPasses } = await import(`${root}/benchmarks/web/copy_kernel.mjs`);
const gpu = await createGPU();
const { device, adapter, adapterName } = await requestDevice(gpu, { features: ['timestamp-query', 'subgroups'] });
const hasSg = device.features.has('subgroups');
const maxInv = adapter.limits.maxComputeInvocationsPerWorkgroup;
console.log(`adapter: ${adapterName}; subgroups ${hasSg}; max invocations ${maxInv}`);

const N = Number(process.env.ONE_SM_N ?? 32768);
const ROWS = (process.env.ONE_SM_ROWS ?? '1,64').split(',').map(Number);
const SG = hasSg ? 'enable subgroups;\n' : '';

// --- WGSL ---------------------------------------------------------------------------------
// One workgroup per row: T invocations, V vec4s each (T * V * 4 == N), element j of thread t
// at vec4 index t + j * T (coalesced).
// Every kernel's opening: X (read) and Y (read-write) of `elem`, the partials P where asked,
// the module-scope `extra`, and main's signature (subgroup builtins where the adapter has them).
const header = (T, { elem = 'vec4f', partials = false, extra = '' } = {}) => `${SG}
@group(0) @binding(0) var<storage, read> X: array<${elem}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${elem}>;
${partials ? '@group(0) @binding(2) var<storage, read_write> P: array<f32>;\n' : ''}${extra}
@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32${hasSg ? ', @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) sgs: u32' : ''}) {`;
const head = (T, extra = '') => header(T, { extra });
// `blocked`: thread t holds vec4s t V + j instead (its own V * 16 contiguous bytes).
const at = (T, V, j, blocked) => `base + ${blocked ? j : j * T}u`;
const loads = (T, V, blocked = false) => {
  let s = `  let base = wg.x * ${N / 4}u + t${blocked ? ` * ${V}u` : ''};\n  var v: array<vec4f, ${V}>;\n`;
  for (let j = 0; j < V; j++) s += `  v[${j}] = X[${at(T, V, j, blocked)}];\n`;
  return s;
};
const stores = (T, V, f = (x) => x, blocked = false) => {
  let s = '';
  for (let j = 0; j < V; j++) s += `  Y[${at(T, V, j, blocked)}] = ${f(`v[${j}]`)};\n`;
  return s;
};
const wgCopy = (T, V, blocked = false) => `${head(T)}\n${loads(T, V, blocked)}${stores(T, V, (x) => x, blocked)}}`;

// Workgroup reduction of a scalar `x` with operator op ('max' or '+'), result in every
// invocation. With subgroups: subgroup op, one slot per subgroup, one barrier, every invocation
// folds the slots. Without: a shared-memory tree.
const combine = (op, a, b) => (op === 'max' ? `max(${a}, ${b})` : `(${a} + ${b})`);
const identity = (op) => (op === 'max' ? '-3.4e38' : '0.0');
function reduce(T, op, x, slots, out) {
  if (hasSg) {
    const sgop = op === 'max' ? 'subgroupMax' : 'subgroupAdd';
    return `  { let part = ${sgop}(${x});
    if (lane == 0u) { ${slots}[t / sgs] = part; }
    workgroupBarrier();
    var a = ${identity(op)};
    for (var i = lane; i < ${T}u / sgs; i += sgs) { a = ${combine(op, 'a', `${slots}[i]`)}; }
    ${out} = ${sgop}(a); }\n`;
  }
  let s = `  ${slots}[t] = ${x};\n  workgroupBarrier();\n`;
  for (let w = T / 2; w >= 1; w /= 2)
    s += `  if (t < ${w}u) { ${slots}[t] = ${combine(op, `${slots}[t]`, `${slots}[t + ${w}u]`)}; }\n  workgroupBarrier();\n`;
  return s + `  ${out} = ${slots}[0];\n`;
}
const vmax = (v) => `max(max(${v}.x, ${v}.y), max(${v}.z, ${v}.w))`;
const vsum = (v) => `(${v}.x + ${v}.y + ${v}.z + ${v}.w)`;

// Softmax, one workgroup per row, row in registers, two reductions. `blocked`: see loads.
function smTwo(T, V, blocked = false) {
  const slots = `var<workgroup> smax: array<f32, ${T}>;\nvar<workgroup> ssum: array<f32, ${T}>;`;
  let s = `${head(T, slots)}\n${loads(T, V, blocked)}  var m = -3.4e38;\n`;
  for (let j = 0; j < V; j++) s += `  m = max(m, ${vmax(`v[${j}]`)});\n`;
  s += `  var rowMax: f32;\n${reduce(T, 'max', 'm', 'smax', 'rowMax')}  var e = 0.0;\n`;
  for (let j = 0; j < V; j++) s += `  v[${j}] = exp(v[${j}] - rowMax); e += ${vsum(`v[${j}]`)};\n`;
  s += `  var rowSum: f32;\n${reduce(T, '+', 'e', 'ssum', 'rowSum')}  let inv = 1.0 / rowSum;\n`;
  return `${s}${stores(T, V, (x) => `${x} * inv`, blocked)}}`;
}

// The workgroup's max and rescaled sum of every invocation's (m, e = sum of exp(x - m)), in one
// round (subgroups only): `let max = ...; let sum = ...;` in every invocation; slots sm, ss.
const onlineMerge = (T, max, sum) => `  let gm = subgroupMax(m);
  let ge = subgroupAdd(e * exp(m - gm));
  if (lane == 0u) { sm[t / sgs] = gm; ss[t / sgs] = ge; }
  workgroupBarrier();
  var a = -3.4e38;
  for (var i = lane; i < ${T}u / sgs; i += sgs) { a = max(a, sm[i]); }
  let ${max} = subgroupMax(a);
  var b = 0.0;
  for (var i = lane; i < ${T}u / sgs; i += sgs) { b += ss[i] * exp(sm[i] - ${max}); }
  let ${sum} = subgroupAdd(b);
`;

// Softmax with one merged reduction (max and rescaled sum travel together; subgroups only).
function smOnline(T, V) {
  const slots = `var<workgroup> sm: array<f32, ${T}>;\nvar<workgroup> ss: array<f32, ${T}>;`;
  let s = `${head(T, slots)}\n${loads(T, V)}  var m = -3.4e38;\n`;
  for (let j = 0; j < V; j++) s += `  m = max(m, ${vmax(`v[${j}]`)});\n`;
  s += '  var e = 0.0;\n';
  for (let j = 0; j < V; j++) s += `  e += ${vsum(`exp(v[${j}] - m)`)};\n`;
  s += `${onlineMerge(T, 'rowMax', 'rowSum')}  let inv = 1.0 / rowSum;\n`;
  return `${s}${stores(T, V, (x) => `exp(${x} - rowMax) * inv`)}}`;
}

// Split rows: G workgroups per row, each a chunk of C = N / G elements (T invocations, V vec4s).
// P holds per-chunk partials: P[(row * G + g) * 2 + k].
const splitHead = (T, extra) => `${header(T, { partials: true, extra })}
  let g = wg.x; let row = wg.y;
  let base = row * ${N / 4}u + g * CHUNK4 + t;`;
function splitLoads(T, V) {
  let s = `  var v: array<vec4f, ${V}>;\n`;
  for (let j = 0; j < V; j++) s += `  v[${j}] = X[base + ${j * T}u];\n`;
  return s;
}
// Partials of the whole row, folded by every invocation (G is small).
const foldPartials = (G, k, op, out) =>
  `  var ${out} = ${identity(op)};\n  for (var i = 0u; i < ${G}u; i++) { ${out} = ${combine(op, out, `P[(row * ${G}u + i) * 2u + ${k}u]`)}; }\n`;
function splitThree(T, V, G) {
  const pre = (slots) => splitHead(T, `const CHUNK4 = ${T * V}u;\n${slots}`);
  const slot = `var<workgroup> red: array<f32, ${T}>;`;
  let d1 = `${pre(slot)}\n${splitLoads(T, V)}  var m = -3.4e38;\n`;
  for (let j = 0; j < V; j++) d1 += `  m = max(m, ${vmax(`v[${j}]`)});\n`;
  d1 += `  var r: f32;\n${reduce(T, 'max', 'm', 'red', 'r')}  if (t == 0u) { P[(row * ${G}u + g) * 2u] = r; }\n}`;
  let d2 = `${pre(slot)}\n${splitLoads(T, V)}${foldPartials(G, 0, 'max', 'rowMax')}  var e = 0.0;\n`;
  for (let j = 0; j < V; j++) d2 += `  e += ${vsum(`exp(v[${j}] - rowMax)`)};\n`;
  d2 += `  var r: f32;\n${reduce(T, '+', 'e', 'red', 'r')}  if (t == 0u) { P[(row * ${G}u + g) * 2u + 1u] = r; }\n}`;
  let d3 = `${pre('')}\n${splitLoads(T, V)}${foldPartials(G, 0, 'max', 'rowMax')}${foldPartials(G, 1, '+', 'rowSum')}  let inv = 1.0 / rowSum;\n`;
  for (let j = 0; j < V; j++) d3 += `  Y[base + ${j * T}u] = exp(v[${j}] - rowMax) * inv;\n`;
  return [d1, d2, `${d3}}`];
}
function splitOnline(T, V, G) {
  const pre = (slots) => splitHead(T, `const CHUNK4 = ${T * V}u;\n${slots}`);
  const slots = `var<workgroup> sm: array<f32, ${T}>;\nvar<workgroup> ss: array<f32, ${T}>;`;
  let d1 = `${pre(slots)}\n${splitLoads(T, V)}  var m = -3.4e38;\n`;
  for (let j = 0; j < V; j++) d1 += `  m = max(m, ${vmax(`v[${j}]`)});\n`;
  d1 += '  var e = 0.0;\n';
  for (let j = 0; j < V; j++) d1 += `  e += ${vsum(`exp(v[${j}] - m)`)};\n`;
  d1 += `${onlineMerge(T, 'cm', 'cs')}  if (t == 0u) { P[(row * ${G}u + g) * 2u] = cm; P[(row * ${G}u + g) * 2u + 1u] = cs; }\n}`;
  let d2 = `${pre('')}\n${splitLoads(T, V)}${foldPartials(G, 0, 'max', 'rowMax')}  var rowSum = 0.0;
  for (var i = 0u; i < ${G}u; i++) { rowSum += P[(row * ${G}u + i) * 2u + 1u] * exp(P[(row * ${G}u + i) * 2u] - rowMax); }
  let inv = 1.0 / rowSum;\n`;
  for (let j = 0; j < V; j++) d2 += `  Y[base + ${j * T}u] = exp(v[${j}] - rowMax) * inv;\n`;
  return [d1, `${d2}}`];
}

// Redundant rows: G workgroups per row (grid [G, M]), each reads the whole row into registers
// and reduces it (no communication between workgroups), then writes only its G-th of the row
// (vec4s j in [g V/G, (g+1) V/G) of every invocation, re-read from X). `blocked`: the layout
// of loads; the invocations holding the workgroup's part write it from registers.
function smRedundant(T, V, G, blocked = false) {
  const slots = `var<workgroup> smax: array<f32, ${T}>;\nvar<workgroup> ssum: array<f32, ${T}>;`;
  let s = `${head(T, slots)}\n  let g = wg.x; let row = wg.y;\n`;
  s += `  let base = row * ${N / 4}u + t${blocked ? ` * ${V}u` : ''};\n  var v: array<vec4f, ${V}>;\n`;
  for (let j = 0; j < V; j++) s += `  v[${j}] = X[${at(T, V, j, blocked)}];\n`;
  s += '  var m = -3.4e38;\n';
  for (let j = 0; j < V; j++) s += `  m = max(m, ${vmax(`v[${j}]`)});\n`;
  s += `  var rowMax: f32;\n${reduce(T, 'max', 'm', 'smax', 'rowMax')}  var e = 0.0;\n`;
  for (let j = 0; j < V; j++) s += `  e += ${vsum(`exp(v[${j}] - rowMax)`)};\n`;
  s += `  var rowSum: f32;\n${reduce(T, '+', 'e', 'ssum', 'rowSum')}  let inv = 1.0 / rowSum;\n`;
  if (blocked) {
    s += `  if (t / ${T / G}u == g) {\n`;
    for (let j = 0; j < V; j++) s += `    Y[${at(T, V, j, true)}] = exp(v[${j}] - rowMax) * inv;\n`;
    return `${s}  }\n}`;
  }
  const per = V / G;
  s += `  for (var k = 0u; k < ${per}u; k++) {\n    let j = g * ${per}u + k;\n`;
  s += `    Y[base + j * ${T}u] = exp(X[base + j * ${T}u] - rowMax) * inv;\n  }\n`;
  return `${s}}`;
}
// The same with scalar accesses (thread t holds elements t + T k, as webtx's cache does);
// `div`: the written element is select(s ok, exp(x - max) / s, NaN), as webtx's softmax.
function smRedundantScalar(T, K, G, div) {
  const slots = `var<workgroup> smax: array<f32, ${T}>;\nvar<workgroup> ssum: array<f32, ${T}>;`;
  let s = `${header(T, { elem: 'f32', extra: `${slots}\nvar<private> zero: u32;` })}
  let g = wg.x; let row = wg.y;
  let base = row * ${N}u + t;\n  var v: array<f32, ${K}>;\n`;
  for (let j = 0; j < K; j++) s += `  v[${j}] = X[base + ${j * T}u];\n`;
  s += '  var m = -3.4e38;\n';
  for (let j = 0; j < K; j++) s += `  m = max(m, v[${j}]);\n`;
  s += `  var rowMax: f32;\n${reduce(T, 'max', 'm', 'smax', 'rowMax')}  var e = 0.0;\n`;
  for (let j = 0; j < K; j++) s += `  e += exp(v[${j}] - rowMax);\n`;
  s += `  var rowSum: f32;\n${reduce(T, '+', 'e', 'ssum', 'rowSum')}  let inv = 1.0 / rowSum;\n`;
  const per = K / G;
  for (let k = 0; k < per; k++) {
    const at = `base + g * ${per * T}u + ${k * T}u`;
    s += div ? `  Y[${at}] = select(bitcast<f32>(zero | 0x7fc00000u), exp(X[${at}] - rowMax) / rowSum, rowSum > 0.5 && rowSum <= 3.4e38);\n`
      : `  Y[${at}] = exp(X[${at}] - rowMax) * inv;\n`;
  }
  return `${s}}`;
}

// One workgroup per row reading it into registers and writing one value: the read alone.
function wgRead(T, V) {
  const slots = `var<workgroup> ssum: array<f32, ${T}>;`;
  let s = `${head(T, slots)}\n${loads(T, V)}  var e = 0.0;\n`;
  for (let j = 0; j < V; j++) s += `  e += ${vsum(`v[${j}]`)};\n`;
  s += `  var r: f32;\n${reduce(T, '+', 'e', 'ssum', 'r')}  if (t == 0u) { Y[wg.x * ${N / 4}u] = vec4f(r); }\n`;
  return `${s}}`;
}

// max(0i, min(E, B)) -> E in WGSL text (E with balanced parentheses).
function unclamp(code) {
  const key = 'max(0i, min(';
  let out = '', i = 0;
  for (let at = code.indexOf(key); at >= 0; at = code.indexOf(key, i)) {
    out += code.slice(i, at);
    let j = at + key.length, depth = 0;
    for (; j < code.length; j++) {
      if (code[j] === '(') depth++;
      else if (code[j] === ')') depth--;
      else if (code[j] === ',' && depth === 0) break;
    }
    const e = code.slice(at + key.length, j);
    // skip ", B))": the rest of min's arguments and both closing parentheses
    let k = j + 1; depth = 0;
    for (; k < code.length; k++) {
      if (code[k] === '(') depth++;
      else if (code[k] === ')') { if (depth === 0) break; depth--; }
    }
    out += e;
    i = k + 2;
  }
  return out + code.slice(i);
}

// --- harness --------------------------------------------------------------------------------
const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
// Explicit layouts: X read-only, Y and the partials read-write, the webtx uniforms (a kernel
// that leaves a binding unused still gets it, so one bind group list serves every dispatch).
function pipelineOf(code, label, third) {
  const module = device.createShaderModule({ code, label });
  const buffer = (type) => ({ visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  const entries = [{ binding: 0, ...buffer('read-only-storage') }, { binding: 1, ...buffer('storage') }];
  if (third) entries.push({ binding: 2, ...buffer(third) });
  const layout = device.createPipelineLayout({ bindGroupLayouts: [device.createBindGroupLayout({ entries })] });
  return device.createComputePipeline({ layout, compute: { module, entryPoint: 'main' }, label });
}
function softmaxRef(x, M) {
  const y = new Float32Array(M * N);
  for (let r = 0; r < M; r++) {
    let m = -Infinity, s = 0;
    for (let j = 0; j < N; j++) m = Math.max(m, x[r * N + j]);
    for (let j = 0; j < N; j++) s += Math.exp(x[r * N + j] - m);
    for (let j = 0; j < N; j++) y[r * N + j] = Math.exp(x[r * N + j] - m) / s;
  }
  return y;
}

// A variant: { name, kind: 'copy'|'softmax', passes: [{ pipeline, grid, extra }] } run in one
// compute pass. `uniform` adds the webtx uniform buffer as binding 2.
function variant(name, kind, dispatches, { partials = 0, uniform = false } = {}) {
  return { name, kind, dispatches, partials, uniform };
}
const variants = [];
// The floor: 1 and 3 dependent dispatches of one workgroup that does nothing but touch Y.
const empty = `@group(0) @binding(0) var<storage, read> X: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> Y: array<vec4f>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32) { if (t == 999u) { Y[0] = X[0]; } }`;
for (const k of [1, 2, 3]) variants.push(variant(`empty_x${k}`, 'none', Array.from({ length: k }, () => ({ code: empty, grid: () => [1, 1] }))));
const T = Math.min(1024, maxInv);
if (N % (4 * T) === 0) {
  variants.push(variant(`wg_copy_${T}x${N / 4 / T}v4`, 'copy', [{ code: wgCopy(T, N / 4 / T), grid: (M) => [M, 1] }]));
  variants.push(variant(`sm_two_${T}x${N / 4 / T}v4`, 'softmax', [{ code: smTwo(T, N / 4 / T), grid: (M) => [M, 1] }]));
  variants.push(variant(`wg_copy_blocked_${T}x${N / 4 / T}v4`, 'copy', [{ code: wgCopy(T, N / 4 / T, true), grid: (M) => [M, 1] }]));
  for (const G of [2, 4])
    variants.push(variant(`redundant_blocked_${T}_G${G}`, 'softmax', [{ code: smRedundant(T, N / 4 / T, G, true), grid: (M) => [G, M] }]));
  variants.push(variant(`sm_two_blocked_${T}x${N / 4 / T}v4`, 'softmax', [{ code: smTwo(T, N / 4 / T, true), grid: (M) => [M, 1] }]));
  if (hasSg) variants.push(variant(`sm_online_${T}x${N / 4 / T}v4`, 'softmax', [{ code: smOnline(T, N / 4 / T), grid: (M) => [M, 1] }]));
}
for (const Tr of [...new Set([T, 512])]) {
  if (Tr > maxInv || N % (4 * Tr) !== 0) continue;
  const V = N / 4 / Tr;
  if (Tr === T) variants.push(variant(`wg_read_${Tr}x${V}v4`, 'none', [{ code: wgRead(Tr, V), grid: (M) => [M, 1] }]));
  for (const G of [2, 4, 8, 16])
    if (V % G === 0) variants.push(variant(`redundant_${Tr}_G${G}`, 'softmax', [{ code: smRedundant(Tr, V, G), grid: (M) => [G, M] }]));
  if (Tr === T)
    for (const G of [2, 8])
      for (const div of [false, true])
        variants.push(variant(`redundant_scalar${div ? '_div' : ''}_${Tr}_G${G}`, 'softmax', [{ code: smRedundantScalar(Tr, 4 * V, G, div), grid: (M) => [G, M] }]));
}
for (const Tw of [256, 512]) {
  if (Tw === T || Tw > maxInv || N % (4 * Tw) !== 0) continue;
  variants.push(variant(`wg_copy_${Tw}x${N / 4 / Tw}v4`, 'copy', [{ code: wgCopy(Tw, N / 4 / Tw), grid: (M) => [M, 1] }]));
  variants.push(variant(`sm_two_${Tw}x${N / 4 / Tw}v4`, 'softmax', [{ code: smTwo(Tw, N / 4 / Tw), grid: (M) => [M, 1] }]));
}
for (const Tg of [256, 1024]) {
  for (const G of [2, 4, 8, 16]) {
    const Vg = N / 4 / Tg / G;
    if (Tg > maxInv || !Number.isInteger(Vg) || Vg < 1 || Vg > 16) continue;
    const three = splitThree(Tg, Vg, G);
    variants.push(variant(`split3_${Tg}_G${G}`, 'softmax', three.map((code) => ({ code, grid: (M) => [G, M] })), { partials: 2 * G }));
    if (hasSg) {
      const two = splitOnline(Tg, Vg, G);
      variants.push(variant(`split2_online_${Tg}_G${G}`, 'softmax', two.map((code) => ({ code, grid: (M) => [G, M] })), { partials: 2 * G }));
    }
  }
}
// Generated kernels: argv[3...] as tag=path[:chunk] (grid [M, ceil(N / chunk)]; no chunk: [M, 1]).
for (const arg of process.argv.slice(3)) {
  const [tag, rest] = arg.split('=');
  const [path, chunk] = rest.split(':');
  const code = readFileSync(path, 'utf8');
  if (code.includes('enable subgroups') && !hasSg) continue;
  const gy = chunk ? Math.ceil(N / Number(chunk)) : 1;
  variants.push(variant(tag, 'softmax', [{ code, grid: (M) => [M, gy] }], { uniform: true }));
  if (process.env.ONE_SM_ABLATE) {
    // Ablations of the generated kernel: workgroup x and y swapped (chunks on x, as the
    // hand-written kernels), and the clamps of its global reads removed (indices in range in
    // the interior anyway).
    const swapped = code.replaceAll('webtx_workgroup_id.x', 'WGX').replaceAll('webtx_workgroup_id.y', 'webtx_workgroup_id.x').replaceAll('WGX', 'webtx_workgroup_id.y');
    variants.push(variant(`${tag}_swap`, 'softmax', [{ code: swapped, grid: (M) => [gy, M] }], { uniform: true }));
    variants.push(variant(`${tag}_noclamp`, 'softmax', [{ code: unclamp(code), grid: (M) => [M, gy] }], { uniform: true }));
    // The edge's guarded cache fill (rows shorter than the cache) as unguarded loads of a
    // clamped index (the guarded reductions never read the elements past the row).
    const clampfill = code.replace(/if \(\(\(X_private_min1 \+ \((\d+)i \* 1024i\)\) < N_1\)\) \{\n\s*(X_private_1\[\d+i\]) = X\[(.*)\];\n\s*\}/g,
      (_, k, dst, idx) => `${dst} = X[min(${idx}, i32(arrayLength(&X)) - 1i)];`);
    if (clampfill !== code) variants.push(variant(`${tag}_clampfill`, 'softmax', [{ code: clampfill, grid: (M) => [M, gy] }], { uniform: true }));
  }
}
for (const v of variants)
  v.pipelines = v.dispatches.map((d, i) => pipelineOf(d.code, `${v.name}#${i}`, v.partials ? 'storage' : v.uniform ? 'uniform' : null));

const copyOf = makeCopy(device);
const results = [];
const ROUNDS = 5;
for (let round = 0; round < ROUNDS; round++) {
  for (const M of ROWS) {
    const bytes = 4 * M * N;
    const { x, X, Y } = rowBuffers(device, M, N);
    const ref = round === 0 ? softmaxRef(x, M) : null;
    const copy = copyOf(bytes);
    const copyMs = (await timedPasses(device, 40, 30, copy.encode))[15];
    copy.destroy();
    results.push({ round, M, N, name: 'copy', ms: copyMs, pct: 100 });
    for (const v of variants) {
      const P = device.createBuffer({ size: Math.max(16, 4 * M * v.partials), usage });
      const U = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(U, 0, new Int32Array([M, N, 0, 0]));
      const binds = v.pipelines.map((p) => device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: [
        { binding: 0, resource: { buffer: X } }, { binding: 1, resource: { buffer: Y } },
        ...(v.partials ? [{ binding: 2, resource: { buffer: P } }] : []),
        ...(v.uniform ? [{ binding: 2, resource: { buffer: U } }] : [])] }));
      const encode = (enc, timestampWrites) => {
        const pass = enc.beginComputePass(timestampWrites ? { timestampWrites } : {});
        v.pipelines.forEach((p, i) => { pass.setPipeline(p), pass.setBindGroup(0, binds[i]); pass.dispatchWorkgroups(...v.dispatches[i].grid(M)); });
        pass.end();
      };
      const per = await timedPasses(device, 40, 30, encode);
      const ms = per[15];
      let err = null;
      if (round === 0 && v.kind !== 'none') {
        const y = await readF32(device, Y, bytes);
        const want = v.kind === 'copy' ? x : ref;
        err = 0;
        for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i] - want[i]) / (v.kind === 'copy' ? 1 : Math.max(1e-30, Math.abs(want[i]))));
      }
      results.push({ round, M, N, name: v.name, ms, pct: (100 * copyMs) / ms, ...(err !== null ? { maxRelErr: err } : {}) });
      P.destroy(), U.destroy();
    }
    X.destroy(), Y.destroy();
  }
}
// Table: per (M, name) the median over rounds of % of copy, the ms range and the check.
const keyOf = (r) => `${r.M}|${r.name}`;
const groups = new Map();
for (const r of results) { if (!groups.has(keyOf(r))) groups.set(keyOf(r), []); groups.get(keyOf(r)).push(r); }
console.log(`| M×N | kernel | % of copy (median of ${ROUNDS}) | µs (min–max) | max rel err |\n| --- | --- | --- | --- | --- |`);
for (const [, rs] of groups) {
  const pcts = rs.map((r) => r.pct).sort((a, b) => a - b), us = rs.map((r) => r.ms * 1000);
  const err = rs.find((r) => r.maxRelErr !== undefined)?.maxRelErr;
  console.log(`| ${rs[0].M}×${N} | ${rs[0].name} | ${pcts[pcts.length >> 1].toFixed(0)}% | ${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)} | ${err === undefined ? '' : err.toExponential(1)} |`);
}
for (const r of results) console.log(`JSON ${JSON.stringify(r)}`);
process.exit(0);
