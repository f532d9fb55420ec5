// The WebGPU benchmark runner (Node + Dawn): webtx models, the hand-written anchor kernel, and
// the peers (TF.js, ONNX Runtime Web) on one adapter, fp32 matmul, plus webtx models of other
// shapes. Prints a table and writes Google Benchmark JSON.
//
//   node benchmarks/web/bench_web.mjs [--sizes 1024,2048,1x4096x4096] [--suites webtx,anchor,tfjs,ort]
//        [--matmul 'path/matmul.wasm'] [--matmul-const 'path/matmul_{N}.wasm']
//        [--matmul-generic 'path/matmul.wasm']   (the same, without shape-specialized pipelines)
//        [--model name=path.wasm:SYM=V,SYM=V:flops] [--iterations 10] [--heat-ms 200] [--out results.json]
//
// Each webtx and peer measurement follows --heat-ms of copies (clockHeater, copy_kernel.mjs),
// so that all are timed at the clock the GPU holds under sustained use.
// A size is N (N×N×N) or MxNxK (C[M, N] = A[M, K] B[K, N]). --matmul: a model with symbolic
// M, N, K (inputs A, B; output C); --matmul-const: one model per square size ({N} replaced).
// Sizes a model or peer cannot run are recorded as skipped.
import { writeFileSync, existsSync } from 'node:fs';
import { GBenchReport } from './gbench_json.mjs';
import { createGPU } from './dawn.mjs';
import { clockHeater } from './copy_kernel.mjs';
import { anchorMatmul, findAnchor } from './anchor.mjs';
import { loadWebtxModel, timeWebtxModel, matmulCheck } from './webtx_models.mjs';
import { shape } from './peers.mjs';

function parseSize(text) {
  const d = text.split('x').map(Number);
  if (d.length === 1) return shape(d[0]);
  if (d.length !== 3 || !d.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`bad size '${text}' (N or MxNxK)`);
  return shape({ M: d[0], N: d[1], K: d[2] });
}

