// node run_cases_chromium.mjs <cases-dir>: compiles and runs every case in headless Chromium
// (WebGPU on SwiftShader), from pages served on localhost.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../web/test/harness/server.js';
import { withChromiumPage } from '../../web/test/harness/chromium.js';
import { report } from './cases_runner.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const server = await startServer({ mounts: { '/web/': `${root}/web`, '/tests/': `${root}/tests`, '/cases/': process.argv[2] } });
let ok = false;
try {
  const out = await withChromiumPage(`${server.url}/__blank`, (page) =>
    page.evaluate(async () => {
      const { compileCases, runCases } = await import('/tests/wgsl/cases_runner.js');
      const { cases } = await (await fetch('/cases/cases.json')).json();
      if (!navigator.gpu) return { error: 'navigator.gpu is missing' };
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) return { error: 'no WebGPU adapter' };
      const features = ['shader-f16'].filter((f) => adapter.features.has(f));
      const device = await adapter.requestDevice({ requiredFeatures: features });
      const info = adapter.info ?? {};
      const compiled = await compileCases(device, cases);
      const ran = await runCases(device, cases);
      device.destroy();
      return { adapter: `${info.vendor} ${info.architecture} ${info.description}`, compiled, ran };
    }));
  if (out.error) {
    console.error(`chromium: ${out.error}`);
  } else {
    console.log(`chromium adapter: ${out.adapter}`);
    ok = report(out.compiled, 'chromium-compile') & report(out.ran, 'chromium-run');
  }
} finally {
  await server.close();
}
process.exit(ok ? 0 : 1);
