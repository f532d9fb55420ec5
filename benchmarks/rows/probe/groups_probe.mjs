// Few long rows written by several workgroups each (issue 11: layernorm 64 x 32768 sat at 70% of
// copy). Times generated row kernels (the interior `_vec4` kernel of a rows_<op>__<candidate>
// model, its symbols as `const` as web/src/specialize.js makes them) and ablations of their
// text beside the vec4 copy of the same bytes, in one process: GPU timestamps per pass, the
// median of the last half of PASSES (200) passes in one submission, ROUNDS (9) rounds, each
// measurement after HEATS ms of copies in the same submission (default 0 and 200: both; see
// clockHeater in benchmarks/web/copy_kernel.mjs); each kernel checked against a
// double-precision reference in round 0:
//   <tag>          as generated (G = the candidate's workgroups per row; 1: none)
//   <tag>_regs     G > 1: each workgroup's chunk written from the register cache (X_private),
//                  its vec4 at step s chosen by select() among the G candidates (constant
//                  indices), instead of re-reading X from global memory
//   <tag>_branch   the same as one branch per chunk (if i1_outer == g) with constant indices
//   <tag>_nogb     layernorm: gamma and beta not read (1 and 0): what their loads cost
// Usage: [N=32768] node groups_probe.mjs <repo root> <softmax|layernorm> <rows,..> tag=file.wgsl[:G] ...
// (benchmarks/results/clock_2026-11-28-h200/NOTE.md: how the kernels were built and run.)
import { readFileSync } from 'node:fs';
import { readF32, rowBuffers } from './probe_data.mjs';
const [root, op, rowsArg, ...kernels] = process.argv.slice(2);
const N = Number(process.env.N ?? 32768), ROWS = rowsArg.split(',').map(Number);
const { createGPU, requestDevice } = await import(`${root}/benchmarks/web/dawn.mjs`);
const { makeCopy, makeHeater, timedPasses } = await import(`${root}/benchmarks/web/copy_kernel.mjs`);
const { Specializer } = await import(`${root}/web/src/specialize.js`);
const gpu = await createGPU();
const { device, adapterName } = await requestDevice(gpu, { features: ['timestamp-query'] });
console.log(`adapter: ${adapterName}; ${op} rows ${ROWS} x ${N}`);

// The module web/src/specialize.js compiles for these values: each symbol line's uniform field
// (M or N) gives its value.
const specialize = (code, M) => Specializer.specialize(code,
  [...code.matchAll(/= webtx_uniforms\.(\w+);\s*\/\/ webtx:symbol (\d+)/g)].sort((a, b) => a[2] - b[2]).map((m) => (m[1] === 'M' ? M : N)));
// The interior's output steps: `let X_vec<k>: vec4<f32> = X[... + (<s>i * <T>i)) + <lane var>)];`
const OUT_READ = /let (X_vec\d+(?:_\d+)?): vec4<f32> = X\[\(\(\(\(i0 \* \(N_1 \/ 4i\)\) \+ \(i1_outer \* (\d+)i\)\) \+ \((\d+)i \* (\d+)i\)\) \+ \w+\)\];/g;
// The register holding output step `s` of chunk `g`: X_private keeps the row's vec4s in steps
// of T invocations, `chunk` / T of them per chunk.
const cached = (chunk, T, s, g) => `X_private[${g * (Number(chunk) / Number(T)) + Number(s)}i]`;
function regs(code, G) {
  let n = 0;
  const out = code.replace(OUT_READ, (_, name, chunk, s, T) => {
    let e = cached(chunk, T, s, 0);
    for (let g = 1; g < G; g++) e = `select(${e}, ${cached(chunk, T, s, g)}, i1_outer == ${g}i)`;
    n++;
    return `let ${name}: vec4<f32> = ${e};`;
  });
  if (!n) throw new Error('regs: no output read of X found');
  return out;
}
// One branch per chunk: the interior's output block (after the last reduction's result) copied
// G times, each with i1_outer the literal g and its X reads taken from X_private[g * per + s].
function branch(code, G) {
  const lines = code.split('\n');
  const first = lines.findIndex((l) => l.includes('let X_vec0: vec4<f32> = X['));
  const start = first - 2;  // the block's `{` and its lane's let
  const end = lines.indexOf('  } else {');
  const block = lines.slice(start, end).join('\n');
  let body = '';
  for (let g = 0; g < G; g++) {
    const chosen = block.replace(OUT_READ, (_, name, chunk, s, T) =>
      `let ${name}: vec4<f32> = ${cached(chunk, T, s, g)};`).replaceAll('i1_outer', `${g}i`);
    body += `${g ? ' else ' : '    '}if (i1_outer == ${g}i) {\n${chosen}\n    }`;
  }
  return [...lines.slice(0, start), body, ...lines.slice(end)].join('\n');
}
const nogb = (code) => code.replace(/let (gamma_vec\w*): vec4<f32> = [^;]*;/g, 'let $1: vec4<f32> = vec4<f32>(1.0f);')
  .replace(/let (beta_vec\w*): vec4<f32> = [^;]*;/g, 'let $1: vec4<f32> = vec4<f32>(0.0f);');