function parseArgs(argv) {
  const o = { sizes: [shape(256)], suites: ['webtx', 'anchor', 'tfjs', 'ort'], matmul: [], matmulConst: [], matmulGeneric: [],
    models: [], iterations: 10, heatMs: 200, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i];
    if (a === '--sizes') o.sizes = v().split(',').map(parseSize);
    else if (a === '--suites') o.suites = v().split(',');
    else if (a === '--matmul') o.matmul.push(v());
    else if (a === '--matmul-const') o.matmulConst.push(v());
    else if (a === '--matmul-generic') o.matmulGeneric.push(v());
    else if (a === '--model') o.models.push(v());
    else if (a === '--iterations') o.iterations = Number(v());
    else if (a === '--heat-ms') o.heatMs = Number(v());
    else if (a === '--out') o.out = v();
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const tflops = (flops, ms) => flops / ms / 1e9;
const label = (p) => p.replace(/^.*\//, '').replace(/\.wasm$/, '');

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const report = new GBenchReport('benchmarks/web/bench_web.mjs');
  const rows = [];  // {impl, N, tflops, ms, err, method}
  const record = (impl, shape, flops, r, extra = {}) => {
    const name = `BM_${impl}/${shape}`;
    const tf = tflops(flops, r.ms);
    report.add(name, { ms: r.ms, iterations: r.iterations ?? 0, label: r.method,
      counters: { TFLOPS: tf, max_abs_err: r.maxAbsErr ?? 0, ...extra } });
    rows.push({ impl, shape, tflops: tf, ms: r.ms, err: r.maxAbsErr, method: r.method, ...extra });
  };
  const gpu = await createGPU();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter.info ?? {};
  report.context.webgpu_adapter = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`.replace(/\s+/g, ' ').trim();
  console.log(`adapter: ${report.context.webgpu_adapter}`);
  const { heat } = await clockHeater(gpu, o.heatMs);

  if (o.suites.includes('webtx')) {
    const specs = [...o.matmul.map((p) => ({ path: p, sym: true })),
      ...o.matmulGeneric.map((p) => ({ path: p, sym: true, generic: true })),
      ...o.matmulConst.map((p) => ({ path: p, sym: false }))];
    for (const spec of specs) {
      const impl = `webtx_wgsl_${label(spec.path).replace(/_\{N\}$/, '')}${spec.generic ? '_generic' : ''}`;
      let model = spec.sym ? await loadWebtxModel(spec.path, gpu, spec.generic ? { specialize: false } : {}) : null;
      for (const sz of o.sizes) {
        const { M, N, K, label: shapeLabel } = sz;
        const name = `BM_${impl}/${shapeLabel}`;
        try {
          if (!spec.sym) {
            const p = spec.path.replace('{N}', String(N));
            if (M !== N || K !== N || !existsSync(p)) { report.skip(name, `no model ${p}`); continue; }
            model = await loadWebtxModel(p, gpu);
          }
          const r = await timeWebtxModel(model, { M, N, K },
            { iterations: o.iterations, check: matmulCheck('A', 'B', 'C'), heat });
          record(impl, shapeLabel, 2 * M * N * K, r, { host_us_per_dispatch: r.hostUsPerDispatch });
        } catch (e) {
          report.skip(name, e.message);
          console.error(`${name}: ${e.message}`);
        } finally {
          if (!spec.sym) model?.dispose();
        }
      }
      if (spec.sym) model.dispose();
    }
    for (const m of o.models) {
      // name=path.wasm:SYM=V,SYM=V:flops
      const eq = m.indexOf('=');
      const name = m.slice(0, eq), rest = m.slice(eq + 1);
      const [path, syms = '', flops = '0'] = rest.split(':');
      const symbols = Object.fromEntries(syms.split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
      try {
        const model = await loadWebtxModel(path, gpu);
        const r = await timeWebtxModel(model, symbols, { iterations: o.iterations, heat });
        record(`webtx_wgsl_${name}`, syms || 'const', Number(flops) || 1, r, { host_us_per_dispatch: r.hostUsPerDispatch });
        model.dispose();
      } catch (e) {
        report.skip(`BM_webtx_wgsl_${name}`, e.message);
        console.error(`${name}: ${e.message}`);
      }
    }
  }
  if (o.suites.includes('anchor') && !findAnchor()) {
    console.log('anchor: anchor-matmul.mjs not found (set WEBTX_ANCHOR, or keep ../shared/tools beside the repo); not run');
  } else if (o.suites.includes('anchor')) {
    try {
      const square = o.sizes.filter((z) => z.M === z.N && z.K === z.N).map((z) => z.N);
      for (const r of anchorMatmul(square)) record('anchor_wgsl', String(r.N), 2 * r.N ** 3, { ms: r.ms, maxAbsErr: r.maxAbsErr, method: 'wall-batched', iterations: r.reps * 7 });
    } catch (e) {
      report.skip('BM_anchor_wgsl', e.message);
      console.error(`anchor: ${e.message}`);
    }
  }
  for (const [suite, fn] of [['tfjs', 'tfjsMatmul'], ['ort', 'ortMatmul']]) {
    if (!o.suites.includes(suite)) continue;
    try {
      const peers = await import('./peers.mjs');
      for (const r of await peers[fn](o.sizes, heat)) record(`${suite}_webgpu`, r.label, 2 * r.M * r.N * r.K, r);
    } catch (e) {
      report.skip(`BM_${suite}_webgpu`, e.message);
      console.error(`${suite}: ${e.message}`);
    }
  }

  // Table: one row per implementation and shape, with the ratio to webtx's best at that shape.
  const best = {};
  for (const r of rows.filter((x) => x.impl.startsWith('webtx_wgsl_matmul'))) best[r.shape] = Math.max(best[r.shape] ?? 0, r.tflops);
  console.log('\n| implementation | shape | ms | TFLOP/s | vs webtx | max abs err | timing |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const ratio = best[r.shape] ? (r.tflops / best[r.shape]).toFixed(2) : '';
    console.log(`| ${r.impl} | ${r.shape} | ${r.ms.toFixed(3)} | ${r.tflops.toPrecision(3)} | ${ratio} | ${r.err?.toExponential(1) ?? ''} | ${r.method ?? ''} |`);
  }
  for (const b of report.benchmarks.filter((x) => x.error_occurred)) console.log(`skipped ${b.name}: ${b.error_message}`);
  if (o.out) writeFileSync(o.out, JSON.stringify(report, null, 1));
}

await main();
process.exit(0);
