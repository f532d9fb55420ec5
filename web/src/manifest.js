// Resolving a model's symbolic shapes against the caller's inputs (docs/abi.md, "Calling a
// model"): the same rules as webtx::model::bind_shapes and the host stub.
import { evaluateExtent, extentSymbols, extentToString, parseModelSpec } from './model_spec.js';
import { Tensor } from './tensor.js';
import { describeValue } from './inputs.js';

/** The model description a module embeds, parsed and checked (model_spec.js). */
export const parseManifest = parseModelSpec;

/** The value of one input as {data, shape?, gpu?}: gpu is a GPU-resident Tensor (no data). */
export function splitInput(value) {
  if (ArrayBuffer.isView(value)) return { data: value, shape: undefined };
  if (value instanceof Tensor) {
    if (value.location === 'gpu') return { data: undefined, shape: value.dims, gpu: value };
    if (value.location === 'cpu') return { data: value.data, shape: value.dims };
    return { data: undefined, shape: undefined };
  }
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
    if (!m.symbolNames.includes(k)) {
      throw new Error(`webtx: model '${m.model}' has no symbol '${k}' (symbols: ${m.symbolNames.join(', ') || 'none'})`);
    }
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new Error(`webtx: symbol '${k}' must be a whole number in [0, 2^31 - 1], got ${typeof v === 'number' ? v : describeValue(v)}`);
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
    const { data, shape, gpu } = splitInput(inputs[t.name]);
    if (!data && !gpu) continue;
    if (!shape) {
      flat.push([t, data]);
      continue;
    }
    if (!strict) {
      shape.forEach((v, axis) => typeof t.shape[axis] === 'string' && bind(t, axis, t.shape[axis], v));
      continue;
    }
    if (shape.length !== t.shape.length) {
      throw new Error(`webtx: tensor '${t.name}' must have rank ${t.shape.length} (shape [${t.shape.map(extentToString).join(', ')}]), got shape [${shape}]`);
    }
    shape.forEach((v, axis) => {
      const d = t.shape[axis];
      if (typeof d === 'number') {
        if (v !== d) throw new Error(`webtx: tensor '${t.name}' axis ${axis} must be ${d}, got ${v}`);
      } else if (typeof d === 'string') {
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
      else if (extentSymbols(d).every((s) => env[s] !== undefined)) known *= evaluateExtent(d, env);
      else unknown.push([extentToString(d), axis]);
    });
    const distinct = [...new Set(unknown.map((u) => u[0]))];
    if (distinct.length > 1) {
      throw new Error(`webtx: cannot infer symbols ${distinct.join(', ')} of tensor '${t.name}' from a flat array: pass {data, shape} or symbols`);
    }
    if (distinct.length === 1) {
      // The same symbol on several axes cannot be inferred from a length.
      if (unknown.length > 1 || typeof t.shape[unknown[0][1]] !== 'string' || known === 0 || data.length % known !== 0) {
        throw new Error(`webtx: tensor '${t.name}' has ${data.length} elements, which does not fit shape [${t.shape.map(extentToString).join(', ')}]: pass {data, shape}`);
      }
      bind(t, unknown[0][1], distinct[0], data.length / known);
    }
  }
  for (const s of m.symbolNames) {
    if (env[s] === undefined) {
      throw new Error(`webtx: symbol '${s}' of model '${m.model}' is not bound: give an input that uses it or pass it in symbols`);
    }
  }
  for (const [t, axis, v] of strict ? later : []) {
    const want = evaluateExtent(t.shape[axis], env, `tensor '${t.name}' axis ${axis}`);
    if (v !== want) throw new Error(`webtx: tensor '${t.name}' axis ${axis} must be ${extentToString(t.shape[axis])} = ${want}, got ${v}`);
  }
  // Reads the generator could not prove inside their tensor (the host stub checks them too).
  for (const c of strict ? m.read_checks : []) {
    const l = evaluateExtent(c.lhs, env, c.what), r = evaluateExtent(c.rhs, env, c.what);
    if (l > r) throw new Error(`webtx: ${m.model}: ${c.what}: needs ${extentToString(c.lhs)} <= ${extentToString(c.rhs)}, got ${l} > ${r}`);
  }
  return env;
}

/**
 * Concrete shape of tensor `t` under `env`. An extent that leaves i32 (a product of large
 * symbols wraps in the kernels) or is negative is an Error naming the axis and the symbols.
 */
export function concreteShape(t, env) {
  return t.shape.map((e, axis) => {
    const where = `tensor '${t.name}' axis ${axis}`;
    const v = evaluateExtent(e, env, where);
    const exact = exactExtent(e, env);
    if (v < 0 || exact !== v) {
      const syms = extentSymbols(e).map((s) => `${s} = ${env[s]}`).join(', ');
      throw new Error(`webtx: ${where} is ${extentToString(e)} = ${exact}${syms ? ` with ${syms}` : ''}: ${exact < 0 ? 'negative' : 'beyond 2^31 - 1 (extents are i32)'}`);
    }
    return v;
  });
}

/** The value of extent `e` in exact arithmetic (no i32 wrapping), to detect overflow. */
function exactExtent(e, env) {
  if (typeof e === 'number') return e;
  if (typeof e === 'string') return env[e];
  const [a, b] = e.args.map((x) => exactExtent(x, env));
  switch (e.op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return Math.trunc(a / b);
    case '%': return a % b;
    case 'min': return Math.min(a, b);
    default: return Math.max(a, b);
  }
}
