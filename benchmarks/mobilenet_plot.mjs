// node benchmarks/mobilenet_plot.mjs <dir>: the MobileNetV2 latency chart (plot.svg) from one
// run of benchmarks/gpu/mobilenet.sh (mobilenet_webgpu.json + mobilenet_torch.json in <dir>).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const web = JSON.parse(readFileSync(join(dir, 'mobilenet_webgpu.json'), 'utf8')).rows;
const torch = JSON.parse(readFileSync(join(dir, 'mobilenet_torch.json'), 'utf8')).runs;
const series = [
  ['webtx GPU time', '#1f5fbf', (b) => web.find((r) => r.impl === 'webtx' && r.batch === b)?.gpuMs],
  ['webtx end to end', '#4a90e2', (b) => web.find((r) => r.impl === 'webtx' && r.batch === b)?.e2eMs],
  ['ORT-web, I/O on GPU', '#d98c1f', (b) => web.find((r) => r.impl === 'ort-web' && r.batch === b)?.gpuIoMs],
  ['ORT-web end to end', '#f2b35c', (b) => web.find((r) => r.impl === 'ort-web' && r.batch === b)?.e2eMs],
  ['PyTorch eager (cuDNN)', '#5a9e4b', (b) => torch.find((r) => r.batch === b)?.eager_e2e_ms],
  ['PyTorch CUDA graph', '#97cf86', (b) => torch.find((r) => r.batch === b)?.cuda_graph_e2e_ms],
];
const batches = [1, 8];
const max = Math.max(...batches.flatMap((b) => series.map(([, , f]) => f(b) ?? 0)));
const W = 720, left = 170, barH = 16, gap = 4, groupGap = 26, scale = (W - left - 70) / max;
let y = 30;
const parts = [`<text x="10" y="18" font-weight="bold">MobileNetV2 224x224, ms per inference (lower is better)</text>`];
for (const b of batches) {
  parts.push(`<text x="10" y="${y + 12}" font-weight="bold">batch ${b}</text>`);
  y += 18;
  for (const [name, color, f] of series) {
    const v = f(b);
    if (v === undefined) continue;
    parts.push(`<text x="${left - 6}" y="${y + barH - 4}" text-anchor="end">${name}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, v * scale)}" height="${barH}" fill="${color}"/>`,
      `<text x="${left + v * scale + 4}" y="${y + barH - 4}">${v.toFixed(2)}</text>`);
    y += barH + gap;
  }
  y += groupGap;
}
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" font-family="sans-serif" font-size="11">${parts.join('')}</svg>\n`;
writeFileSync(join(dir, 'plot.svg'), svg);
console.log(`wrote ${join(dir, 'plot.svg')}`);
