// Merges Google Benchmark JSON files (native, WebGPU, cuBLAS) into one markdown table of fp32
// matmul TFLOP/s per N, with every implementation's ratio to webtx, plus other rows, and draws
// the plot (TFLOP/s against N, one line per implementation) as SVG.
//   node benchmarks/report.mjs a.json b.json ... [--md out.md] [--svg plot.svg] [--title text]
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = [], opt = {};
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) opt[args[i].slice(2)] = args[++i];
  else files.push(args[i]);
}

// name "BM_<impl>/<N>" -> series[impl][N] = TFLOP/s
const series = {}, other = [], contexts = [];
const tflopsOf = (b) => b['TFLOP/s'] ?? b.TFLOPS;
const pretty = {
  webtx_wgsl_matmul_fast: 'webtx WGSL (Dawn), matmul_fast',
  webtx_wgsl_matmul: 'webtx WGSL (Dawn), examples/matmul, symbolic',
  'vulkan_matmul/generated_fast': 'webtx SPIR-V (Vulkan), matmul_fast',
  'vulkan_matmul/generated_fast_scalar': 'webtx SPIR-V (Vulkan), matmul_fast, no vec4',
  'vulkan_matmul/generated_fast_row': 'webtx SPIR-V (Vulkan), matmul_fast, A by row',
  'vulkan_matmul/t128x128x16_r8x8': 'hand-built IR kernel, SPIR-V (Vulkan)',
  anchor_wgsl: 'hand-written WGSL (Dawn)', tfjs_webgpu: 'TF.js WebGPU (Dawn)',
  ort_webgpu: 'ORT-web WebGPU (Dawn)', cublas_fp32: 'cuBLAS fp32 (PyTorch)',
};
for (const f of files) {
  // Google Benchmark writes nan/-nan for undefined counters (e.g. a cv of zeros): not JSON.
  const j = JSON.parse(readFileSync(f, 'utf8').replace(/:\s*-?nan\b/gi, ': null'));
  contexts.push(j.context ?? {});
  for (const b of j.benchmarks ?? []) {
    // With repetitions, the fastest counts: GPU clocks ramping up after each size's setup
    // only ever slow a repetition down (the spread is in RESULTS.md's JSON).
    if (b.run_type === 'aggregate') continue;
    if (b.error_occurred) { other.push({ name: b.name, note: `skipped: ${b.error_message}` }); continue; }
    // "<impl>/<N>" (optionally "BM_" before and "/manual_time" after): one series per impl.
    const m = /^(?:BM_)?(.+)\/(\d+)(?:\/manual_time)?$/.exec(b.name);
    const tf = tflopsOf(b);
    if (m && tf !== undefined && /matmul|anchor|tfjs|ort|cublas/.test(m[1])) {
      const row = (series[m[1]] ??= {});
      row[Number(m[2])] = Math.max(row[Number(m[2])] ?? 0, tf);
    } else {
      other.push({ name: b.name, ms: b.real_time, unit: b.time_unit, tf, host: b.host_us_per_dispatch, label: b.label });
    }
  }
}
const Ns = [...new Set(Object.values(series).flatMap((s) => Object.keys(s).map(Number)))].sort((a, b) => a - b);
const impls = Object.keys(series);
const isWebtxWebGPU = (i) => i.startsWith('webtx_wgsl');
const webtxBest = (N) => Math.max(0, ...impls.filter(isWebtxWebGPU).map((i) => series[i][N] ?? 0));

let md = `| N (fp32 N×N×N) | ${impls.map((i) => pretty[i] ?? i).join(' | ')} |\n| --- |${impls.map(() => ' --- |').join('')}\n`;
for (const N of Ns) {
  const best = webtxBest(N);
  md += `| ${N} | ${impls.map((i) => {
    const v = series[i][N];
    if (v === undefined) return '—';
    return best && !isWebtxWebGPU(i) ? `${v.toFixed(1)} (${(v / best).toFixed(2)}×)` : v.toFixed(1);
  }).join(' | ')} |\n`;
}
md += '\nTFLOP/s; in parentheses, the ratio to webtx\'s best WebGPU kernel at that N.\n';
if (other.length) {
  md += '\n| other benchmark | time | TFLOP/s | host µs/dispatch | note |\n| --- | --- | --- | --- | --- |\n';
  for (const o of other) {
    md += `| ${o.name} | ${o.ms != null ? `${o.ms.toFixed(3)} ${o.unit}` : ''} | ${o.tf != null && Number.isFinite(o.tf) ? o.tf.toPrecision(3) : ''} | ${o.host != null ? o.host.toFixed(1) : ''} | ${o.note ?? o.label ?? ''} |\n`;
  }
}
console.log(md);
if (opt.md) writeFileSync(opt.md, md);

if (opt.svg && Ns.length) {
  const W = 960, H = 460, L = 60, R = 330, T = 40, B = 50;
  const ymax = Math.ceil(Math.max(...impls.flatMap((i) => Object.values(series[i]))) / 10) * 10 || 1;
  const lx = (N) => Math.log2(N), x0 = lx(Ns[0]), x1 = lx(Ns[Ns.length - 1]) || x0 + 1;
  const X = (N) => L + ((lx(N) - x0) / ((x1 - x0) || 1)) * (W - L - R);
  const Y = (v) => H - B - (v / ymax) * (H - T - B);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f', '#bcbd22', '#e377c2', '#000000', '#aec7e8'];
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="${W}" height="${H}" fill="white"/>\n<text x="${L}" y="22" font-size="14">${opt.title ?? 'fp32 matmul, TFLOP/s against N'}</text>\n`;
  for (let v = 0; v <= ymax; v += ymax / 5) {
    svg += `<line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#ddd"/><text x="${L - 8}" y="${Y(v) + 4}" text-anchor="end">${v}</text>\n`;
  }
  for (const N of Ns) svg += `<text x="${X(N)}" y="${H - B + 18}" text-anchor="middle">${N}</text>\n`;
  svg += `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">N</text><text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">TFLOP/s</text>\n`;
  impls.forEach((impl, k) => {
    const pts = Ns.filter((N) => series[impl][N] !== undefined).map((N) => `${X(N)},${Y(series[impl][N])}`);
    const c = colors[k % colors.length];
    const dash = /vulkan|cublas/.test(impl) ? ' stroke-dasharray="6 4"' : '';  // native: dashed
    svg += `<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.join(' ')}"/>\n`;
    for (const p of pts) svg += `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${c}"/>\n`;
    svg += `<line x1="${W - R + 15}" x2="${W - R + 35}" y1="${T + 18 * k}" y2="${T + 18 * k}" stroke="${c}" stroke-width="2"${dash}/><text x="${W - R + 40}" y="${T + 18 * k + 4}">${pretty[impl] ?? impl}</text>\n`;
  });
  svg += '</svg>\n';
  writeFileSync(opt.svg, svg);
}
