// Where a symbolic row kernel loses to the constant-shape build of the same op (issue 11:
// softmax 4096 x 1024 ran at 76% of copy symbolic, 84% constant). Times, beside the vec4 copy
// in one process (GPU timestamps per pass, median of 30 passes, 5 rounds), a generated kernel
// and ablations of its text:
//   generic      as built (symbols read from the uniform block)
//   fixed        the same module with the override constants set to M, N (what web/src's
//                shape-specialized pipelines run)
//   noguard      the row guard `if (row < M_1) {` replaced by `if (true) {`
//   fixed_noguard both
//   literal      the symbols' lets as literals; literal_ends: also the loops' computed ends
//                (END, default 4: N / 256 at N = 1024); literal_ends_noguard: also no row guard
//   const        the constant-shape build's kernel (no uniform block); const_with_uniform: the
//                block declared and read (unused); literal_ends_noguard_nouniform: no block
//   literal_inline the symbols as literals at every use; const_rowmul: the constant kernel's
//                row offset as (row) * N; literal_inline_blocks: `if (true) {` as `{`;
//                literal_inline_loopends: the loops' ends as literals in the loop; _both
//   inline_ends  each loop's end expression in its condition (no let); _fixed: with the
//                overrides set; _literal: symbols' lets as literals; _const: as const decls
// Usage: node gap_probe.mjs <repo root> <M> <N> <rows per workgroup> <generic.wgsl> <const.wgsl>
import { readFileSync } from 'node:fs';
const [root, Ms, Ns, rowsS, genericPath, constPath] = process.argv.slice(2);
const M = Number(Ms), N = Number(Ns), rowsPerWg = Number(rowsS);
const { createGPU, requestDevice } = await import(`${root}/benchmarks/web/dawn.mjs`);
const { makeCopy, timedPasses } = await import(`${root}/benchmarks/web/copy_kernel.mjs`);
const gpu = await createGPU();
const { device, adapterName } = await requestDevice(gpu, { features: ['timestamp-query'] });
console.log(`adapter: ${adapterName}; softmax ${M} x ${N}, ${rowsPerWg} rows per workgroup`);

