// The tc probe's throughput variants: a copy of shared/tools/anchor-matmul-f16.mjs (the
// hand-written kernel webtx's tensorized kernels match, same timing and checks) with knobs the
// DSL cannot express yet, to find what limits f16 x f16 -> f32 at 4096^3 through Dawn:
//   UNR: 2     the k loop unrolled twice (with DB: constant staging-buffer indices)
//   ABL:       ablations (results are wrong on purpose; no correctness check):
//     'noglobal'  no global loads in the k loop (registers -> smem -> fragments -> MMA, barriers)
//     'smemonly'  no global loads, no smem stores, no barriers: fragment loads + MMA only
//     'mmaonly'   fragments loaded once before the loop: MMA only (the tensor-core ceiling
//                 through Dawn for this many subgroups and fragments)
// Each ablation removes one layer: the gaps between them say where the time goes.
//   . .gpu/env.sh; node variants.mjs [--sizes=4096] [--variants=a,b] [--norobust] [--check]
// (anchor-matmul-f16.mjs's usage follows.)
//   . .gpu/env.sh; node .gpu/anchor-matmul-f16.mjs [--sizes=4096,8192] [--variants=a,b] [--norobust] [--check]
// --check: compile-only on Dawn's null backend (local syntax check; no subgroup-matrix configs there).
import { pathToFileURL } from 'node:url';
const base = process.env.WEBGPU_NODE_MODULES || '/tmp/gpu/node_modules';
const { create, globals } = await import(pathToFileURL(`${base}/webgpu/index.js`).href);
Object.assign(globalThis, globals);
const arg = (k, d) => { const a = process.argv.find((x) => x.startsWith(`--${k}`)); return a ? (a.includes('=') ? a.split('=')[1] : true) : d; };
const CHECK = arg('check', false), NOROBUST = arg('norobust', false);
const SIZES = String(arg('sizes', '4096')).split(',').map(Number);
const toggles = ['allow_unsafe_apis', 'vulkan_enable_f16_on_nvidia', ...(NOROBUST ? ['disable_robustness'] : [])];
const gpu = create([...(CHECK || arg('null', false) ? ['backend=null'] : []), `enable-dawn-features=${toggles.join(',')}`]);
globalThis.keepGpu = gpu; // dawn.node crashes if the instance is collected
const ad = await gpu.requestAdapter({ powerPreference: 'high-performance' });
const cfgs = [...(ad.info.subgroupMatrixConfigs || [])].map((c) => ({ componentType: c.componentType, resultComponentType: c.resultComponentType, M: c.M, N: c.N, K: c.K }));
const L = ad.limits;
console.log(JSON.stringify({ adapter: ad.info.description, arch: ad.info.architecture, sgMin: ad.info.subgroupMinSize, sgMax: ad.info.subgroupMaxSize, wgStorage: L.maxComputeWorkgroupStorageSize, maxInv: L.maxComputeInvocationsPerWorkgroup, toggles, configs: cfgs }));
const dev = await ad.requestDevice({
  requiredFeatures: ['shader-f16', 'chromium-experimental-subgroup-matrix', 'subgroups', ...(ad.features.has('subgroup-size-control') ? ['subgroup-size-control'] : [])],
  requiredLimits: { maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize, maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX, maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize },
});
dev.onuncapturederror = (e) => console.log('UNCAPTURED', e.error.message.slice(0, 400));
const hasCfg = (t, r) => CHECK || arg('null', false) || cfgs.some((c) => c.componentType === t && c.resultComponentType === r && c.M === 16 && c.N === 16 && c.K === 16);

