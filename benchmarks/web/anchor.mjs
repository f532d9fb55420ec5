// The hand-written fp32 WGSL matmul (`anchor-matmul.mjs`, from ../shared/tools or .gpu/) is the
// bar our generated kernels must beat. It runs as its own process (it creates its own Dawn
// instance and exits) and prints one JSON line per size.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function findAnchor() {
  const candidates = [process.env.WEBTX_ANCHOR, path.join(repo, '.gpu/anchor-matmul.mjs'),
    path.join(repo, '../shared/tools/anchor-matmul.mjs')].filter(Boolean);
  return candidates.find((p) => existsSync(p));
}

export function anchorMatmul(sizes) {
  const script = findAnchor();
  if (!script) throw new Error('anchor-matmul.mjs not found (set WEBTX_ANCHOR, or run ../shared/tools/gpu-bundle)');
  const ok = sizes.filter((n) => n % 128 === 0);
  if (ok.length === 0) return [];
  // It loads Dawn from $WEBGPU_NODE_MODULES (set on the GPU machine); elsewhere, ours.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const env = { WEBGPU_NODE_MODULES: path.join(here, '../../web/node_modules'), ...process.env };
  const r = spawnSync(process.execPath, [script, ...ok.map(String)], { env, encoding: 'utf8', timeout: 600_000,
    cwd: here });
  if (r.status !== 0) throw new Error(`anchor-matmul failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((o) => o.N);
}
