// A tiny static file server for tests and the demo: maps URL prefixes to folders, serves
// .wasm as application/wasm and ES modules as JavaScript. Listens on 127.0.0.1 only.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.wgsl': 'text/plain; charset=utf-8',
  '.css': 'text/css',
  '.d.ts': 'text/plain',
};

/**
 * @param {{mounts: Record<string, string>, port?: number}} opts  URL prefix -> folder,
 *   e.g. { '/': repoRoot, '/model/': buildDir }. The longest matching prefix wins.
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function startServer({ mounts, port = 0 }) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : prefix + '/', resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (path === '/__blank') {
        res.writeHead(200, { 'content-type': TYPES['.html'] });
        res.end('<!doctype html><title>webtx</title>');
        return;
      }
      const hit = table.find(([prefix]) => path.startsWith(prefix));
      if (!hit) throw Object.assign(new Error('no mount'), { code: 'ENOENT' });
      const file = normalize(join(hit[1], path.slice(hit[0].length)));
      if (file !== hit[1] && !file.startsWith(hit[1] + sep)) throw Object.assign(new Error(), { code: 'ENOENT' });
      let target = file;
      if ((await stat(target)).isDirectory()) target = join(target, 'index.html');
      const body = await readFile(target);
      res.writeHead(200, {
        'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500);
      res.end(String(e.message));
    }
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
