// Row-rule candidates side by side (issue 11 probe): for softmax, layernorm and the row sum,
// every model rows_<op>__<candidate>.wasm found in --models (plus the current rule, rows_<op>
// and rows_<op>_sg) at every M x N, against a plain vec4 copy kernel of the same bytes timed in
// the same run; and the unscheduled elementwise op at --big-mib. Inputs are made once per shape
// and shared by every candidate. Stops starting new measurements after --budget-s seconds and
// writes what it has. Writes probe.md (one table per op: % of copy per candidate), probe.json.
//
//   node benchmarks/rows/probe/probe_rows.mjs --models <dir> --out <dir> [--rows 1,64,4096]
//        [--cols 1024,4096,32768] [--big-mib 64] [--iterations 10] [--budget-s 200]
//        [--warm-ms 150] [--ops softmax,layernorm,rowsum,elementwise]
//        [--again 0] [--again-shapes 4096x32768]
// --again k: after the first round, each model is loaded again k times (fresh buffers) and
// re-measured at --again-shapes, columns "<candidate> #2" ...: the same kernel measured 0.74 ms
// in probe 1 and 1.38 ms in probe 2 at 4096 x 32768, so the spread between loads is reported.
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The repository root: this file lives in <root>/benchmarks/rows/probe/ or in <root>/.probe/rows/.
const root = [resolve(here, '../../..'), resolve(here, '../..')].find((r) => existsSync(`${r}/benchmarks/web/dawn.mjs`));
const { createGPU, requestDevice } = await import(`${root}/benchmarks/web/dawn.mjs`);
const { loadWebtxModel } = await import(`${root}/benchmarks/web/webtx_models.mjs`);
const { makeCopy, timedPasses } = await import(`${root}/benchmarks/web/copy_kernel.mjs`);

function parseArgs(argv) {
  const o = { models: null, out: null, rows: [1, 64, 4096], cols: [1024, 4096, 32768], bigMib: 64,
    iterations: 10, budgetS: 200, warmMs: 150, ops: ['softmax', 'layernorm', 'rowsum', 'elementwise'],
    again: 0, againShapes: ['4096x32768'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i];
    if (a === '--models') o.models = v();
    else if (a === '--out') o.out = v();
    else if (a === '--rows') o.rows = v().split(',').map(Number);
    else if (a === '--cols') o.cols = v().split(',').map(Number);
    else if (a === '--big-mib') o.bigMib = Number(v());
    else if (a === '--iterations') o.iterations = Number(v());
    else if (a === '--budget-s') o.budgetS = Number(v());
    else if (a === '--warm-ms') o.warmMs = Number(v());
    else if (a === '--ops') o.ops = v().split(',');
    else if (a === '--again') o.again = Number(v());
    else if (a === '--again-shapes') o.againShapes = v().split(',');
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.models || !o.out) throw new Error('--models <dir> and --out <dir> are required');
  return o;
}

const value = (i) => ((i * 7) % 13) / 13 - 0.5;  // what webtx_models.mjs's fill() writes
function filled(n) {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = value(i);
  return d;
}

// Max abs error over rows 0, M/2 and M-1 against double precision.
function rowError(op, X, M, N, Y, gamma, beta) {
  let err = 0;
  for (const i of new Set([0, M >> 1, M - 1])) {
    const row = Array.from(X.subarray(i * N, (i + 1) * N));
    if (op === 'rowsum') {
      err = Math.max(err, Math.abs(row.reduce((a, b) => a + b, 0) - Y[i]));
      continue;
    }
    let want;
    if (op === 'softmax') {
      let m = -Infinity;
      for (const x of row) m = Math.max(m, x);
      const e = row.map((x) => Math.exp(x - m)), s = e.reduce((a, b) => a + b, 0);
      want = e.map((x) => x / s);
    } else {
      const mean = row.reduce((a, b) => a + b, 0) / N;
      const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
      want = row.map((x, j) => (x - mean) / Math.sqrt(v + 1e-5) * gamma[j] + beta[j]);
    }
    for (let j = 0; j < N; j++) err = Math.max(err, Math.abs(want[j] - Y[i * N + j]));
  }
  return err;
}

