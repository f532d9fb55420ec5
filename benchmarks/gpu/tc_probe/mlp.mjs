// The tc probe's MLP check: examples/mlp_f16_tc (y = relu(relu(x W1 + b1) W2 + b2), f16 storage,
// f32 sums; each matmul tensorized on subgroup matrices) through Dawn in Node, against the same
// MLP in f32 (mlp_f32_wide) on the same values, and its plain-f16 fallback variant
// (webgpu-large-f16, loaded on its own). Inputs and weights are seeded N(0,1) draws (weights
// scaled by 1/sqrt(fan-in), biases by 0.1) rounded to f16; the f32 model gets those same
// values. Prints one JSON line per (batch, comparison) and per (batch, model) timing:
//   errors of y: max_abs, mean_abs, max_rel (|err| / |ref| where |ref| >= 1e-2 rms(ref)),
//   norm_rel (||err|| / ||ref||); against the f32 model on every element, and against an f64
//   CPU evaluation (no intermediate rounding) on `--rows` sampled rows;
//   time: model.time (GPU timestamps, median), TFLOP/s of the two matmuls; per-kernel profile.
//   node mlp.mjs <models dir> [--batch 4096,8192] [--rows 16] [--suffix _small] [--check]
// --check (the CI dry run): exit 1 unless the f32 model ran and every comparison is within
// norm_rel 1e-5 (f32 vs f64) or 2e-2 (an f16 model vs anything).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// webtx's JS runtime from the checkout this runs in (run from the repository root).
const web = (f) => new URL(`web/src/${f}`, pathToFileURL(`${process.cwd()}/`)).href;
const { createNodeGPU } = await import(web('node.js'));
const { loadModel, encodeSafetensors, f32ToF16Bits, f16BitsToF32 } = await import(web('index.js'));

const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
const dir = argv[0];
if (!dir) throw new Error('usage: mlp.mjs <models dir> [--batch 4096,8192] [--rows 16]');
const batches = String(opt('batch', '4096,8192')).split(',').map(Number);
const ROWS = Number(opt('rows', 16));
// --suffix _small: the small builds (mlp_f16_tc_small, mlp_f32_wide_small; a dry run on SwiftShader).
const sfx = opt('suffix', ''), tc = `mlp_f16_tc${sfx}`, f32 = `mlp_f32_wide${sfx}`;
const paths = {
  tc: `${dir}/${tc}/webgpu-subgroup-matrix/${tc}.wasm`,
  fallback: `${dir}/${tc}/webgpu-large-f16/${tc}.wasm`,
  f32: `${dir}/${f32}/${f32}.wasm`,
};
const spec = JSON.parse(readFileSync(`${dir}/${f32}/${f32}.manifest.json`, 'utf8'));
const shape = Object.fromEntries(spec.tensors.map((t) => [t.name, t.shape]));
const IN = shape.w1[0], HID = shape.w1[1], OUT = shape.w2[1];
const gpu = await createNodeGPU(['enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia']);
console.log(JSON.stringify({ mlp: { in: IN, hidden: HID, out: OUT }, batches }));

// Seeded N(0, 1) (xorshift32 + Box-Muller) times `scale`, rounded to f16: bits and values.
let seed = 20261127;
const uni = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return ((seed >>> 0) + 0.5) / 4294967296; };
function draw(n, scale) {
  const h = new Uint16Array(n), f = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
    h[i] = f32ToF16Bits(g * scale);
    f[i] = f16BitsToF32(h[i]);
  }
  return { h, f };
}
const w = { w1: draw(IN * HID, 1 / Math.sqrt(IN)), b1: draw(HID, 0.1), w2: draw(HID * OUT, 1 / Math.sqrt(HID)), b2: draw(OUT, 0.1) };
const dims = { w1: [IN, HID], b1: [HID], w2: [HID, OUT], b2: [OUT] };
const weights = (f16) => encodeSafetensors(Object.keys(w).map((name) =>
  ({ name, dtype: f16 ? 'F16' : 'F32', shape: dims[name], data: f16 ? w[name].h : w[name].f })));
const wf16 = weights(true), wf32 = weights(false);