// ---------------- kernel generator ----------------
// A (N x N, row-major) and B (N x N, row-major) are bound as array<vec4<u32>> (8 halves per element), so global
// and workgroup traffic is 16 bytes per access; subgroupMatrixLoad reads f16 matrices out of those vec4<u32>
// arrays with offset/stride counted in vec4<u32> elements (the non-deprecated form allows this).
// mode 'smem': A/B tiles staged through workgroup memory (register prefetch of the next K tile, optional
// double buffer = one barrier per K step); mode 'gmem': subgroupMatrixLoad straight from the storage buffers.
const R = (n, f, sep = '\n') => Array.from({ length: n }, (_, i) => f(i)).join(sep);
function gen(c, N) {
  const { BM, BN, BK, SGM, SGN, acc = 'f32', mode = 'smem', DB = true, G = 8, PAD = 8, P = false, BT = false, UNR = 1, ABL = '', SF = false } = c;
  if ((UNR > 1 || ABL) && !(P && mode === 'smem')) throw new Error('UNR and ABL need P');
  if (BT && !(P && mode === 'smem')) throw new Error('BT needs P');
  const nsg = SGM * SGN, T = 32 * nsg, WM = BM / SGM, WN = BN / SGN, TM = WM / 16, TN = WN / 16;
  const N8 = N / 8, NK = N / BK, KK = BK / 16, BK8 = BK / 8, BN8 = BN / 8, WN8 = WN / 8;
  const left = 'subgroup_matrix_left<f16, 16, 16>', right = 'subgroup_matrix_right<f16, 16, 16>', res = `subgroup_matrix_result<${acc}, 16, 16>`;
  const nb = DB ? 2 : 1;
  // P (slices): workgroup tiles are arrays of per-subgroup slices, so every subgroupMatrixLoad gets a
  // pointer to its own slice plus a *constant* offset/stride -> Dawn's robustness pass can prove it in
  // bounds at compile time and does not wrap it in a predicated branch.
  const SA = (BK + PAD) / 8, SB = BT ? (BK + PAD) / 8 : P ? (WN + PAD) / 8 : (BN + PAD) / 8;
  const ASL = P ? WM * SA + 2 * SA + 16 : nb * BM * SA + Math.max(BN, BK) / 8 + 8; // slice length (vec4<u32>)
  const BSL = BT ? WN * SB + 2 * SB + 16 : P ? BK * SB + 2 * SB + 16 : nb * BK * SB + Math.max(BN, BK) / 8 + 8;
  const nA = P ? nb * SGM : 1, nBs = P ? nb * SGN : 1;
  const ASZ = BM * SA, BSZ = BK * SB; // non-P buffer stride
  const PA = (BM * BK / 8) / T, PB = (BK * BN / 8) / T; // vec4<u32> per thread per K tile
  if (mode === 'smem' && (!Number.isInteger(PA) || !Number.isInteger(PB))) throw new Error('tile does not divide among threads');
  const smemBytes = mode === 'smem' ? (nA * ASL + nBs * BSL) * 16 : 0;
  const s = [];
  s.push('enable f16;', 'enable chromium_experimental_subgroup_matrix;', 'enable subgroups;');
  s.push('@group(0) @binding(0) var<storage, read> A: array<vec4<u32>>;', '@group(0) @binding(1) var<storage, read> B: array<vec4<u32>>;');
  s.push(`@group(0) @binding(2) var<storage, read_write> C: array<${acc}>;`);
  if (mode === 'smem') {
    if (P) s.push(`var<workgroup> As: array<array<vec4<u32>, ${ASL}>, ${nA}>;`, `var<workgroup> Bs: array<array<vec4<u32>, ${BSL}>, ${nBs}>;`);
    else s.push(`var<workgroup> As: array<vec4<u32>, ${ASL}>;`, `var<workgroup> Bs: array<vec4<u32>, ${BSL}>;`);
  }
  s.push(`@compute @workgroup_size(${T})`);
  s.push('fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32, @builtin(subgroup_id) sg: u32) {');
  // grouped tile order for L2 reuse: G row-tiles sweep all column tiles together
  const npn = N / BN, npm = N / BM, g = Math.min(G, npm);
  s.push(`  let pid = wg.x; let gid = pid / ${g * npn}u; let pm = gid * ${g}u + pid % ${g}u; let pn = (pid % ${g * npn}u) / ${g}u;`);
  s.push(`  let m0 = pm * ${BM}u; let n0 = pn * ${BN}u; let wm = sg / ${SGN}u; let wn = sg % ${SGN}u;`);
  s.push(R(TM, (i) => R(TN, (j) => `  var c${i}_${j} = ${res}();`)));
  const loadA = (i, kk) => `    let a${i}_${kk} = subgroupMatrixLoad<${left}, row_major>(${aAt_(i, kk)});`;
  let aAt_;
  // SF (streamed fragments): per k substep the TN B fragments, then one A fragment at a time
  // with its TN products: TN + 1 fragments live instead of TM + TN (fewer registers).
  const mma = (aAt, bAt) => { aAt_ = aAt; return R(KK, (kk) => [
    ...(SF ? [] : [R(TM, (i) => loadA(i, kk))]),
    R(TN, (j) => `    let b${j}_${kk} = subgroupMatrixLoad<${right}, ${BT ? 'col_major' : 'row_major'}>(${bAt(j, kk)});`),
    R(TM, (i) => (SF ? loadA(i, kk) + '\n' : '') + R(TN, (j) => `    c${i}_${j} = subgroupMatrixMultiplyAccumulate(a${i}_${kk}, b${j}_${kk}, c${i}_${j});`)),
  ].join('\n')); };
  if (mode === 'smem') {
    // per-thread global source index and workgroup destination (slice, index)
    s.push(R(PA, (p) => `  let ai${p} = li + ${p * T}u; let ar${p} = ai${p} / ${BK8}u; let ag${p} = (m0 + ar${p}) * ${N8}u + ai${p} % ${BK8}u;` +
      (P ? ` let asl${p} = ar${p} / ${WM}u; let as${p} = (ar${p} % ${WM}u) * ${SA}u + ai${p} % ${BK8}u;` : ` let as${p} = ar${p} * ${SA}u + ai${p} % ${BK8}u;`)));
    if (BT) s.push(R(PB, (p) => `  let bi${p} = li + ${p * T}u; let bn${p} = bi${p} / ${BK8}u; let bg${p} = (n0 + bn${p}) * ${N8}u + bi${p} % ${BK8}u;` +
      ` let bsl${p} = bn${p} / ${WN}u; let bs${p} = (bn${p} % ${WN}u) * ${SB}u + bi${p} % ${BK8}u;`));
    else s.push(R(PB, (p) => `  let bi${p} = li + ${p * T}u; let br${p} = bi${p} / ${BN8}u; let bc${p} = bi${p} % ${BN8}u; let bg${p} = br${p} * ${N8}u + n0 / 8u + bc${p};` +
      (P ? ` let bsl${p} = bc${p} / ${WN8}u; let bs${p} = br${p} * ${SB}u + bc${p} % ${WN8}u;` : ` let bs${p} = br${p} * ${SB}u + bc${p};`)));
    s.push(R(PA, (p) => `  var ra${p} = A[ag${p}];`), R(PB, (p) => `  var rb${p} = B[bg${p}];`));
    const store = (buf) => P
      ? [R(PA, (p) => `    As[${buf === '0' ? '' : `${buf} * ${SGM}u + `}asl${p}][as${p}] = ra${p};`), R(PB, (p) => `    Bs[${buf === '0' ? '' : `${buf} * ${SGN}u + `}bsl${p}][bs${p}] = rb${p};`)].join('\n')
      : [R(PA, (p) => `    As[${buf === '0' ? '' : `${buf} * ${ASZ}u + `}as${p}] = ra${p};`), R(PB, (p) => `    Bs[${buf === '0' ? '' : `${buf} * ${BSZ}u + `}bs${p}] = rb${p};`)].join('\n');
    s.push(store('0'), '  workgroupBarrier();');
    const frags = (curExpr) => [`    let pa = &As[${curExpr} * ${SGM}u + wm]; let pb = &Bs[${curExpr} * ${SGN}u + wn];`,
      mma((i, kk) => `pa, ${i * 16 * SA + kk * 2}u, ${SA}u`, (j, kk) => BT ? `pb, ${j * 16 * SB + kk * 2}u, ${SB}u` : `pb, ${kk * 16 * SB + j * 2}u, ${SB}u`)];
    if (ABL === 'mmaonly') {
      // Fragments once, then only multiply-accumulates in the loop.
      const f = frags('0u');
      const lines = f[1].split('\n');
      s.push(f[0].replace('    ', '  '), lines.filter((l) => l.includes('subgroupMatrixLoad')).map((l) => l.replace('    ', '  ')).join('\n'));
      s.push(`  for (var kt = 0u; kt < ${NK}u; kt++) {`, lines.filter((l) => !l.includes('subgroupMatrixLoad')).join('\n'), '  }');
    } else {
      // One k step at `kt + u` (u = 0..UNR-1); with DB and UNR even the buffer index is constant.
      const step = (u) => {
        const out = [];
        const kt = u ? `(kt + ${u}u)` : 'kt';
        if (!ABL) {
          out.push(`    let nx${u} = min(${kt} + 1u, ${NK - 1}u);`);
          out.push(R(PA, (p) => `    ra${p} = A[ag${p} + nx${u} * ${BK8}u];`), R(PB, (p) => `    rb${p} = B[bg${p} + nx${u} * ${BT ? BK8 : BK * N8}u];`));
        }
        const cur = DB ? (UNR % 2 === 0 ? `${u % 2}u` : `(${kt} & 1u)`) : '0u';
        out.push('    {', ...frags(cur), '    }');
        if (ABL === 'smemonly') return out;
        if (DB) out.push(store(`(${cur} ^ 1u)`), '    workgroupBarrier();');
        else out.push('    workgroupBarrier();', store('0'), '    workgroupBarrier();');
        return out;
      };
      if (NK % UNR) throw new Error('UNR must divide the k steps');
      s.push(`  for (var kt = 0u; kt < ${NK}u; kt += ${UNR}u) {`);
      for (let u = 0; u < UNR; u++) s.push(...step(u));
      s.push('  }');
    }
  } else {
    s.push(`  let ar = (m0 + wm * ${WM}u) * ${N8}u; let bc = (n0 + wn * ${WN}u) / 8u;`);
    s.push(`  for (var kt = 0u; kt < ${NK}u; kt++) {`, `    let k8 = kt * ${BK / 8}u;`);
    s.push(mma((i, kk) => `&A, ar + ${i * 16 * N8}u + k8 + ${kk * 2}u, ${N8}u`, (j, kk) => `&B, (k8 * 8u + ${kk * 16}u) * ${N8}u + bc + ${j * 2}u, ${N8}u`));
    s.push('  }');
  }
  s.push(R(TM, (i) => R(TN, (j) => `  subgroupMatrixStore<row_major>(&C, (m0 + wm * ${WM}u + ${i * 16}u) * ${N}u + n0 + wn * ${WN}u + ${j * 16}u, c${i}_${j}, ${N}u);`)));
  s.push('}');
  return { code: s.join('\n'), T, wgs: npm * npn, smemBytes };
}

