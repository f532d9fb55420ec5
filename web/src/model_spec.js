// The model description a module embeds (docs/abi.md, "The model description"): the one JS
// reader of the JSON that codegen/driver writes from webtx::model::ModelSpec, and the one JS
// evaluator of its structured extents. tests/model checks this evaluator against the C++ one.
import { DTYPES } from './dtype.js';

export const MODEL_SPEC_VERSION = 2;

// Extents: an integer, a symbol name, or { op, args: [a, b] }. i32 semantics as in the IR:
// every operation wraps to 32 bits, / and % truncate toward zero, x / 0 is an error.
const OPS = {
  '+': (a, b) => (a + b) | 0,
  '-': (a, b) => (a - b) | 0,
  '*': (a, b) => Math.imul(a, b),
  // For |a|, |b| < 2^31 the double quotient truncates to the exact integer quotient.
  '/': (a, b) => Math.trunc(a / b) | 0,
  '%': (a, b) => (a % b) | 0,
  min: (a, b) => Math.min(a, b),
  max: (a, b) => Math.max(a, b),
};

/** True for an integer, a symbol name or a well-formed { op, args } expression. */
export function isExtent(e) {
  if (typeof e === 'number') return Number.isInteger(e);
  if (typeof e === 'string') return e.length > 0;
  return !!e && typeof e === 'object' && Object.hasOwn(OPS, e.op) && Array.isArray(e.args) &&
      e.args.length === 2 && e.args.every(isExtent);
}

/** The i32 value of extent `e` under `env` (symbol -> number); `where` names it in errors. */
export function evaluateExtent(e, env, where = '') {
  const at = where ? ` in ${where}` : '';
  if (typeof e === 'number') return e | 0;
  if (typeof e === 'string') {
    if (env[e] === undefined) throw new Error(`webtx: symbol '${e}'${at} is not bound`);
    return env[e] | 0;
  }
  const a = evaluateExtent(e.args[0], env, where), b = evaluateExtent(e.args[1], env, where);
  if ((e.op === '/' || e.op === '%') && b === 0) {
    throw new Error(`webtx: division by zero in ${extentToString(e)}${at}`);
  }
  return OPS[e.op](a, b);
}

/** As the IR printer (and C++ to_string) writes it: "(n + 1)", "min(n, 3)". */
export function extentToString(e) {
  if (typeof e !== 'object') return String(e);
  const [a, b] = e.args.map(extentToString);
  return e.op === 'min' || e.op === 'max' ? `${e.op}(${a}, ${b})` : `(${a} ${e.op} ${b})`;
}

/** Symbol names an extent mentions, each once. */
export function extentSymbols(e, out = []) {
  if (typeof e === 'string' && !out.includes(e)) out.push(e);
  if (e && typeof e === 'object') e.args.forEach((a) => extentSymbols(a, out));
  return out;
}

/**
 * Parses and checks the model description; throws an Error naming the first problem. Adds
 * `symbolNames` (string[]) and `tensorByName` (Map) to the returned object.
 */