function errors(got, ref) {
  let maxAbs = 0, sumAbs = 0, sq = 0, rsq = 0, maxRel = 0, nan = 0;
  for (let i = 0; i < ref.length; i++) rsq += ref[i] * ref[i];
  const floor = 1e-2 * Math.sqrt(rsq / ref.length);
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(got[i] - ref[i]);
    if (Number.isNaN(e)) { nan++; continue; }
    maxAbs = Math.max(maxAbs, e); sumAbs += e; sq += e * e;
    if (Math.abs(ref[i]) >= floor) maxRel = Math.max(maxRel, e / Math.abs(ref[i]));
  }
  const p = (x) => +x.toPrecision(4);
  return { max_abs: p(maxAbs), mean_abs: p(sumAbs / ref.length), max_rel: p(maxRel), norm_rel: p(Math.sqrt(sq / rsq)), nan };
}
const values = (y) => (y instanceof Uint16Array ? Float64Array.from(y, f16BitsToF32) : Float64Array.from(y));

// f64 MLP on the rows `rows` of x (the f16-rounded values, no intermediate rounding).
function reference(x, rows) {
  const out = new Float64Array(rows.length * OUT), h = new Float64Array(HID);
  rows.forEach((r, ri) => {
    h.fill(0);
    for (let k = 0; k < IN; k++) {
      const xv = x.f[r * IN + k], base = k * HID;
      for (let j = 0; j < HID; j++) h[j] += xv * w.w1.f[base + j];
    }
    for (let j = 0; j < HID; j++) h[j] = Math.max(h[j] + w.b1.f[j], 0);
    for (let j = 0; j < OUT; j++) {
      let s = w.b2.f[j];
      for (let k = 0; k < HID; k++) s += h[k] * w.w2.f[k * OUT + j];
      out[ri * OUT + j] = Math.max(s, 0);
    }
  });
  return out;
}

const failures = [];
for (const batch of batches) {
  const x = draw(batch * IN, 1);
  const ins16 = { x: { data: x.h, shape: [batch, IN] } }, ins32 = { x: { data: x.f, shape: [batch, IN] } };
  const flops = 2 * batch * (IN * HID + HID * OUT);
  const ys = {}, models = {};
  for (const [name, wasm, ins, wts] of [['tc', [paths.tc, paths.fallback], ins16, wf16],
    ['fallback', paths.fallback, ins16, wf16], ['f32', paths.f32, ins32, wf32]]) {
    try {
      const src = Array.isArray(wasm) ? wasm.map((p) => readFileSync(p)) : readFileSync(wasm);
      const m = await loadModel(src, { gpu, weights: wts });
      models[name] = m;
      const out = await m.run(ins);
      ys[name] = values(out.y.data ?? out.y);
      const target = m.manifest.target;
      const probe = await m.time(ins, { iterations: 3 });
      await m.time(ins, { iterations: Math.min(200, Math.ceil(300 / Math.max(probe.medianMs, 0.05))) });
      const t = await m.time(ins, { iterations: 20 });
      const row = { batch, model: name, target, skipped: m.skippedVariants, ms: +t.medianMs.toFixed(3),
        tflops: +(flops / t.medianMs / 1e9).toFixed(1), method: t.method };
      if (name === 'tc') {
        try { row.profile = (await m.profile(ins, { iterations: 10 })).map((k) => `${k.name} ${k.ms.toFixed(3)} ms`); } catch (e) { row.profile = String(e.message); }
      }
      console.log(JSON.stringify(row));
    } catch (e) {
      console.log(JSON.stringify({ batch, model: name, error: String(e.stack || e).slice(0, 600) }));
    }
  }
  const report = (name, e) => {
    console.log(JSON.stringify({ batch, compare: name, ...e }));
    const bound = name.startsWith('f32 vs') ? 1e-5 : 2e-2;
    if (!(e.norm_rel <= bound) || e.nan) failures.push(`${name}: norm_rel ${e.norm_rel} > ${bound}`);
  };
  if (!ys.f32) failures.push(`batch ${batch}: the f32 model did not run`);
  for (const [a, b] of [['tc', 'f32'], ['fallback', 'f32'], ['tc', 'fallback']])
    if (ys[a] && ys[b]) report(`${a} vs ${b}`, { elements: ys[b].length, ...errors(ys[a], ys[b]) });
  const rows = Array.from({ length: ROWS }, (_, i) => Math.floor((i + 0.5) * batch / ROWS));
  const ref = reference(x, rows);
  for (const name of Object.keys(ys)) {
    const got = new Float64Array(rows.length * OUT);
    rows.forEach((r, ri) => got.set(ys[name].subarray(r * OUT, (r + 1) * OUT), ri * OUT));
    report(`${name} vs f64 (${ROWS} rows)`, errors(got, ref));
  }
  for (const m of Object.values(models)) m.dispose();
}
if (argv.includes('--check')) {
  console.log(failures.length ? `FAILED: ${failures.join('; ')}` : 'all passed');
  process.exit(failures.length ? 1 : 0);
}
process.exit(0);