const tile128 = { BM: 128, BN: 128, BK: 32, SGM: 2, SGN: 2, DB: false, P: true };  // 128x128, 4 subgroups: webtx's best at 4096
const wide = { BM: 128, BN: 256, BK: 32, SGM: 2, SGN: 4, DB: false, P: true };  // 128x256, 8 subgroups (the default tile)
const V = {
  // name: config (as the anchor's; UNR, ABL above)
  base_128x128_4sg: tile128,
  base_128x128_4sg_noglobal: { ...tile128, ABL: 'noglobal' },
  base_128x128_4sg_smemonly: { ...tile128, ABL: 'smemonly' },
  base_128x128_4sg_mmaonly: { ...tile128, ABL: 'mmaonly' },
  base_128x128_4sg_unr2: { ...tile128, UNR: 2 },
  base_128x128_4sg_db_unr2: { ...tile128, DB: true, UNR: 2 },
  base_128x128_4sg_bt_unr2: { ...tile128, BT: true, UNR: 2 },
  wide_128x256_8sg: wide,
  wide_128x256_8sg_unr2: { ...wide, UNR: 2 },
  wide_128x256_8sg_mmaonly: { ...wide, ABL: 'mmaonly' },
  wide_128x256_8sg_smemonly: { ...wide, ABL: 'smemonly' },
  occ_128x128_8sg_32x64: { BM: 128, BN: 128, BK: 32, SGM: 4, SGN: 2, DB: false, P: true },
  occ_128x128_8sg_32x64_mmaonly: { BM: 128, BN: 128, BK: 32, SGM: 4, SGN: 2, DB: false, P: true, ABL: 'mmaonly' },
  big_256x128_8sg_64x64_unr2: { BM: 256, BN: 128, BK: 32, SGM: 4, SGN: 2, DB: false, P: true, UNR: 2 },
  anchor_s128x256_8sg_64x64_bk32_nodb_P: { BM: 128, BN: 256, BK: 32, SGM: 2, SGN: 4, DB: false, P: true },
  // Probe 2, aimed at the measured limit (registers at the 255 cap: 2 workgroups of 4 subgroups
  // per SM, 8 warps, too few to hide the global loads and the barriers):
  //   base_128x128_4sg_sf        the base with streamed fragments (SF): fewer registers, same tile
  //   lowreg_128x128_8sg_64x32   8 subgroups of 64 x 32 (8 accumulators each, not 16): under 128
  //                              registers, 2 workgroups = 16 warps per SM (occ_* was 4 x 2
  //                              subgroups of 32 x 64 at 162 registers: 1 workgroup per SM)
  //   lowreg_128x128_8sg_64x32_sf  the same with SF
  //   lowreg_128x64_4sg_64x32_sf   4 subgroups of 64 x 32: 128 invocations, small workgroups,
  //                              up to 4 per SM under 128 registers
  base_128x128_4sg_sf: { ...tile128, SF: true },
  lowreg_128x128_8sg_64x32: { BM: 128, BN: 128, BK: 32, SGM: 2, SGN: 4, DB: false, P: true },
  lowreg_128x128_8sg_64x32_sf: { BM: 128, BN: 128, BK: 32, SGM: 2, SGN: 4, DB: false, P: true, SF: true },
  lowreg_128x64_4sg_64x32_sf: { BM: 128, BN: 64, BK: 32, SGM: 2, SGN: 2, DB: false, P: true, SF: true },
};
const names = arg('variants', null) ? String(arg('variants')).split(',') : Object.keys(V);