const generic = readFileSync(genericPath, 'utf8');
const unguard = (code) => code.replace(/if \(\(\(\(i0_outer \* (\d+)i\) \+ i0_inner\) < M_1\)\) \{/g, 'if (true) {');
// The symbols' lets as literals (`let N_1: i32 = 1024i;`), and the loops' computed ends as the
// constant they fold to at these extents (steps of 64 x rows-per-workgroup... as given by END).
const literal = (code) => code.replace(/let M_1: i32 = [^;]*;/, `let M_1: i32 = ${M}i;`).replace(/let N_1: i32 = [^;]*;/, `let N_1: i32 = ${N}i;`);
const ends = (code) => code.replace(/let (\w+_end(?:_\d+)?): i32 = [^;]*;/g, `let $1: i32 = ${process.env.END ?? 4}i;`);
// The uniform block's declaration added to (unused by) the constant kernel, and removed from
// the literal one: whether a third binding costs anything by itself.
const UNIFORM_DECL = 'struct WebtxUniforms {\n  M: i32,\n  N: i32,\n  webtx_pad: i32,\n  webtx_pad_1: i32,\n}\n@group(0) @binding(2) var<uniform> webtx_uniforms: WebtxUniforms;\n';
const withUniform = (code) => code.replace(/(@group\(0\) @binding\(1\)[^\n]*\n)/, `$1${UNIFORM_DECL}`).replace(/(fn main\([^)]*\) \{\n)/, '$1  let webtx_touch = webtx_uniforms.M;\n');
const noUniform = (code) => code.replace(/struct WebtxUniforms \{[^}]*\}\n@group\(0\) @binding\(2\)[^\n]*\n/, '').replace(/@id\(\d+\) override [^\n]*\n/g, '');
// The symbols spelled as literals where they are used (not through their lets), and the
// constant kernel's row offset written as the symbolic one is: (row) * N.
const inline = (code) => code.replace(/let [MN]_1: i32 = \d+i;\n/g, '').replaceAll('M_1', `${M}i`).replaceAll('N_1', `${N}i`);
const rowmul = (code) => code.replaceAll(`((i0_outer * ${rowsPerWg * N}i) + (i0_inner * ${N}i))`, `(((i0_outer * ${rowsPerWg}i) + i0_inner) * ${N}i)`);
// `if (true) {` as a plain block; a loop's end read from its let as the literal in the loop.
const blocks = (code) => code.replaceAll('if (true) {', '{');
const loopEnds = (code) => code.replace(/let (\w+_end(?:_\d+)?): i32 = (\d+i);\n/g, '').replace(/< (\w+_end(?:_\d+)?);/g, `< ${process.env.END ?? 4}i;`);
// Each loop's end expression written in its condition instead of a let before the loop; the
// symbols as `const` declarations.
const inlineEnds = (code) => {
  const endOf = {};
  code = code.replace(/\n\s*let (\w+_end(?:_\d+)?): i32 = ([^;]*);/g, (_, v, e) => ((endOf[v] = e), ''));
  return code.replace(/< (\w+_end(?:_\d+)?);/g, (_, v) => `< (${endOf[v]});`);
};
const constDecl = (code) => code.replace(/let M_1: i32 = [^;]*;/, `const M_1: i32 = ${M}i;`).replace(/let N_1: i32 = [^;]*;/, `const N_1: i32 = ${N}i;`);
const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
function pipelineOf(code, uniform, constants) {
  const module = device.createShaderModule({ code });
  const buffer = (type) => ({ visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  const entries = [{ binding: 0, ...buffer('read-only-storage') }, { binding: 1, ...buffer('storage') }];
  if (uniform) entries.push({ binding: 2, ...buffer('uniform') });
  const layout = device.createPipelineLayout({ bindGroupLayouts: [device.createBindGroupLayout({ entries })] });
  return device.createComputePipeline({ layout, compute: { module, entryPoint: 'main', ...(constants ? { constants } : {}) } });
}
const fixed = { 0: M, 1: N };
const variant = (name, code, uniform, constants) => ({ name, uniform, p: pipelineOf(code, uniform, constants) });
const constant = readFileSync(constPath, 'utf8');
const variants = [
  variant('generic', generic, true),
  variant('fixed', generic, true, fixed),
  variant('noguard', unguard(generic), true),
  variant('fixed_noguard', unguard(generic), true, fixed),
  variant('literal', literal(generic), true),
  variant('literal_ends', ends(literal(generic)), true),
  variant('literal_ends_noguard', unguard(ends(literal(generic))), true),
  variant('literal_ends_noguard_nouniform', noUniform(unguard(ends(literal(generic)))), false),
  variant('const', constant, false),
  variant('const_with_uniform', withUniform(constant), true),
  variant('literal_inline', inline(noUniform(unguard(ends(literal(generic))))), false),
  variant('const_rowmul', rowmul(constant), false),
  variant('literal_inline_blocks', blocks(inline(noUniform(unguard(ends(literal(generic)))))), false),
  variant('literal_inline_loopends', loopEnds(inline(noUniform(unguard(ends(literal(generic)))))), false),
  variant('literal_inline_both', loopEnds(blocks(inline(noUniform(unguard(ends(literal(generic))))))), false),
  variant('inline_ends', inlineEnds(generic), true),
  variant('inline_ends_fixed', inlineEnds(generic), true, fixed),
  variant('inline_ends_literal', inlineEnds(literal(generic)), true),
  variant('inline_ends_const', inlineEnds(constDecl(generic)), true),
];
console.log(`row guards replaced: ${(generic.match(/< M_1\)\) \{/g) ?? []).length}`);

const bytes = 4 * M * N;
const x = Float32Array.from({ length: M * N }, (_, i) => Math.sin(i * 0.37) * 4);
const X = device.createBuffer({ size: bytes, usage }), Y = device.createBuffer({ size: bytes, usage });
device.queue.writeBuffer(X, 0, x);
const U = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
device.queue.writeBuffer(U, 0, new Int32Array([M, N, 0, 0]));
const copy = makeCopy(device)(bytes);
const rows = [];
for (let round = 0; round < 5; round++) {
  const copyMs = (await timedPasses(device, 40, 30, copy.encode))[15];
  rows.push({ round, name: 'copy', ms: copyMs, pct: 100 });
  for (const v of variants) {
    const entries = [{ binding: 0, resource: { buffer: X } }, { binding: 1, resource: { buffer: Y } }];
    if (v.uniform) entries.push({ binding: 2, resource: { buffer: U } });
    const bind = device.createBindGroup({ layout: v.p.getBindGroupLayout(0), entries });
    const encode = (enc, timestampWrites) => {
      const pass = enc.beginComputePass(timestampWrites ? { timestampWrites } : {});
      pass.setPipeline(v.p), pass.setBindGroup(0, bind), pass.dispatchWorkgroups(Math.ceil(M / rowsPerWg));
      pass.end();
    };
    const ms = (await timedPasses(device, 40, 30, encode))[15];
    rows.push({ round, name: v.name, ms, pct: (100 * copyMs) / ms });
  }
}
console.log('| kernel | % of copy (median of 5 rounds) | µs (min-max) |\n| --- | --- | --- |');
for (const name of ['copy', ...variants.map((v) => v.name)]) {
  const rs = rows.filter((r) => r.name === name), p = rs.map((r) => r.pct).sort((a, b) => a - b);
  const us = rs.map((r) => r.ms * 1000);
  console.log(`| ${name} | ${p[2].toFixed(0)}% | ${Math.min(...us).toFixed(1)}-${Math.max(...us).toFixed(1)} |`);
}
for (const r of rows) console.log(`JSON ${JSON.stringify(r)}`);
process.exit(0);
