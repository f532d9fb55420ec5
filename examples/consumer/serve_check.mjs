// node serve_check.mjs <webtx source dir>: serves dist/ (the esbuild bundle, index.html,
// refs.json and the .wasm files) over HTTP and opens it in headless Chromium with WebGPU on
// SwiftShader (webtx's test harness: web/test/harness), then waits for the page's verdict.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const harness = join(process.argv[2], 'web', 'test', 'harness');
const { startServer } = await import(pathToFileURL(join(harness, 'server.js')).href);
const { withChromiumPage } = await import(pathToFileURL(join(harness, 'chromium.js')).href);
const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const server = await startServer({ mounts: { '/': dist } });
try {
  const result = await withChromiumPage(`${server.url}/index.html`, async (page) => {
    await page.waitForFunction(() => window.consumerResult, null, { timeout: 240000 });
    return page.evaluate(() => window.consumerResult);
  });
  if (!result.ok) throw new Error(`chromium: ${result.error}`);
  for (const l of result.lines) console.log(l);
  console.log(`chromium: ${result.lines.length} cases match the C++ reference (served over HTTP)`);
} finally {
  await server.close();
}
process.exit(0);
