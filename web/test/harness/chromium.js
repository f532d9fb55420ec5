// Headless Chromium with WebGPU on SwiftShader (flags from NOTES.md), driven by playwright-core
// with the system browser: never downloads one.
import { existsSync } from 'node:fs';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan',
  '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--disable-gpu-sandbox',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic',
];

export function chromiumPath() {
  const p = process.env.WEBTX_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`webtx: no Chromium at ${p} (set WEBTX_CHROMIUM)`);
  return p;
}

/**
 * Launches Chromium, opens `url`, runs `fn(page)`, always closes the browser. Page console
 * output is forwarded to this process's stdout with a prefix.
 * @template T
 * @param {string} url
 * @param {(page: import('playwright-core').Page) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withChromiumPage(url, fn) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(`[chromium ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.log(`[chromium pageerror] ${e.message}`));
    await page.goto(url);
    return await fn(page);
  } finally {
    await browser.close();
  }
}
