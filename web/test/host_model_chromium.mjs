// node host_model_chromium.mjs <model.wasm>: the host-stub test model in headless Chromium
// (WebGPU on SwiftShader), loaded by web/src from a page served on localhost.
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './harness/server.js';
import { withChromiumPage } from './harness/chromium.js';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wasm = resolve(process.argv[2]);
const server = await startServer({ mounts: { '/web/': web, '/model/': dirname(wasm) } });
let failures = 1;
try {
  failures = await withChromiumPage(`${server.url}/__blank`, (page) =>
    page.evaluate(async (url) => {
      const { loadModel } = await import('/web/src/index.js');
      const { checkHostModel } = await import('/web/test/host_model_checks.js');
      return checkHostModel(loadModel, url, navigator.gpu, (s) => console.log(s));
    }, `/model/${basename(wasm)}`));
} finally {
  await server.close();
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