if (CHECK) {
  for (const n of names) {
    const { code, smemBytes } = gen(V[n], 4096);
    const m = dev.createShaderModule({ code });
    const ci = await m.getCompilationInfo();
    console.log(n, 'smem', smemBytes, ci.messages.map((x) => `${x.type}: ${x.message.slice(0, 300)} @${x.lineNum}:${x.linePos}`));
    if (arg('dump', false) === n) console.log(code);
  }
  process.exit(0);
}

// ---------------- data ----------------
const NMAX = Math.max(...SIZES), SL = NMAX; // slack elements past N*N in every buffer
const f2h = (v) => { if (v === 0) return 0; const sg = v < 0 ? 0x8000 : 0; v = Math.abs(v); const e = Math.floor(Math.log2(v)); return sg | ((e + 15) << 10) | Math.round((v / 2 ** e - 1) * 1024); };
const H = new Uint16Array(65); for (let k = -32; k <= 32; k++) H[k + 32] = f2h(k / 32);
let seed = 12345; const rnd = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
const mk = () => { const q = new Int8Array(NMAX * NMAX); const h = new Uint16Array(NMAX * NMAX + SL); for (let i = 0; i < q.length; i++) { const k = (rnd() % 65) - 32; q[i] = k; h[i] = H[k + 32]; } return { q, h }; };
const t0 = performance.now();
const a = mk(), b = mk();
const mkBuf = (bytes, usage) => dev.createBuffer({ size: Math.ceil(bytes / 16) * 16, usage });
const SU = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
const Ab = mkBuf(a.h.byteLength, SU), Bb = mkBuf(b.h.byteLength, SU);
dev.queue.writeBuffer(Ab, 0, a.h); dev.queue.writeBuffer(Bb, 0, b.h);
const Cb = { f32: mkBuf((NMAX * NMAX + SL) * 4, SU), f16: mkBuf((NMAX * NMAX + SL) * 2, SU) };
await dev.queue.onSubmittedWorkDone();
console.log(JSON.stringify({ dataMs: Math.round(performance.now() - t0) }));
const h2f = (x) => { const e = (x >> 10) & 31, m = x & 1023, s = x & 0x8000 ? -1 : 1; return e === 0 ? s * m * 2 ** -24 : e === 31 ? NaN : s * (1 + m / 1024) * 2 ** (e - 15); };

