// The row-reduction benchmark (Node + Dawn, issue 11): softmax and layernorm over M x N rows,
// webtx (symbolic M, N; auto_schedule's row-reduction rule) beside TF.js and ORT-web on the
// same adapter, against a hand-written vec4 copy kernel moving the same bytes in the same run
// (the bound); plus webtx's unscheduled elementwise op and row sum at --big-mib tensors.
// Bandwidth counts the bytes an op must move at least: softmax/layernorm/elementwise read and
// write the tensor once (2 x 4·M·N bytes), the row sum reads it once. Where the models dir
// holds the same ops built with constant shapes (rows_<op>_c<M>x<N>, rows_elementwise_c<n>;
// benchmarks/rows/CMakeLists.txt), they run too (webtx_const). Each measurement's "vs copy" is
// against a copy of the same tensor timed right after it; "vs first copy" against the copies
// timed at the start, and those are timed again at the end (copy_end): the drift over the run.
// webtx runs with its shape-specialized pipelines (repeated shapes, web/src/specialize.js;
// the timing column says what share of the timed dispatches ran them), webtx_generic without
// them. Every measurement
// (webtx, copy, peers) follows --heat-ms of copies (clockHeater, copy_kernel.mjs): the GPU's
// clock governor otherwise lowers the clock between short kernels (H200: 1980 to 345 MHz).
//
//   node benchmarks/web/bench_rows.mjs --models <dir: rows_*.wasm, or the build's benchmarks/rows> [--prefix rows_] [--rows 1,64,4096]
//        [--cols 1024,4096,32768] [--big-mib 64] [--suites webtx,tfjs,ort] [--iterations 10]
//        [--heat-ms 200] [--out rows.json] [--md rows.md]
import { existsSync, writeFileSync } from 'node:fs';
import { GBenchReport, timeBatches } from './gbench_json.mjs';
import { createGPU, requestDevice } from './dawn.mjs';
import { clockHeater, makeCopy, timedPasses } from './copy_kernel.mjs';
import { loadWebtxModel, timeWebtxModel } from './webtx_models.mjs';
import { rowPeers } from './peers_rows.mjs';

function parseArgs(argv) {
  const o = { models: null, prefix: 'rows_', rows: [1, 64, 4096], cols: [1024, 4096, 32768], bigMib: 64,
    suites: ['webtx', 'tfjs', 'ort'], iterations: 10, heatMs: 200, out: null, md: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i];
    if (a === '--models') o.models = v();
    else if (a === '--prefix') o.prefix = v();
    else if (a === '--rows') o.rows = v().split(',').map(Number);
    else if (a === '--cols') o.cols = v().split(',').map(Number);
    else if (a === '--big-mib') o.bigMib = Number(v());
    else if (a === '--suites') o.suites = v().split(',');
    else if (a === '--iterations') o.iterations = Number(v());
    else if (a === '--heat-ms') o.heatMs = Number(v());
    else if (a === '--out') o.out = v();
    else if (a === '--md') o.md = v();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.models) throw new Error('--models <dir> is required (the folder holding rows_*.wasm)');
  return o;
}

// The inputs webtx_models.mjs fills: x[i] = ((i * 7) % 13) / 13 - 0.5 (and so gamma, beta).
const value = (i) => ((i * 7) % 13) / 13 - 0.5;

// <prefix><op>.wasm in `dir` (a flat folder, as .benchpack/models) or in `dir`/<prefix><op>/ (a
// build). The prefix is rows_ (webgpu-large builds, up to 1024 invocations per workgroup) or
// rows256_ (the same models for target webgpu, which SwiftShader can run: the CI smoke test).
let prefix = 'rows_';
const modelPath = (dir, op) => [`${dir}/${prefix}${op}.wasm`, `${dir}/${prefix}${op}/${prefix}${op}.wasm`].find(existsSync)
  ?? `${dir}/${prefix}${op}.wasm`;

