// node demo_chromium.mjs <model.wasm> <ref.json>: opens demo/index.html in headless Chromium
// for that model and reference; fails unless every output matches.
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './harness/server.js';
import { withChromiumPage } from './harness/chromium.js';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [wasm, ref] = process.argv.slice(2).map((p) => resolve(p));
const server = await startServer({ mounts: { '/web/': web, '/model/': dirname(wasm), '/ref/': dirname(ref) } });
let out;
try {
  out = await withChromiumPage(`${server.url}/web/demo/index.html?model=/model/${basename(wasm)}&ref=/ref/${basename(ref)}`,
    async (page) => {
      const r = await page.evaluate(() => window.webtxDemo);
      console.log(await page.textContent('#status'));
      console.log((await page.textContent('#results')).replace(/\s+/g, ' '));
      return r;
    });
} finally {
  await server.close();
}
const ok = out && !out.error && out.results.length > 0 && out.results.every((r) => r.ok);
console.log(ok ? 'demo: all outputs match' : `demo failed: ${JSON.stringify(out)}`);
process.exit(ok ? 0 : 1);