export function parseModelSpec(text) {
  let m;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new Error(`webtx: the model description is not valid JSON: ${e.message}`);
  }
  const bad = (what) => {
    throw new Error(`webtx: invalid model description of model '${m?.model ?? '?'}': ${what}`);
  };
  if (!m || typeof m !== 'object') bad('not a JSON object');
  if (m.webtx_manifest !== MODEL_SPEC_VERSION) {
    const by = typeof m.generator === 'string' && m.generator ? ` (written by ${m.generator})` : '';
    bad(`unsupported version ${m.webtx_manifest}${by}; this runtime reads ${MODEL_SPEC_VERSION}`);
  }
  for (const key of ['model', 'function']) if (typeof m[key] !== 'string') bad(`missing '${key}'`);
  m.target ??= 'webgpu';
  m.features ??= [];
  m.toggles ??= [];
  m.limits ??= {};
  if (typeof m.target !== 'string') bad("'target' must be a string");
  if (!Array.isArray(m.features) || m.features.some((f) => typeof f !== 'string')) bad("'features' must be an array of strings");
  if (!Array.isArray(m.toggles) || m.toggles.some((f) => typeof f !== 'string' || !/^[a-z0-9_]+$/.test(f))) bad("'toggles' must be an array of Dawn toggle names");
  for (const [k, v] of Object.entries(m.limits)) if (!Number.isInteger(v) || v < 0) bad(`limit '${k}' must be a non-negative integer`);
  for (const key of ['symbols', 'tensors', 'args', 'kernels']) {
    if (!Array.isArray(m[key])) bad(`'${key}' must be an array`);
  }
  // Every entry is checked for its type before use, so a corrupted description names the
  // field instead of failing inside this parser (a TypeError).
  const isObject = (x) => !!x && typeof x === 'object' && !Array.isArray(x);
  const isName = (x) => typeof x === 'string' && x.length > 0;
  m.symbols.forEach((s, i) => (isObject(s) && isName(s.name)) || bad(`symbol ${i} must be an object with a 'name'`));
  m.symbolNames = m.symbols.map((s) => s.name);
  const byName = new Map();
  m.tensors.forEach((t, i) => (isObject(t) && isName(t.name)) || bad(`tensor ${i} must be an object with a 'name'`));
  for (const t of m.tensors) {
    if (byName.has(t.name)) bad(`two tensors are named '${t.name}'`);
    if (!DTYPES.includes(t.dtype)) bad(`tensor '${t.name}' has unknown dtype '${t.dtype}'`);
    if (!['input', 'output', 'intermediate', 'weight'].includes(t.role)) bad(`tensor '${t.name}' has unknown role '${t.role}'`);
    if (!Array.isArray(t.shape)) bad(`tensor '${t.name}' has no shape`);
    t.shape.forEach((d, axis) => {
      if (!isExtent(d)) bad(`tensor '${t.name}' axis ${axis} has bad extent ${JSON.stringify(d)}`);
      for (const s of extentSymbols(d)) if (!m.symbolNames.includes(s)) bad(`tensor '${t.name}' axis ${axis} uses unknown symbol '${s}'`);
    });
    byName.set(t.name, t);
  }
  for (const s of m.symbols) {
    if (s.from === undefined || s.from === 'caller') continue;
    if (!isObject(s.from)) bad(`symbol '${s.name}' has a bad 'from' ${JSON.stringify(s.from)}`);
    const t = byName.get(s.from.tensor);
    if (!t || t.shape[s.from.axis] !== s.name) bad(`symbol '${s.name}' comes from tensor '${s.from.tensor}' axis ${s.from.axis}, which is not that symbol`);
  }
  for (const a of m.args) if (typeof a !== 'string' || !byName.has(a)) bad(`argument ${typeof a === 'string' ? `'${a}'` : JSON.stringify(a)} is not a tensor`);
  m.kernels.forEach((k, i) => {
    if (!isObject(k) || !isName(k.name)) bad(`kernel ${i} must be an object with a 'name'`);
    const kn = `kernel ${i} ('${k.name}')`;
    if (typeof k.wgsl !== 'string') bad(`${kn} has no WGSL`);
    k.entry ??= 'main';
    k.uniforms ??= [];
    k.features ??= [];
    if (typeof k.entry !== 'string') bad(`${kn}: 'entry' must be a string`);
    for (const key of ['uniforms', 'features', 'bindings']) {
      if (!Array.isArray(k[key])) bad(`${kn}: '${key}' must be an array`);
    }
    if (k.features.some((f) => typeof f !== 'string')) bad(`${kn}: 'features' must be an array of strings`);
    if (!Array.isArray(k.grid) || k.grid.length !== 3 || !k.grid.every(isExtent)) bad(`${kn} has a bad grid`);
    for (const s of k.grid.flatMap((e) => extentSymbols(e))) if (!m.symbolNames.includes(s)) bad(`${kn} grid uses unknown symbol '${s}'`);
    k.bindings.forEach((b, j) => {
      if (!isObject(b) || !Number.isInteger(b.binding) || b.binding < 0) bad(`${kn} binding ${j} must be an object with a whole 'binding' >= 0`);
      if (b.access !== 'read' && b.access !== 'read_write') bad(`${kn} binding ${b.binding} has unknown access ${JSON.stringify(b.access)}`);
    });
    for (const b of k.bindings) if (!byName.has(b.tensor)) bad(`${kn} binds unknown tensor '${b.tensor}'`);
    for (const u of k.uniforms) if (!m.symbolNames.includes(u)) bad(`${kn} has unknown uniform '${u}'`);
    if (k.uniforms.length && !Number.isInteger(k.uniform_binding)) bad(`${kn} has uniforms but no uniform_binding`);
  });
  if (m.memory !== undefined) {
    const mem = m.memory;
    if (!mem || !Array.isArray(mem.buffers) || !Array.isArray(mem.tensors) || !isExtent(mem.peak_bytes)) bad("'memory' must have 'buffers', 'tensors' and 'peak_bytes'");
    mem.buffers.forEach((e, i) => isExtent(e) || bad(`memory buffer ${i} has bad extent ${JSON.stringify(e)}`));
    mem.bufferOf = new Map();
    mem.tensors.forEach((e, i) => isObject(e) || bad(`memory plan entry ${i} must be an object`));
    for (const { tensor, buffer } of mem.tensors) {
      if (byName.get(tensor)?.role !== 'intermediate') bad(`the memory plan places '${tensor}', which is not an intermediate`);
      if (!Number.isInteger(buffer) || buffer < 0 || buffer >= mem.buffers.length) bad(`the memory plan places '${tensor}' in buffer ${buffer} of ${mem.buffers.length}`);
      mem.bufferOf.set(tensor, buffer);
    }
  }
  m.params ??= {};
  if (typeof m.params !== 'object' || Array.isArray(m.params) || Object.values(m.params).some((v) => typeof v !== 'string')) bad("'params' must be an object of strings");
  m.read_checks ??= [];
  if (!Array.isArray(m.read_checks)) bad("'read_checks' must be an array");
  m.read_checks.forEach((c, i) => {
    if (!isObject(c) || typeof c.what !== 'string' || !isExtent(c.lhs) || !isExtent(c.rhs)) bad(`read check ${i} must have 'what', 'lhs' and 'rhs'`);
    for (const s of [...extentSymbols(c.lhs), ...extentSymbols(c.rhs)]) if (!m.symbolNames.includes(s)) bad(`read check ${i} uses unknown symbol '${s}'`);
  });
  m.tensorByName = byName;
  return m;
}
