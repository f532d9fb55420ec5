// The page's script, bundled by esbuild (npm run bundle) into dist/page.js. The bundle keeps
// each loader's `new URL('./<model>.wasm', import.meta.url)`, which then points next to the
// bundle: copy the .wasm files into dist/ with it (docs/install.md).
import { checkCases } from './check.js';
import * as loaders from './models.js';

const out = document.getElementById('out');
try {
  if (!navigator.gpu) throw new Error('this browser has no WebGPU (navigator.gpu)');
  const cases = await (await fetch('./refs.json')).json();
  const lines = await checkCases(loaders, cases, { gpu: navigator.gpu });
  out.textContent = lines.join('\n');
  window.consumerResult = { ok: true, lines };
} catch (e) {
  out.textContent = String(e?.stack ?? e);
  window.consumerResult = { ok: false, error: String(e?.message ?? e) };
}