const variants = [];
for (const arg of kernels) {
  const [tag, rest] = arg.split('=');
  const [path, Gs] = rest.split(':');
  const G = Number(Gs ?? 1), code = readFileSync(path, 'utf8');
  variants.push({ name: tag, code, G });
  if (G > 1) {
    variants.push({ name: `${tag}_regs`, code: regs(code, G), G });
    variants.push({ name: `${tag}_branch`, code: branch(code, G), G });
  }
  if (op === 'layernorm') variants.push({ name: `${tag}_nogb`, code: nogb(code), G, noGammaBeta: true });
}
const pipelines = new Map();
async function pipelineOf(v, M) {
  const key = `${v.name}/${M}`;
  if (!pipelines.has(key)) {
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: specialize(v.code, M) });
    const p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const err = await device.popErrorScope();
    if (err) throw new Error(`${v.name}: ${err.message}`);
    pipelines.set(key, p);
  }
  return pipelines.get(key);
}

const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
function reference(x, gamma, beta, M, noGammaBeta) {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    const row = x.subarray(i * N, (i + 1) * N);
    if (op === 'softmax') {
      let m = -Infinity, s = 0;
      for (const v of row) m = Math.max(m, v);
      for (const v of row) s += Math.exp(v - m);
      for (let j = 0; j < N; j++) y[i * N + j] = Math.exp(row[j] - m) / s;
    } else {
      let mean = 0, v = 0;
      for (const a of row) mean += a;
      mean /= N;
      for (const a of row) v += (a - mean) ** 2;
      const r = 1 / Math.sqrt(v / N + 1e-5);
      for (let j = 0; j < N; j++) y[i * N + j] = (row[j] - mean) * r * (noGammaBeta ? 1 : gamma[j]) + (noGammaBeta ? 0 : beta[j]);
    }
  }
  return y;
}

const copyOf = makeCopy(device);
const heater = makeHeater(device);
const results = [];
const ROUNDS = Number(process.env.ROUNDS ?? 9), PASSES = Number(process.env.PASSES ?? 200);
// HEATS: ms of copies encoded before each measurement's passes in the same submission (0: none),
// each variant measured at each (column <name>@<ms>): what the GPU's clock governor does to it.
const HEATS = (process.env.HEATS ?? '0,200').split(',').map(Number);
const timed = (encode, heatMs) => timedPasses(device, PASSES, PASSES >> 1, encode, { heater, heatMs });
const gamma = new Float32Array(N), beta = new Float32Array(N);
for (let j = 0; j < N; j++) gamma[j] = 1 + ((j * 5) % 7) / 7, beta[j] = ((j * 3) % 11) / 11 - 0.5;
const G_ = device.createBuffer({ size: 4 * N, usage }), B_ = device.createBuffer({ size: 4 * N, usage });
device.queue.writeBuffer(G_, 0, gamma), device.queue.writeBuffer(B_, 0, beta);
const names = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const M of ROWS) {
    const bytes = 4 * M * N;
    const { x, X, Y } = rowBuffers(device, M, N);
    const U = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(U, 0, new Int32Array([M, N, 0, 0]));
    for (const heat of HEATS) {
      const copy = copyOf(bytes);
      const copyMs = (await timed(copy.encode, heat))[PASSES >> 2];
      copy.destroy();
      results.push({ round, M, heat, name: `copy@${heat}`, ms: copyMs, pct: 100 });
      for (const v of variants) {
        const p = await pipelineOf(v, M);
        const buffers = op === 'softmax' ? [X, Y] : [X, G_, B_, Y];
        const layout = p.getBindGroupLayout(0);
        const entries = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
        // Specialized modules may no longer use the uniform block: bind it only if read.
        if (specialize(v.code, M).includes('webtx_uniforms.')) entries.push({ binding: buffers.length, resource: { buffer: U } });
        const bind = device.createBindGroup({ layout, entries });
        const encode = (enc, timestampWrites) => {
          const pass = enc.beginComputePass(timestampWrites ? { timestampWrites } : {});
          pass.setPipeline(p), pass.setBindGroup(0, bind), pass.dispatchWorkgroups(M, v.G);
          pass.end();
        };
        const ms = (await timed(encode, heat))[PASSES >> 2];
        const r = { round, M, heat, name: `${v.name}@${heat}`, ms, pct: (100 * copyMs) / ms };
        if (round === 0 && heat === HEATS[0]) {
          const y = await readF32(device, Y, bytes), want = reference(x, gamma, beta, M, v.noGammaBeta);
          let err = 0;
          for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i] - want[i]));
          r.maxAbsErr = err;
        }
        results.push(r);
      }
    }
    X.destroy(), Y.destroy(), U.destroy();
  }
}
for (const r of results) if (!names.includes(r.name)) names.push(r.name);
console.log(`| M×N | kernel | % of copy (median of ${ROUNDS}) | µs (min–max) | max abs err |\n| --- | --- | --- | --- | --- |`);
for (const M of ROWS)
  for (const name of names) {
    const rs = results.filter((r) => r.M === M && r.name === name), p = rs.map((r) => r.pct).sort((a, b) => a - b);
    const us = rs.map((r) => r.ms * 1000), err = rs.find((r) => r.maxAbsErr !== undefined)?.maxAbsErr;
    console.log(`| ${M}×${N} | ${name} | ${p[p.length >> 1].toFixed(0)}% | ${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)} | ${err === undefined ? '' : err.toExponential(1)} |`);
  }
for (const r of results) console.log(`JSON ${JSON.stringify(r)}`);
process.exit(0);
