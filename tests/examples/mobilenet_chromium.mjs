// The MobileNetV2 demo page (examples/mobilenet_v2/demo) in headless Chromium (WebGPU on
// SwiftShader): loads the model and its weights by URL, runs a reference image, and must show
// PyTorch's top-5 with the logits within the tolerance. Saves a screenshot.
//   node mobilenet_chromium.mjs <build>/examples/mobilenet_v2 <model> <ref file name> <screenshot.png> [tol]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../web/test/harness/server.js';
import { withChromiumPage } from '../../web/test/harness/chromium.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [dir, model, refName, shot, tolArg] = process.argv.slice(2);
const tol = Number(tolArg ?? 2e-4);
const server = await startServer({ mounts: { '/web/': join(root, 'web'), '/examples/': join(root, 'examples'), '/out/': resolve(dir) } });
let failures = 0;
try {
  await withChromiumPage(`${server.url}/examples/mobilenet_v2/demo/index.html?model=/out/${model}/${model}.wasm` +
      `&weights=/out/mobilenet_v2.safetensors&ref=/out/${refName}&image=1`, async (page) => {
    await page.waitForFunction(() => window.webtxMobileNet, null, { timeout: 600_000 });
    const r = await page.evaluate(() => window.webtxMobileNet);
    if (r.error) {
      console.log(`FAIL the page reports: ${r.error}`);
      failures++;
      return;
    }
    const ok = r.sameTop5 && r.maxAbsError <= tol;
    failures += !ok;
    console.log(`${ok ? 'PASS' : 'FAIL'} ${model} in Chromium: top-5 [${r.top5}] vs PyTorch [${r.torchTop5}], max abs error ` +
      `${r.maxAbsError.toExponential(2)} (tolerance ${tol}); ${r.dispatches} dispatches, median ${r.medianMs.toFixed(1)} ms (${r.method})`);
    const status = await page.textContent('#status');
    const rows = await page.$$eval('#top5 tbody tr', (trs) => trs.length);
    const shown = status.startsWith('done: top-5 identical') && rows === 5;
    failures += !shown;
    console.log(`${shown ? 'PASS' : 'FAIL'} the page shows the result: "${status}", ${rows} top-5 rows`);
    if (shot) await page.screenshot({ path: shot, fullPage: true });
  });
} finally {
  await server.close();
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