// The copy kernel (benchmarks/web/copy_kernel.mjs) on `sizes`, timed per pass with timestamps
// (3 x iterations warm-up passes first), else the mean wall time of all passes.
async function copyTimes(gpu, sizes, iterations) {
  const { device, adapterName } = await requestDevice(gpu, { features: ['timestamp-query'] });
  const copyOf = makeCopy(device);
  const stamps = device.features.has('timestamp-query');
  const out = {};
  for (const bytes of sizes) {
    const copy = copyOf(bytes);
    const n = 3 * iterations + 1;
    let ms;
    if (stamps) {
      const per = await timedPasses(device, n, iterations, copy.encode);
      ms = per[per.length >> 1];
    } else {
      const t0 = performance.now(), enc = device.createCommandEncoder();
      for (let r = 0; r < n; r++) copy.encode(enc);
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      ms = (performance.now() - t0) / n;
    }
    out[bytes] = { ms, method: stamps ? 'timestamp-query' : 'wall' };
    copy.destroy();
  }
  device.destroy();
  return { times: out, adapterName };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(o.out, { recursive: true });
  const start = performance.now();
  const over = () => (performance.now() - start) / 1000 > o.budgetS;
  const gpu = await createGPU();
  const shapes = [];
  for (const M of o.rows) for (const N of o.cols) shapes.push({ M, N });
  const bigN = Math.round(o.bigMib * 2 ** 20 / 4);
  const bigRows = 2 ** Math.floor(Math.log2(Math.sqrt(bigN)));
  const files = readdirSync(o.models).filter((f) => f.endsWith('.wasm'));
  // Candidates per op: "current" (rows_<op>.wasm), "current_sg", then rows_<op>__<c>.wasm.
  const candidates = (op) => {
    const c = [];
    if (files.includes(`rows_${op}.wasm`)) c.push(['current', `rows_${op}.wasm`]);
    if (files.includes(`rows_${op}_sg.wasm`)) c.push(['current_sg', `rows_${op}_sg.wasm`]);
    for (const f of files.filter((x) => x.startsWith(`rows_${op}__`)).sort())
      c.push([f.slice(`rows_${op}__`.length, -'.wasm'.length), f]);
    return c;
  };
  const copyBytes = [...new Set([...shapes.map(({ M, N }) => 4 * M * N), 4 * bigN])];
  const copy = await copyTimes(gpu, copyBytes, o.iterations);
  console.log(`adapter: ${copy.adapterName}`);
  const results = [];  // {op, shape, cand, ms, gbs, pct, err, method} or {..., error}
  const save = () => {
    writeFileSync(`${o.out}/probe.json`, JSON.stringify({ adapter: copy.adapterName, copy: copy.times, results }, null, 1));
    writeFileSync(`${o.out}/probe.md`, table(o, copy, results));
  };
  const X = new Map();  // n -> Float32Array, shared by every op and candidate
  const xs = (n) => X.get(n) ?? (X.set(n, filled(n)), X.get(n));
  const G = new Map();  // N -> Float32Array (gamma and beta of layernorm)
  const gs = (n) => G.get(n) ?? (G.set(n, filled(n)), G.get(n));
  // One model per candidate, loaded once and run at every shape of its op.
  const measureAll = async (op, cand, file, cases) => {
    let model;
    try {
      model = await loadWebtxModel(`${o.models}/${file}`, gpu);
    } catch (e) {
      for (const c of cases) results.push({ op, shape: c.shapeText, cand, error: e.message.split('\n')[0] });
      console.error(`${op} ${cand}: ${e.message}`);
      return;
    }
    for (const c of cases) {
      if (over()) {
        results.push({ op, shape: c.shapeText, cand, error: 'skipped: time budget spent' });
        continue;
      }
      try {
        const inputs = c.inputs(), symbols = c.symbols;
        const err = c.check(inputs, await model.run(inputs, symbols));
        if (!(err <= 1e-3)) throw new Error(`wrong result: max abs error ${err}`);
        const probe = await model.time(inputs, { iterations: 3, symbols });
        await model.time(inputs, { iterations: Math.min(300, Math.ceil(o.warmMs / Math.max(probe.medianMs, 0.01))), symbols });
        const t = await model.time(inputs, { iterations: o.iterations, symbols });
        const gbs = c.bytes / t.medianMs / 1e6, cgbs = 2 * c.copyB / copy.times[c.copyB].ms / 1e6;
        const minMs = t.minMs, maxMs = Math.max(...t.samples);
        results.push({ op, shape: c.shapeText, cand, ms: t.medianMs, minMs, maxMs, gbs, pct: 100 * gbs / cgbs, err, method: t.method });
        console.log(`${op} ${c.shapeText} ${cand}: ${t.medianMs.toFixed(4)} ms ${(100 * gbs / cgbs).toFixed(0)}% of copy` +
          ` (samples ${minMs.toFixed(4)}..${maxMs.toFixed(4)} ms)`);
      } catch (e) {
        results.push({ op, shape: c.shapeText, cand, error: e.message.split('\n')[0] });
        console.error(`${op} ${c.shapeText} ${cand}: ${e.message}`);
      }
    }
    model.dispose();
    save();
  };
  for (const op of o.ops) {
    let cases;
    if (op === 'elementwise') {
      cases = [{ shapeText: `${bigN}`, symbols: { n: bigN }, bytes: 8 * bigN, copyB: 4 * bigN,
        inputs: () => ({ X: { data: xs(bigN), shape: [bigN] } }),
        check: (inp, out) => {
          let err = 0;
          for (const i of [0, 1, bigN >> 1, bigN - 1]) err = Math.max(err, Math.abs(out.Y[i] - (value(i) * 1.5 + 0.25)));
          return err;
        } }];
    } else {
      // Bytes the op must move: softmax/layernorm read and write M x N, the row sum reads it.
      cases = shapes.map(({ M, N }) => ({ shapeText: `${M}x${N}`, symbols: { M, N },
        bytes: (op === 'rowsum' ? 4 : 8) * M * N, copyB: 4 * M * N,
        inputs: () => {
          const inp = { X: { data: xs(M * N), shape: [M, N] } };
          if (op === 'layernorm') inp.gamma = { data: gs(N), shape: [N] }, inp.beta = { data: gs(N), shape: [N] };
          return inp;
        },
        check: (inp, out) => rowError(op, inp.X.data, M, N, out.Y, inp.gamma?.data, inp.beta?.data) }));
    }
    for (const [cand, file] of candidates(op)) await measureAll(op, cand, file, cases);
    const again = cases.filter((c) => o.againShapes.includes(c.shapeText));
    for (let r = 2; again.length && r <= o.again + 1; r++) {
      for (const [cand, file] of candidates(op)) await measureAll(op, `${cand} #${r}`, file, again);
    }
  }
  save();
  console.log(table(o, copy, results));
  console.log(`total ${((performance.now() - start) / 1000).toFixed(0)} s`);
}

