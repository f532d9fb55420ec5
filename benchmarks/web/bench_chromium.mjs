// The WebGPU benchmark runner in headless Chromium: serves web/ and the built models on
// localhost, times each model with model.time() inside the page, writes Google Benchmark JSON.
//   node benchmarks/web/bench_chromium.mjs --matmul build/examples/matmul/matmul.wasm
//        [--sizes 64,128] [--iterations 5] [--out results.json]
import { writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../web/test/harness/server.js';
import { withChromiumPage } from '../../web/test/harness/chromium.js';
import { GBenchReport } from './gbench_json.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const o = { sizes: [64], matmul: [], iterations: 5, out: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i], v = () => argv[++i];
  if (a === '--sizes') o.sizes = v().split(',').map(Number);
  else if (a === '--matmul') o.matmul.push(resolve(v()));
  else if (a === '--iterations') o.iterations = Number(v());
  else if (a === '--out') o.out = v();
  else throw new Error(`unknown argument ${a}`);
}

const mounts = { '/web/': resolve(here, '../../web'), '/bench/': here };
const specs = [];
o.matmul.forEach((p, i) => {
  mounts[`/m${i}/`] = dirname(p);
  for (const N of o.sizes) {
    specs.push({ impl: `webtx_wgsl_${basename(p, '.wasm')}`, url: `/m${i}/${basename(p)}`, N, symbols: { M: N, N, K: N } });
  }
});

const server = await startServer({ mounts });
let results;
try {
  results = await withChromiumPage(`${server.url}/bench/bench_page.html`, async (page) => {
    await page.waitForFunction(() => typeof window.webtxBench === 'function');
    return page.evaluate(([s, it]) => window.webtxBench(s, it), [specs, o.iterations]);
  });
} finally {
  await server.close();
}

const report = new GBenchReport('benchmarks/web/bench_chromium.mjs', { browser: 'chromium (headless)' });
console.log('| implementation (Chromium) | N | ms | GFLOP/s | host µs/dispatch | timing |');
console.log('| --- | --- | --- | --- | --- | --- |');
let failed = false;
for (const r of results) {
  const name = `BM_chromium_${r.impl}/${r.N}`;
  if (r.error) {
    report.skip(name, r.error);
    console.log(`| ${r.impl} | ${r.N} | error: ${r.error} | | | |`);
    failed = true;
    continue;
  }
  const gf = (2 * r.N ** 3) / r.ms / 1e6;
  report.add(name, { ms: r.ms, iterations: o.iterations, label: r.method,
    counters: { TFLOPS: gf / 1000, host_us_per_dispatch: r.hostUsPerDispatch } });
  console.log(`| ${r.impl} | ${r.N} | ${r.ms.toFixed(3)} | ${gf.toPrecision(3)} | ${r.hostUsPerDispatch.toFixed(1)} | ${r.method} |`);
}
if (o.out) writeFileSync(o.out, JSON.stringify(report, null, 1));
process.exit(failed ? 1 : 0);