async function runVariant(name, c, N) {
  const acc = c.acc || 'f32';
  if (!hasCfg('f16', acc)) return { name, N, skip: `no f16->${acc} 16x16x16 config` };
  const { code, T, wgs, smemBytes } = gen(c, N);
  if (smemBytes > L.maxComputeWorkgroupStorageSize) return { name, N, skip: `smem ${smemBytes} > ${L.maxComputeWorkgroupStorageSize}` };
  dev.pushErrorScope('validation');
  const m = dev.createShaderModule({ code });
  const ci = await m.getCompilationInfo();
  const msgs = ci.messages.map((x) => `${x.type}: ${x.message.slice(0, 300)}`);
  let p;
  try { p = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module: m, entryPoint: 'main' } }); } catch (e) { await dev.popErrorScope(); return { name, N, error: e.message.slice(0, 600), msgs }; }
  const C = Cb[acc];
  const bg = dev.createBindGroup({ layout: p.getBindGroupLayout(0), entries: [Ab, Bb, C].map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const verr = await dev.popErrorScope(); if (verr) return { name, N, error: verr.message.slice(0, 600), msgs };
  const sub = (reps, clear) => { const e = dev.createCommandEncoder(); if (clear) e.clearBuffer(C); const ps = e.beginComputePass(); ps.setPipeline(p); ps.setBindGroup(0, bg);
    for (let i = 0; i < reps; i++) ps.dispatchWorkgroups(wgs); ps.end(); dev.queue.submit([e.finish()]); return dev.queue.onSubmittedWorkDone(); };
  // correctness
  dev.pushErrorScope('validation');
  await sub(1, true);
  const eb = acc === 'f32' ? 4 : 2;
  const rb = dev.createBuffer({ size: N * N * eb, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const e = dev.createCommandEncoder(); e.copyBufferToBuffer(C, 0, rb, 0, N * N * eb); dev.queue.submit([e.finish()]);
  await rb.mapAsync(GPUMapMode.READ);
  const out = acc === 'f32' ? new Float32Array(rb.getMappedRange().slice(0)) : new Uint16Array(rb.getMappedRange().slice(0));
  rb.unmap(); rb.destroy();
  const get = acc === 'f32' ? (i) => out[i] : (i) => h2f(out[i]);
  const pts = [[0, 0], [N - 1, N - 1], [N - 1, 0], [0, N - 1], [N - 17, 5], [5, N - 17]];
  for (let t = 0; t < 400; t++) pts.push([rnd() % N, rnd() % N]);
  let maxErr = 0, maxRef = 0, bad = 0;
  for (const [i, j] of pts) {
    let sacc = 0; if (c.BT) for (let k = 0; k < N; k++) sacc += a.q[i * N + k] * b.q[j * N + k]; else for (let k = 0; k < N; k++) sacc += a.q[i * N + k] * b.q[k * N + j];
    const ref = sacc / 1024, got = get(i * N + j), err = Math.abs(got - ref);
    if (!(err <= maxErr)) maxErr = Number.isNaN(err) ? Infinity : err; maxRef = Math.max(maxRef, Math.abs(ref));
    if (!(err < 0.05 * Math.max(1, Math.abs(ref)))) bad++;
  }
  // timing: warm up ~300 ms (clocks), re-estimate, then 5 batches of ~50 ms; report the median
  let t = performance.now(); await sub(3); let est = (performance.now() - t) / 3;
  await sub(Math.max(1, Math.min(2000, Math.round(300 / est))));
  let r0 = Math.max(1, Math.min(2000, Math.round(50 / est)));
  t = performance.now(); await sub(r0); est = (performance.now() - t) / r0;
  const reps = Math.max(1, Math.min(2000, Math.round(50 / est)));
  const ms = [];
  for (let i = 0; i < 5; i++) { t = performance.now(); await sub(reps); ms.push((performance.now() - t) / reps); }
  ms.sort((x, y) => x - y);
  const med = ms[2];
  const err2 = await dev.popErrorScope();
  return { name, N, robust: !NOROBUST, ...(c.ABL ? { ablation: c.ABL, note: 'results wrong by design' } : {}), acc, layout: c.BT ? 'A row-major, B^T given (NT)' : 'A,B row-major (NN)', T, smem: smemBytes, reps, ms: +med.toFixed(3), tflops: +(2 * N ** 3 / med / 1e9).toFixed(1), min_ms: +ms[0].toFixed(3), max_ms: +ms[4].toFixed(3), maxAbsErr: +maxErr.toPrecision(3), maxAbsRef: +maxRef.toFixed(2), badSamples: bad, samples: pts.length, ...(err2 ? { error: err2.message.slice(0, 300) } : {}), ...(msgs.length ? { msgs } : {}) };
}

for (const n of names) for (const N of SIZES) {
  try { console.log(JSON.stringify(await runVariant(n, V[n], N))); } catch (e) { console.log(JSON.stringify({ name: n, N, exception: String(e.stack || e).slice(0, 600) })); }
}
process.exit(0);