// Per op: one row per shape, one column per candidate, "pct% (ms)"; the copy's ms per shape.
function table(o, copy, results) {
  const lines = [`# Row-rule candidates (${copy.adapterName})`, '',
    'Each cell: % of the vec4 copy kernel\'s GB/s at the same bytes in this run (the op\'s bytes: ' +
    '2 x 4MN for softmax/layernorm/elementwise, 4MN for the row sum, as bench_rows.mjs), then the ' +
    'op\'s median GPU ms.', ''];
  for (const op of [...new Set(results.map((r) => r.op))]) {
    const rs = results.filter((r) => r.op === op);
    const cands = [...new Set(rs.map((r) => r.cand))];
    lines.push(`## ${op}`, '', `| shape | copy ms | ${cands.join(' | ')} |`, `| --- | --- | ${cands.map(() => '---').join(' | ')} |`);
    for (const shape of [...new Set(rs.map((r) => r.shape))]) {
      const n = op === 'elementwise' ? Number(shape) : shape.split('x').map(Number).reduce((a, b) => a * b);
      const cells = cands.map((c) => {
        const r = rs.find((x) => x.shape === shape && x.cand === c);
        if (!r) return '';
        return r.error ? `ERR` : `${r.pct.toFixed(0)}% (${r.ms.toFixed(4)})`;
      });
      lines.push(`| ${shape} | ${copy.times[4 * n]?.ms.toFixed(4) ?? ''} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  const errs = results.filter((r) => r.error);
  if (errs.length) lines.push('Errors:', ...errs.map((r) => `- ${r.op} ${r.shape} ${r.cand}: ${r.error}`), '');
  return lines.join('\n');
}

await main();
process.exit(0);
