// node webgpu_runner.mjs <batch.json> <results.json> [--compile-only]: runs a batch of fuzz programs (model
// descriptions with WGSL, written by webtx_fuzz_programs) on WebGPU through Dawn, without wasm:
// every kernel is compiled (any message at all is reported), the tensors get buffers
// (outputs and intermediates start as all-ones bytes, NaN for floats, so unwritten elements
// show), the kernels run in order in one pass, and the outputs come back base64-encoded for
// the C++ side to compare. A program marked `specialize` (odd seeds, engines.hpp) compiles
// each kernel as shape-specialized pipelines do (web/src/specialize.js: its symbols as const
// declarations). One process and one device serve the whole batch. --compile-only:
// Dawn's null backend, which runs Tint's whole WGSL compile but executes nothing (fast).
import { readFileSync, writeFileSync } from 'node:fs';
import { createNodeGPU } from '../../web/src/node.js';
import { parseModelSpec, evaluateExtent } from '../../web/src/model_spec.js';
import { dtypeInfo } from '../../web/src/dtype.js';
import { formatMessages } from '../../web/src/kernel.js';
import { Specializer } from '../../web/src/specialize.js';

const [batchFile, outFile, mode] = process.argv.slice(2);
const compileOnly = mode === '--compile-only';
const { programs } = JSON.parse(readFileSync(batchFile, 'utf8'));
const gpu = await createNodeGPU(compileOnly ? ['backend=null'] : []);
const adapter = await gpu.requestAdapter();
if (!adapter) {
  console.error('no WebGPU adapter (SwiftShader needs VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)');
  process.exit(2);
}
let device = null;
async function getDevice() {
  if (device) return device;
  device = await adapter.requestDevice({
    requiredLimits: { maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage },
  });
  device.lost.then(() => { device = null; });
  return device;
}

const pad4 = (n) => Math.max(4, Math.ceil(n / 4) * 4);

async function runOne(p) {
  const dev = await getDevice();
  const m = parseModelSpec(p.manifest);
  const env = { ...p.symbols };
  const messages = [];
  const kernels = [];
  // A module and its compiler messages, formatted.
  const compile = async (code, label) => {
    const module = dev.createShaderModule({ code, label });
    const info = await module.getCompilationInfo();
    return { module, errors: info.messages.some((x) => x.type === 'error'),
      text: info.messages.length ? `kernel ${label}:\n${formatMessages(code, info.messages)}` : '' };
  };
  for (const k of m.kernels) {
    // p.specialize (odd seeds): the module shape-specialized pipelines compile, symbols fixed;
    // one the constants make invalid (a constant division by zero) runs generic, as there.
    let c = null;
    if (p.specialize && Specializer.specializable({ spec: k })) {
      c = await compile(Specializer.specialize(k.wgsl, k.uniforms.map((s) => env[s])), `${k.name} (specialized)`);
      if (c.errors) c = null;
    }
    c ??= await compile(k.wgsl, k.name);
    if (c.text) messages.push(c.text);
    kernels.push({ k, module: c.module });
  }
  if (messages.length) return { compile: messages.join('\n') };
  if (compileOnly) return {};
  const owned = [];
  try {
    dev.pushErrorScope('validation');
    dev.pushErrorScope('out-of-memory');
    const buffers = new Map();
    for (const t of m.tensors) {
      const count = t.shape.reduce((a, d) => a * evaluateExtent(d, env, `tensor '${t.name}'`), 1);
      const bytes = count * dtypeInfo(t.dtype).bytes;
      const buf = dev.createBuffer({ size: pad4(bytes), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      owned.push(buf);
      const init = new Uint8Array(pad4(bytes));
      if (t.role === 'input') {
        init.set(Buffer.from(p.inputs[t.name], 'base64').subarray(0, bytes));
      } else {
        init.fill(0xff);
      }
      dev.queue.writeBuffer(buf, 0, init);
      buffers.set(t.name, { buf, bytes });
    }
    // Pipelines compile concurrently (SwiftShader compiles each with LLVM: the slow part).
    const built = await Promise.all(kernels.map(async ({ k, module }) => {
      const entries = k.bindings.map((b) => ({ binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' } }));
      if (k.uniforms.length) entries.push({ binding: k.uniform_binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
      const layout = dev.createBindGroupLayout({ entries });
      const pipeline = await dev.createComputePipelineAsync({ layout: dev.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: k.entry } });
      return { k, layout, pipeline };
    }));
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const { k, layout, pipeline } of built) {
      const groupEntries = k.bindings.map((b) => ({ binding: b.binding, resource: { buffer: buffers.get(b.tensor).buf } }));
      if (k.uniforms.length) {
        const u = new Int32Array(Math.ceil(k.uniforms.length / 4) * 4);
        k.uniforms.forEach((s, i) => { u[i] = env[s]; });
        const ub = dev.createBuffer({ size: u.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
        owned.push(ub);
        dev.queue.writeBuffer(ub, 0, u);
        groupEntries.push({ binding: k.uniform_binding, resource: { buffer: ub } });
      }
      const grid = k.grid.map((e) => evaluateExtent(e, env, `kernel '${k.name}' grid`));
      if (grid.some((g) => g > dev.limits.maxComputeWorkgroupsPerDimension)) throw new Error(`kernel '${k.name}': grid ${grid} over the device limit`);
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, dev.createBindGroup({ layout, entries: groupEntries }));
      if (grid.every((g) => g > 0)) pass.dispatchWorkgroups(...grid);
    }
    pass.end();
    const reads = [];
    for (const name of p.outputs) {
      const { buf, bytes } = buffers.get(name);
      const staging = dev.createBuffer({ size: pad4(bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      owned.push(staging);
      enc.copyBufferToBuffer(buf, 0, staging, 0, pad4(bytes));
      reads.push({ name, staging, bytes });
    }
    dev.queue.submit([enc.finish()]);
    const oom = await dev.popErrorScope();
    const invalid = await dev.popErrorScope();
    if (oom || invalid) return { error: `WebGPU error: ${(invalid || oom).message}` };
    const outputs = {};
    for (const { name, staging, bytes } of reads) {
      await staging.mapAsync(GPUMapMode.READ);
      outputs[name] = Buffer.from(staging.getMappedRange().slice(0, bytes)).toString('base64');
      staging.unmap();
    }
    return { outputs };
  } finally {
    for (const b of owned) b.destroy();
  }
}

// A program still running after WEBTX_FUZZ_WEBGPU_HANG_S seconds (default 120) is reported as
// a hang and the process ends (its work cannot be taken back from the queue); the C++ side
// starts a new process for the programs after it.
const hangMs = 1000 * Number(process.env.WEBTX_FUZZ_WEBGPU_HANG_S || 120);
const results = [];
for (const p of programs) {
  const t0 = performance.now();
  let timer;
  const hang = new Promise((resolve) => { timer = setTimeout(() => resolve({ hang: true }), hangMs); });
  let r;
  try {
    r = await Promise.race([runOne(p), hang]);
  } catch (e) {
    r = { error: String(e?.stack || e) };
  }
  clearTimeout(timer);
  results.push({ name: p.name, ...r });
  console.log(`${p.name}: ${Math.round(performance.now() - t0)} ms`);  // in node.log: which one was slow
  if (r.hang) {
    writeFileSync(outFile, JSON.stringify({ results }));
    process.exit(0);
  }
}
writeFileSync(outFile, JSON.stringify({ results }));
device?.destroy();
process.exit(0);
