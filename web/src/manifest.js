// Reading and checking the manifest a model embeds (docs/abi.md), and resolving its symbolic
// shapes against the caller's inputs.
import { DTYPES } from './dtype.js';
import { compileExtent, extentSymbols } from './extent.js';

/** Parses and sanity-checks manifest JSON; throws naming the first problem. */
export function parseManifest(text) {
  let m;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new Error(`webtx: the model's manifest is not valid JSON: ${e.message}`);
  }
  const bad = (what) => {
    throw new Error(`webtx: invalid manifest of model '${m.model ?? '?'}': ${what}`);
  };
  if (m.webtx_manifest !== 1) bad(`unsupported webtx_manifest version ${m.webtx_manifest}`);
  for (const key of ['model', 'function']) if (typeof m[key] !== 'string') bad(`missing '${key}'`);
  m.symbols ??= [];
  m.target ??= 'webgpu';
  m.features ??= [];
  m.limits ??= {};
  if (typeof m.target !== 'string') bad("'target' must be a string");
  if (!Array.isArray(m.features) || m.features.some((f) => typeof f !== 'string')) bad("'features' must be an array of strings");
  for (const [k, v] of Object.entries(m.limits)) if (!Number.isInteger(v) || v < 0) bad(`limit '${k}' must be a non-negative integer`);
  if (!Array.isArray(m.tensors) || !Array.isArray(m.args) || !Array.isArray(m.kernels)) {
    bad("'tensors', 'args' and 'kernels' must be arrays");
  }
  const byName = new Map();
  for (const t of m.tensors) {
    if (!DTYPES.includes(t.dtype)) bad(`tensor '${t.name}' has unknown dtype '${t.dtype}'`);
    for (const d of t.shape) {
      if (typeof d === 'number' ? !(Number.isInteger(d) && d >= 0) : typeof d !== 'string') {
        bad(`tensor '${t.name}' has bad extent ${JSON.stringify(d)}`);
      }
      try {
        compileExtent(d);
      } catch (e) {
        bad(`tensor '${t.name}' has bad extent ${JSON.stringify(d)}`);
      }
      for (const s of extentSymbols(d)) if (!m.symbols.includes(s)) bad(`tensor '${t.name}' uses unknown symbol '${s}'`);
    }
    t.extents = t.shape.map(compileExtent);
    byName.set(t.name, t);
  }
  for (const a of m.args) if (!byName.has(a)) bad(`argument '${a}' is not a tensor`);
  m.kernels.forEach((k, i) => {
    if (typeof k.wgsl !== 'string') bad(`kernel ${i} ('${k.name}') has no WGSL`);
    k.entry ??= 'main';
    k.uniforms ??= [];
    if (k.uniforms.length && !Number.isInteger(k.uniform_binding)) {
      bad(`kernel '${k.name}' has uniforms but no uniform_binding`);
    }
  });
  m.tensorByName = byName;
  return m;
}

/** The value of one input as {data, shape?}. */
export function splitInput(value) {
  if (ArrayBuffer.isView(value)) return { data: value, shape: undefined };
  if (value && typeof value === 'object' && ArrayBuffer.isView(value.data)) {
    return { data: value.data, shape: value.shape };
  }
  return { data: undefined, shape: undefined };
}

/**
 * Binds every symbol from explicit `symbols` and the inputs' shapes; checks constant extents
 * and agreement. Errors name the tensor and axis.
 * @returns {Record<string, number>}
 */
export function resolveSymbols(m, inputs, symbols = {}, strict = true) {
  const env = {};
  const origin = {};
  for (const [k, v] of Object.entries(symbols)) {
    if (!m.symbols.includes(k)) {
      throw new Error(`webtx: model '${m.model}' has no symbol '${k}' (symbols: ${m.symbols.join(', ') || 'none'})`);
    }
    if (!Number.isInteger(v) || v < 0) throw new Error(`webtx: symbol '${k}' must be a non-negative integer, got ${v}`);
    env[k] = v;
    origin[k] = 'the symbols argument';
  }
  const bind = (t, axis, sym, value) => {
    if (env[sym] === undefined) {
      env[sym] = value;
      origin[sym] = `tensor '${t.name}' axis ${axis}`;
    } else if (strict && env[sym] !== value) {
      throw new Error(`webtx: tensor '${t.name}' axis ${axis} has extent ${value}, but symbol '${sym}' is ${env[sym]} (from ${origin[sym]})`);
    }
  };
  // Explicit shapes first, then lengths of flat typed arrays with one unknown symbol.
  const flat = [];
  const later = [];  // axes whose extent is an expression: checked once symbols are bound
  for (const t of m.tensors.filter((x) => x.role === 'input')) {
    const { data, shape } = splitInput(inputs[t.name]);
    if (!data) continue;
    if (!shape) {
      flat.push([t, data]);
      continue;
    }
    if (!strict) {
      shape.forEach((v, axis) => m.symbols.includes(t.shape[axis]) && bind(t, axis, t.shape[axis], v));
      continue;
    }
    if (shape.length !== t.shape.length) {
      throw new Error(`webtx: tensor '${t.name}' must have rank ${t.shape.length} (shape [${t.shape}]), got shape [${shape}]`);
    }
    shape.forEach((v, axis) => {
      const d = t.shape[axis];
      if (typeof d === 'number') {
        if (v !== d) throw new Error(`webtx: tensor '${t.name}' axis ${axis} must be ${d}, got ${v}`);
      } else if (m.symbols.includes(d)) {
        bind(t, axis, d, v);
      } else {
        later.push([t, axis, v]);
      }
    });
  }
  for (const [t, data] of flat) {
    let known = 1;
    const unknown = [];
    t.shape.forEach((d, axis) => {
      if (typeof d === 'number') known *= d;
      else if (extentSymbols(d).every((s) => env[s] !== undefined)) known *= t.extents[axis](env);
      else if (m.symbols.includes(d)) unknown.push([d, axis]);
      else unknown.push(['(' + d + ')', axis]);
    });
    const distinct = [...new Set(unknown.map((u) => u[0]))];
    if (distinct.length > 1) {
      throw new Error(`webtx: cannot infer symbols ${distinct.join(', ')} of tensor '${t.name}' from a flat array: pass {data, shape} or symbols`);
    }
    if (distinct.length === 1) {
      // The same symbol on several axes cannot be inferred from a length.
      if (unknown.length > 1 || known === 0 || data.length % known !== 0) {
        throw new Error(`webtx: tensor '${t.name}' has ${data.length} elements, which does not fit shape [${t.shape}]: pass {data, shape}`);
      }
      bind(t, unknown[0][1], distinct[0], data.length / known);
    }
  }
  for (const s of m.symbols) {
    if (env[s] === undefined) {
      throw new Error(`webtx: symbol '${s}' of model '${m.model}' is not bound: give an input that uses it or pass it in symbols`);
    }
  }
  for (const [t, axis, v] of strict ? later : []) {
    const want = t.extents[axis](env);
    if (v !== want) throw new Error(`webtx: tensor '${t.name}' axis ${axis} must be ${t.shape[axis]} = ${want}, got ${v}`);
  }
  return env;
}

/** Concrete shape of tensor `t` under `env`. */
export function concreteShape(t, env) {
  return t.extents.map((f) => f(env));
}
