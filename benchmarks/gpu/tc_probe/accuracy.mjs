// The tc probe's accuracy run, webtx side: seeded random f16 A and B (N(0,1) draws, xorshift32 +
// Box-Muller, seed 1000 + n and 2000 + n, rounded to f16) through webtx's tensorized matmul
// models (examples/matmul_f16: f16 x f16 -> f32 and -> f16) in Dawn. Writes the inputs and each
// result raw (little-endian, row-major) to <data dir>: A_<n>.f16, B_<n>.f16, C_<model>.bin (f32
// or f16), for compare.py, which holds them against an f64 reference and cuBLAS.
//   node accuracy.mjs <models dir> <data dir> <n>...     (run from the repository root)
// Models: <models dir>/matmul_f16_<n> (f32 accumulation) and matmul_f16h_<n> (f16).
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// webtx's JS runtime from the checkout this runs in (run from the repository root).
const web = (f) => new URL(`web/src/${f}`, pathToFileURL(`${process.cwd()}/`)).href;
const { createNodeGPU } = await import(web('node.js'));
const { loadModel, f32ToF16Bits } = await import(web('index.js'));

const [dir, data, ...sizes] = process.argv.slice(2);
if (!dir || !data || !sizes.length) throw new Error('usage: accuracy.mjs <models dir> <data dir> <n>...');
const gpu = await createNodeGPU(['enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia']);
// n*n seeded N(0, 1) draws rounded to f16 (bits).
function normalF16(count, seed) {
  let s = seed >>> 0 || 1;
  const uni = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) + 0.5) / 4294967296; };
  const h = new Uint16Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uni())), t = 2 * Math.PI * uni();
    h[i] = f32ToF16Bits(r * Math.cos(t));
    if (i + 1 < count) h[i + 1] = f32ToF16Bits(r * Math.sin(t));
  }
  return h;
}
mkdirSync(data, { recursive: true });
for (const n of sizes.map(Number)) {
  const t0 = performance.now();
  const A = normalF16(n * n, 1000 + n), B = normalF16(n * n, 2000 + n);
  writeFileSync(`${data}/A_${n}.f16`, A);
  writeFileSync(`${data}/B_${n}.f16`, B);
  console.log(JSON.stringify({ inputs: n, dist: 'N(0,1) rounded to f16', seeds: [1000 + n, 2000 + n], ms: Math.round(performance.now() - t0) }));
  for (const name of [`matmul_f16_${n}`, `matmul_f16h_${n}`]) {
    const wasm = `${dir}/${name}/${name}.wasm`;
    if (!existsSync(wasm)) { console.log(JSON.stringify({ name, skip: `no ${wasm}` })); continue; }
    const t0 = performance.now();
    try {
      const model = await loadModel(readFileSync(wasm), { gpu });
      const out = await model.run({ A: { data: A, shape: [n, n] }, B: { data: B, shape: [n, n] } });
      const C = out.C.data ?? out.C;
      writeFileSync(`${data}/C_${name}.bin`, Buffer.from(C.buffer, C.byteOffset, C.byteLength));
      console.log(JSON.stringify({ name, n, dtype: C instanceof Float32Array ? 'f32' : 'f16',
        elements: C.length, ms: Math.round(performance.now() - t0) }));
      model.dispose();
    } catch (e) {
      console.log(JSON.stringify({ name, n, error: String(e.stack || e).slice(0, 600) }));
    }
  }
}
process.exit(0);
