// Extents in the manifest are integers, symbol names, or integer expressions over symbols in
// the IR printer's syntax, e.g. "(batch + 1)", "min(n, 3)". Integer semantics: / and %
// truncate toward zero, as in the IR.

const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y;

function tokenize(text) {
  const out = [];
  TOKEN.lastIndex = 0;
  let m;
  while (TOKEN.lastIndex < text.length && (m = TOKEN.exec(text))) {
    if (m[1]) out.push({ num: Number(m[1]) });
    else if (m[2]) out.push({ id: m[2] });
    else if (m[3]) out.push({ op: m[3] });
  }
  return out;
}

/** Parses an extent into a function env -> number; throws on anything else. */
export function compileExtent(extent) {
  if (typeof extent === 'number') return () => extent;
  const toks = tokenize(String(extent));
  let i = 0;
  const fail = () => {
    throw new Error(`webtx: cannot read extent '${extent}'`);
  };
  const peek = (op) => toks[i]?.op === op;
  const expect = (op) => (peek(op) ? i++ : fail());
  const trunc = (v) => (v < 0 ? Math.ceil(v) : Math.floor(v));
  function primary() {
    const t = toks[i++] ?? fail();
    if (t.num !== undefined) return () => t.num;
    if (t.op === '(') {
      const e = sum();
      expect(')');
      return e;
    }
    if (t.op === '-') {
      const e = primary();
      return (env) => -e(env);
    }
    if (t.id === 'min' || t.id === 'max') {
      expect('(');
      const a = sum();
      expect(',');
      const b = sum();
      expect(')');
      const f = Math[t.id];
      return (env) => f(a(env), b(env));
    }
    if (t.id) {
      return (env) => {
        if (env[t.id] === undefined) throw new Error(`webtx: symbol '${t.id}' is not bound`);
        return env[t.id];
      };
    }
    return fail();
  }
  function product() {
    let e = primary();
    while (peek('*') || peek('/') || peek('%')) {
      const op = toks[i++].op, a = e, b = primary();
      e = op === '*' ? (env) => a(env) * b(env)
        : op === '/' ? (env) => trunc(a(env) / b(env))
        : (env) => a(env) % b(env);
    }
    return e;
  }
  function sum() {
    let e = product();
    while (peek('+') || peek('-')) {
      const op = toks[i++].op, a = e, b = product();
      e = op === '+' ? (env) => a(env) + b(env) : (env) => a(env) - b(env);
    }
    return e;
  }
  const e = sum();
  if (i !== toks.length) fail();
  return e;
}

/** Symbol names an extent mentions. */
export function extentSymbols(extent) {
  if (typeof extent === 'number') return [];
  return tokenize(String(extent)).filter((t) => t.id && t.id !== 'min' && t.id !== 'max').map((t) => t.id);
}