// Max abs error over a few rows of softmax / layernorm outputs against double precision.
function rowCheck(kind) {
  return (inputs, outputs) => {
    const X = inputs.X, [M, N] = X.shape, Y = outputs.Y;
    let err = 0;
    for (const i of new Set([0, M >> 1, M - 1])) {
      const row = Array.from(X.data.subarray(i * N, (i + 1) * N));
      let want;
      if (kind === 'softmax') {
        const m = Math.max(...row), e = row.map((x) => Math.exp(x - m)), s = e.reduce((a, b) => a + b, 0);
        want = e.map((x) => x / s);
      } else {
        const mean = row.reduce((a, b) => a + b, 0) / N;
        const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
        want = row.map((x, j) => (x - mean) / Math.sqrt(v + 1e-5) * inputs.gamma.data[j] + inputs.beta.data[j]);
      }
      for (let j = 0; j < N; j++) err = Math.max(err, Math.abs(want[j] - Y[i * N + j]));
    }
    return err;
  };
}

// The copy kernel (copy_kernel.mjs) on a device of its own: time(bytes) copies `bytes` after
// heat(), timed per pass with timestamp queries when the device has them, else batched
// wall-clock time.
async function copyTimer(gpu, iterations, heat) {
  const { device, adapterName } = await requestDevice(gpu, { features: ['timestamp-query'] });
  const copyOf = makeCopy(device);
  const stamps = device.features.has('timestamp-query');
  const subgroups = (await gpu.requestAdapter({ powerPreference: 'high-performance' })).features.has('subgroups');
  async function time(bytes) {
    const copy = copyOf(bytes);
    let ms, method;
    await heat();
    if (stamps) {
      const per = await timedPasses(device, iterations + 1, iterations, copy.encode);  // 1 warms up
      ms = per[per.length >> 1], method = 'timestamp-query';
    } else {
      ms = (await timeBatches(async (reps) => {
        const enc = device.createCommandEncoder();
        for (let r = 0; r < reps; r++) copy.encode(enc);
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
      })).ms;
      method = 'wall-batched';
    }
    copy.destroy();
    if (!(ms > 0)) throw new Error(`copy of ${bytes} bytes: time ${ms} ms is below the timer's resolution`);
    return { bytes, ms, method };
  }
  return { adapterName, subgroups, time, destroy: () => device.destroy() };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  prefix = o.prefix;
  const report = new GBenchReport('benchmarks/web/bench_rows.mjs');
  const gpu = await createGPU();
  const shapes = [];
  for (const M of o.rows) for (const N of o.cols) shapes.push({ M, N });
  const bigN = Math.round(o.bigMib * 2 ** 20 / 4);
  const bigRows = 2 ** Math.floor(Math.log2(Math.sqrt(bigN)));  // rowsum: [bigRows, bigN / bigRows]
  const rows = [];  // {op, shape, impl, ms, gbs, bytes, err, method}
  const record = (op, shape, impl, bytes, r) => {
    const gbs = bytes / r.ms / 1e6;
    // r.copyGbs: the copy of the op's tensor timed right after r (copyNear), the table's bound.
    const near = r.copyGbs ? { copy_GBps: r.copyGbs, vs_copy: gbs / r.copyGbs } : {};
    // Whether a measurement of webtx's specialized pipelines ran them (web/src/specialize.js).
    if (typeof r.specializedShare === 'number') near.specialized_share = r.specializedShare;
    report.add(`BM_${op}_${impl}/${shape}`, { ms: r.ms, iterations: r.iterations ?? o.iterations,
      label: r.method, counters: { GBps: gbs, bytes, max_abs_err: r.maxAbsErr ?? 0, ...near } });
    rows.push({ op, shape, impl, ms: r.ms, gbs, bytes, err: r.maxAbsErr, method: r.method, copyGbs: r.copyGbs, share: r.specializedShare });
  };

  // The bound: the same bytes copied by a plain kernel, in this run: every size first (rows
  // "copy"), again right after each measurement (copyNear: the memory's speed drifts by a few
  // % over a run, the first minutes of a machine fastest), and every size at the end.
  const copyBytes = [...new Set([...shapes.map(({ M, N }) => 4 * M * N), 4 * bigN])];
  const heater = await clockHeater(gpu, o.heatMs);
  const heat = heater.heat;
  const copier = await copyTimer(gpu, o.iterations, heat);
  const copyAll = async () => {
    const out = {};
    for (const b of copyBytes) out[b] = await copier.time(b);
    return out;
  };
  const copyNear = async (tensorBytes) => 2 * tensorBytes / (await copier.time(tensorBytes)).ms / 1e6;
  report.context.webgpu_adapter = copier.adapterName;
  console.log(`adapter: ${copier.adapterName}`);
  const copyMs = await copyAll();
  for (const { M, N } of shapes) for (const op of ['softmax', 'layernorm']) record(op, `${M}x${N}`, 'copy', 8 * M * N, copyMs[4 * M * N]);
  record('elementwise', `${bigN}`, 'copy', 8 * bigN, copyMs[4 * bigN]);
  record('rowsum', `${bigRows}x${bigN / bigRows}`, 'copy', 8 * bigN, copyMs[4 * bigN]);

  if (o.suites.includes('webtx')) {
    // `tensorBytes`: the size of the op's input, what copyNear copies.
    const run = async (model, op, shape, bytes, symbols, check, impl = 'webtx', tensorBytes = bytes / 2) => {
      const name = `BM_${op}_${impl}/${shape}`;
      try {
        const r = await timeWebtxModel(model, symbols, { iterations: o.iterations, check, heat });
        if (!(r.maxAbsErr <= 1e-3)) throw new Error(`wrong result: max abs error ${r.maxAbsErr}`);
        r.copyGbs = await copyNear(tensorBytes);
        record(op, shape, impl, bytes, r);
        if (r.specializedShare !== null && r.specializedShare < 1 && impl !== 'webtx_generic')
          console.error(`${name}: ${Math.round(100 * r.specializedShare)}% of the timed dispatches ran specialized pipelines; ${JSON.stringify(r.specialization)}`);
      } catch (e) {
        report.skip(name, e.message);
        console.error(`${name}: ${e.message}`);
      }
    };
    for (const op of ['softmax', 'layernorm']) {
      const model = await loadWebtxModel(modelPath(o.models, op), gpu);
      for (const { M, N } of shapes) await run(model, op, `${M}x${N}`, 8 * M * N, { M, N }, rowCheck(op));
      model.dispose();
      // The same model without shape-specialized pipelines (what a shape seen once runs).
      const generic = await loadWebtxModel(modelPath(o.models, op), gpu, { specialize: false });
      for (const { M, N } of shapes) await run(generic, op, `${M}x${N}`, 8 * M * N, { M, N }, rowCheck(op), 'webtx_generic');
      generic.dispose();
      // Built for a target with subgroups: run where the adapter has them.
      const sg = modelPath(o.models, `${op}_sg`);
      if (!existsSync(sg) || !copier.subgroups) continue;
      const sgModel = await loadWebtxModel(sg, gpu);
      for (const { M, N } of shapes)
        await run(sgModel, op, `${M}x${N}`, 8 * M * N, { M, N }, rowCheck(op), 'webtx_subgroups');
      sgModel.dispose();
    }
    // The same ops built with constant shapes (rows_<op>_c<M>x<N>, WEBTX_ROW_CONSTANT_SHAPES),
    // where built: what the symbolic build is measured against.
    const hasOp = (op) => existsSync(modelPath(o.models, op));
    for (const op of ['softmax', 'layernorm'])
      for (const { M, N } of shapes) {
        if (!hasOp(`${op}_c${M}x${N}`)) continue;
        const model = await loadWebtxModel(modelPath(o.models, `${op}_c${M}x${N}`), gpu);
        await run(model, op, `${M}x${N}`, 8 * M * N, {}, rowCheck(op), 'webtx_const');
        model.dispose();
      }
    // A prefix may hold only the row models (rowsgrp256_: the row-group smoke test).
    const cols = bigN / bigRows;
    const checkEw = (inp, out) => {
      let err = 0;
      for (const i of [0, 1, bigN >> 1, bigN - 1]) err = Math.max(err, Math.abs(out.Y[i] - (value(i) * 1.5 + 0.25)));
      return err;
    };
    const checkRs = (inp, out) => {
      let err = 0;
      for (const i of [0, bigRows - 1]) {
        let s = 0;
        for (let j = 0; j < cols; j++) s += value(i * cols + j);
        err = Math.max(err, Math.abs(out.Y[i] - s));
      }
      return err;
    };
    const big = [['elementwise', `${bigN}`, 8 * bigN, { n: bigN }, checkEw],
      ['rowsum', `${bigRows}x${cols}`, 4 * bigN, { M: bigRows, N: cols }, checkRs]];
    for (const [op, shape, bytes, symbols, check] of big)
      for (const [name, impl] of [[op, 'webtx'], [`${op}_c${shape}`, 'webtx_const']]) {
        if (!hasOp(name)) continue;
        const model = await loadWebtxModel(modelPath(o.models, name), gpu);
        await run(model, op, shape, bytes, symbols, check, impl, 4 * bigN);
        model.dispose();
      }
  }
  for (const suite of ['tfjs', 'ort']) {
    if (!o.suites.includes(suite)) continue;
    try {
      for (const r of await rowPeers(suite, shapes, o.iterations, { heat, near: (M, N) => copyNear(4 * M * N) }))
        record(r.op, `${r.M}x${r.N}`, suite, 8 * r.M * r.N, r);
    } catch (e) {
      report.skip(`BM_${suite}`, e.message);
      console.error(`${suite}: ${e.message}`);
    }
  }

  // The copy again after everything else: how far the machine drifted during the run (the
  // table's percentages are against the first copy; this row's against it too).
  const copyEndMs = await copyAll();
  copier.destroy(), heater.destroy();
  for (const { M, N } of shapes) for (const op of ['softmax', 'layernorm']) record(op, `${M}x${N}`, 'copy_end', 8 * M * N, copyEndMs[4 * M * N]);

  // Table: GB/s and the fraction of the copy kernel's GB/s at the same size: the copy timed
  // right after the measurement ("vs copy"), and the one timed at the start ("vs first copy").
  const lines = ['| op | shape | implementation | ms | GB/s | vs copy | vs first copy | max abs err | timing |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  const pct = (x) => `${Math.round(100 * x)}%`;
  for (const r of rows) {
    const c = rows.find((x) => x.op === r.op && x.shape === r.shape && x.impl === 'copy');
    const first = c ? pct(r.gbs / c.gbs) : '';
    const near = r.copyGbs ? pct(r.gbs / r.copyGbs) : first;
    const spec = typeof r.share === 'number' ? `, ${pct(r.share)} specialized` : '';
    lines.push(`| ${r.op} | ${r.shape} | ${r.impl} | ${r.ms.toFixed(4)} | ${r.gbs.toFixed(1)} | ${near} | ${first} | ${r.err?.toExponential(1) ?? ''} | ${r.method ?? ''}${spec} |`);
  }
  for (const b of report.benchmarks.filter((x) => x.error_occurred)) lines.push(`\nskipped ${b.name}: ${b.error_message}`);
  console.log(lines.join('\n'));
  if (o.out) writeFileSync(o.out, JSON.stringify(report, null, 1));
  if (o.md) writeFileSync(o.md, `# Row reductions (${copier.adapterName})\n\n${lines.join('\n')}\n`);
}

await main();
process.exit(0);
