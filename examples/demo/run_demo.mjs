// node examples/demo/run_demo.mjs <build dir> [model...]: the README's demo. Serves the built
// example models and web/ on localhost, opens web/demo/index.html in headless Chromium (WebGPU
// on SwiftShader) for each model with its CPU reference, and prints one row per output:
// model, kernels, output shape, max abs error vs the reference, median time per model run.
// Exits 1 if any output mismatches or a page fails. Default models: demo, then each example.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../web/test/harness/server.js';
import { withChromiumPage } from '../../web/test/harness/chromium.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const build = resolve(process.argv[2] ?? join(root, 'build'));
const examples = existsSync(join(build, 'examples', 'refs')) ? join(build, 'examples') : build;
const models = process.argv.length > 3 ? process.argv.slice(3) : ['demo', 'matmul', 'mlp', 'conv2d', 'softmax', 'vector_add'];
const TOL = 1e-4;  // max abs error allowed (f32; the page compares every element)

// The first reference of each model: examples/refs/<model>.<label>.json.
const { readdirSync } = await import('node:fs');
const refFiles = readdirSync(join(examples, 'refs'));
const runs = models.map((m) => {
  const ref = refFiles.find((f) => f.startsWith(`${m}.`) && f.endsWith('.json'));
  if (!ref || !existsSync(join(examples, m, `${m}.wasm`))) throw new Error(`demo: model '${m}' is not built in ${examples} (run scripts/webtx build)`);
  return { model: m, ref, json: JSON.parse(readFileSync(join(examples, 'refs', ref), 'utf8')) };
});

const server = await startServer({ mounts: { '/web/': join(root, 'web'), '/ex/': examples } });
const rows = [];
let failed = 0;
try {
  await withChromiumPage(`${server.url}/__blank`, async (page) => {
    for (const r of runs) {
      await page.goto(`${server.url}/web/demo/index.html?model=/ex/${r.model}/${r.model}.wasm&ref=/ex/refs/${r.ref}&tol=${TOL}`);
      const out = await page.evaluate(() => window.webtxDemo);
      const kernels = await page.$$eval('#kernels tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
      if (!out || out.error) {
        failed++;
        rows.push([r.model, kernels.join(' '), '-', 'error', out?.error ?? 'no result', 'FAIL']);
        continue;
      }
      for (const o of out.results) {
        if (!o.ok) failed++;
        rows.push([r.model, kernels.join(' '), (r.json.output_shapes?.[o.tensor] ?? [o.length]).join('×'),
          `${o.tensor}: ${o.maxAbsError.toExponential(1)}`, `${out.time.medianMs.toFixed(3)} ms (${out.time.method})`, o.ok ? 'ok' : 'MISMATCH']);
      }
    }
  });
} finally {
  await server.close();
}

const head = ['model', 'kernels', 'shape', 'max abs error', 'median time / run', 'result'];
const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
console.log(`\nwebtx demo: WebGPU in headless Chromium (SwiftShader) vs the CPU reference (tolerance ${TOL})\n`);
console.log(line(head));
console.log(width.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
console.log(failed ? `\n${failed} output(s) FAILED` : '\nall outputs match the CPU reference');
process.exit(failed ? 1 : 0);
