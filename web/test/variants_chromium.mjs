// node variants_chromium.mjs <host_variant_model output dir>: the webgpu-f16 + webgpu variants
// (tests/host/variant_model.cpp) in headless Chromium (WebGPU on SwiftShader), loaded by
// web/src from a page on localhost: loadModel([f16, plain]) runs the first variant the adapter
// can (the plain one where it lacks shader-f16) with exact numbers; the f16 variant alone is
// refused naming the feature (no Dawn toggles in a browser: no hint).
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './harness/server.js';
import { withChromiumPage } from './harness/chromium.js';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2]);
const server = await startServer({ mounts: { '/web/': web, '/model/': dir } });
let failures = 1;
try {
  failures = await withChromiumPage(`${server.url}/__blank`, (page) =>
    page.evaluate(async () => {
      const { loadModel } = await import('/web/src/index.js');
      const log = (s) => console.log(s);
      let bad = 0;
      const gpu = navigator.gpu;
      const hasF16 = (await gpu.requestAdapter()).features.has('shader-f16');
      const urls = ['/model/webgpu-f16/host_variant_model.wasm', '/model/webgpu/host_variant_model.wasm'];
      const n = 3;
      const a = Float32Array.from({ length: n * 16 }, (_, i) => ((i * 7) % 33 - 16) / 8);
      const b = Float32Array.from({ length: 16 * 8 }, (_, i) => ((i * 5) % 33 - 16) / 8);
      const want = new Float32Array(n * 8);
      for (let i = 0; i < n; i++) for (let j = 0; j < 8; j++) for (let k = 0; k < 16; k++) want[i * 8 + j] += a[i * 16 + k] * b[k * 8 + j];
      const model = await loadModel(urls, { gpu });
      const picked = model.manifest.target;
      const { y } = await model.run({ a, b });
      const exact = y.length === want.length && y.every((v, i) => v === want[i]);
      const ok = picked === (hasF16 ? 'webgpu-f16' : 'webgpu') && exact;
      log(`${ok ? 'PASS' : 'FAIL'} loadModel(variants) picked '${picked}' (adapter ${hasF16 ? 'has' : 'lacks'} shader-f16), result ${exact ? 'exact' : 'wrong'}`);
      bad += !ok;
      model.dispose();
      if (!hasF16) {
        try {
          await loadModel(urls[0], { gpu });
          log('FAIL the f16 variant alone loaded on an adapter without shader-f16');
          bad++;
        } catch (e) {
          const good = e.message === "webtx: model 'host_variant_model' (built for target 'webgpu-f16') needs WebGPU feature 'shader-f16', which this adapter lacks";
          log(`${good ? 'PASS' : 'FAIL'} the f16 variant alone is refused: ${e.message}`);
          bad += !good;
        }
      }
      return bad;
    }));
} finally {
  await server.close();
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
