// Runtime checks shared by the Node (Dawn) and Chromium runners (SwiftShader), for issue 10's
// memory planning and GPU-resident I/O:
//  * checkBufferReuse (the mlp example: batch symbolic, intermediates planned): repeated runs
//    at one batch create no GPUBuffer and no GPUBindGroup after the first (planned
//    intermediates, argument buffers, pooled staging buffers, cached bind groups); a larger
//    batch grows the buffers, smaller ones then reuse them (once each kernel version has run
//    with the grown buffers); results match a JS reference.
//  * checkGpuTensors (the vector_add example, c = a + b): two models on one device chained
//    through GPU tensors equal the CPU path; a GPU tensor of another device, of the wrong
//    dtype, size or usage is an Error naming it; output tensors belong to the caller
//    (getData() downloads, dispose() releases); outputs written into the caller's GPU tensors
//    (options.outputs) create nothing per run; staging buffers are pooled.
//  * checkSpecialization (the softmax example, M and N symbolic; issue 11's shape-specialized
//    pipelines, web/src/specialize.js): a shape run once keeps the generic pipelines; run
//    again, its kernels get pipelines compiled with the symbols fixed (their WGSL lines
//    `let M: i32 = ...;  // webtx:symbol 0` as `const M: i32 = 3i;`), which then run and give
//    the generic pipelines' results; `most` bounds them per kernel; `specialize: false`
//    compiles none; bad options are named.
// Each returns its number of failures; `print` gets one line per check.

const same = (x, y) => x.length === y.length && x.every((v, i) => v === y[i]);

function reporter(print) {
  let failures = 0;
  const report = (ok, what) => {
    print(`${ok ? 'PASS' : 'FAIL'} ${what}`);
    if (!ok) failures++;
  };
  const rejects = async (fn, re, what) => {
    try {
      await fn();
      report(false, `${what}: no error`);
    } catch (e) {
      report(re.test(e.message), `${what}: ${e.message}`);
    }
  };
  return { report, rejects, failures: () => failures };
}

export async function checkBufferReuse(loadModel, encodeSafetensors, gpu, wasm, print = console.log) {
  const { report, failures } = reporter(print);
  let seed = 7;
  const rand = (n) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5);
  const w1 = rand(64 * 48), b1 = rand(48), w2 = rand(48 * 10), b2 = rand(10);
  const weights = encodeSafetensors([['w1', w1, [64, 48]], ['b1', b1, [48]], ['w2', w2, [48, 10]], ['b2', b2, [10]]]
    .map(([name, data, shape]) => ({ name, dtype: 'F32', shape, data })));
  const model = await loadModel(wasm, { gpu, weights, log: () => {} });
  const plan = model.manifest.memory;
  report(plan && plan.buffers.length >= 1, `the description has a memory plan (${plan?.buffers.length} buffers for ${plan?.tensors.length} intermediates)`);

  // Count what the device creates.
  const counts = { buffers: 0, bindGroups: 0 };
  const dev = model.device;
  const createBuffer = dev.createBuffer.bind(dev), createBindGroup = dev.createBindGroup.bind(dev);
  dev.createBuffer = (d) => (counts.buffers++, createBuffer(d));
  dev.createBindGroup = (d) => (counts.bindGroups++, createBindGroup(d));
  const delta = async (fn) => {
    const b0 = counts.buffers, g0 = counts.bindGroups;
    await fn();
    return { buffers: counts.buffers - b0, bindGroups: counts.bindGroups - g0 };
  };

  const dense = (x, w, b, M, K, N) => {
    const y = new Float32Array(M * N);
    for (let i = 0; i < M; ++i) {
      for (let j = 0; j < N; ++j) {
        let s = 0;
        for (let k = 0; k < K; ++k) s += x[i * K + k] * w[k * N + j];
        y[i * N + j] = Math.max(s + b[j], 0);
      }
    }
    return y;
  };
  const check = (batch, x, y) => {
    const want = dense(dense(x, w1, b1, batch, 64, 48), w2, b2, batch, 48, 10);
    let err = 0;
    for (let i = 0; i < want.length; ++i) err = Math.max(err, Math.abs(want[i] - y[i]) / (1 + Math.abs(want[i])));
    return y.length === want.length && err < 1e-4;
  };
  const runAt = async (batch) => {
    const x = rand(batch * 64);
    const { y } = await model.run({ x });
    return check(batch, x, y) && y.dims?.join() === `${batch},10`;
  };

  let ok = true;
  const first = await delta(async () => { ok = (await runAt(4)) && ok; });
  report(first.buffers > 0 && first.bindGroups > 0, `first run at batch 4 creates ${first.buffers} buffers and ${first.bindGroups} bind groups`);
  const again = await delta(async () => {
    for (let i = 0; i < 5; ++i) ok = (await runAt(4)) && ok;
  });
  report(again.buffers === 0 && again.bindGroups === 0, `5 more runs at batch 4 create ${again.buffers} buffers and ${again.bindGroups} bind groups (want 0, 0)`);
  // Batch 16 grows the buffers; batch 2 then runs the mlp's kernel versions for batches of
  // at most 8 (Stage::specialize), whose bind groups (made at batch 4) name the old buffers.
  const grow = await delta(async () => { for (const b of [16, 2]) ok = (await runAt(b)) && ok; });
  report(grow.buffers > 0, `batch 16 grows the buffers (${grow.buffers} created)`);
  const shrink = await delta(async () => {
    for (const b of [2, 16, 1, 9]) ok = (await runAt(b)) && ok;
  });
  report(shrink.buffers === 0 && shrink.bindGroups === 0, `batches 2, 16, 1, 9 then create ${shrink.buffers} buffers and ${shrink.bindGroups} bind groups (want 0, 0)`);
  const timed = await delta(() => model.time({ x: rand(4 * 64) }, { iterations: 3 }));
  report(timed.buffers <= 2 && timed.bindGroups === 0, `time() creates ${timed.buffers} buffers (its query buffers, once) and ${timed.bindGroups} bind groups`);
  const timedAgain = await delta(() => model.time({ x: rand(4 * 64) }, { iterations: 3 }));
  report(timedAgain.buffers === 0 && timedAgain.bindGroups === 0, `a second time() creates ${timedAgain.buffers} buffers and ${timedAgain.bindGroups} bind groups`);
  report(ok, 'every result matches the JS reference and carries its dims');
  model.dispose();
  return failures();
}

export async function checkGpuTensors(loadModel, Tensor, gpu, wasm, print = console.log) {
  const { report, rejects, failures } = reporter(print);
  const first = await loadModel(wasm, { gpu, log: () => {} });
  const device = first.device;
  const second = await loadModel(wasm, { device, log: () => {} });
  const counts = { buffers: 0 };
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (d) => (counts.buffers++, createBuffer(d));

  const n = 1000;
  const a = Float32Array.from({ length: n }, (_, i) => i * 0.5);
  const b = Float32Array.from({ length: n }, (_, i) => 1 - i);

  // 1. Chain: c1 = a + b on the GPU, then c2 = c1 + b reads it in place; equals the CPU path.
  const cpu1 = await first.run({ a, b });
  report(same(cpu1.c.dims, [n]), `CPU results carry their dims ([${cpu1.c.dims}])`);
  const cpu2 = await second.run({ a: cpu1.c, b });
  const { c: g1 } = await first.run({ a, b }, {}, { outputLocation: 'gpu' });
  report(g1 instanceof Tensor && g1.location === 'gpu' && same(g1.dims, [n]) && g1.dtype === 'f32',
    `outputLocation 'gpu' returns a GPU Tensor (${g1.location}, ${g1.dtype}, [${g1.dims}])`);
  const { c: g2 } = await second.run({ a: g1, b }, {}, { outputLocation: 'gpu' });
  report(same(await g2.getData(), cpu2.c), 'two models chained through GPU tensors equal the CPU path');
  const back = await second.run({ a: g1, b });
  report(same(back.c, cpu2.c), 'a GPU input with a CPU output equals the CPU path');
  const cpuTensor = await second.run({ a: new Tensor('f32', cpu1.c, [n]), b });
  report(same(cpuTensor.c, cpu2.c), 'a CPU Tensor input works like a typed array');

  // 2. Repeated runs on GPU tensors: only the caller's output buffers are created.
  const b0 = counts.buffers;
  for (let i = 0; i < 3; ++i) {
    const { c } = await second.run({ a: g1, b }, {}, { outputLocation: 'gpu' });
    c.dispose();
  }
  report(counts.buffers - b0 === 3, `3 GPU-output runs create ${counts.buffers - b0} buffers (one output each)`);
  const b1 = counts.buffers;
  for (let i = 0; i < 3; ++i) await second.run({ a: g1, b });
  for (let i = 0; i < 3; ++i) await g2.getData();
  report(counts.buffers - b1 === 0, `3 CPU-output runs and 3 getData() create ${counts.buffers - b1} buffers (staging pooled)`);

  // 3. Bad GPU tensors.
  const other = await (await gpu.requestAdapter()).requestDevice();
  const foreignBuf = other.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const foreign = Tensor.fromGpuBuffer(foreignBuf, { dtype: 'f32', dims: [n], device: other });
  await rejects(() => second.run({ a: foreign, b }), /input 'a' is a GPU tensor of another device/, 'another device');
  const asInt = Tensor.fromGpuBuffer(g1.gpuBuffer, { dtype: 'i32', dims: [n], device, dispose: () => {} });
  await rejects(() => second.run({ a: asInt, b }), /input 'a' is a GPU tensor of dtype i32, but the model takes f32/, 'wrong dtype');
  const shorter = Tensor.fromGpuBuffer(g1.gpuBuffer, { dtype: 'f32', dims: [n - 1], device, dispose: () => {} });
  await rejects(() => second.run({ a: shorter, b: { data: b, shape: [n] } }), /tensor 'b' axis 0 has extent 1000, but symbol 'n' is 999 \(from tensor 'a' axis 0\)/, 'wrong size');
  try {
    Tensor.fromGpuBuffer(g1.gpuBuffer, { dtype: 'f32', dims: [n + 1], device });
    report(false, 'too small a buffer: no error');
  } catch (e) {
    report(/GPU buffer of 4000 bytes is too small for a f32 tensor of dims \[1001\]/.test(e.message), `too small a buffer: ${e.message}`);
  }
  const mapOnly = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  await rejects(() => second.run({ a: Tensor.fromGpuBuffer(mapOnly, { dtype: 'f32', dims: [n], device }), b }),
    /input 'a' is a GPU tensor whose buffer lacks STORAGE usage/, 'no STORAGE usage');
  await rejects(() => first.run({ a, b }, {}, { outputLocation: 'cpu-tensor' }), /outputLocation must be 'cpu' or 'gpu'/, 'bad outputLocation');
  const after = await second.run({ a: g1, b });
  report(same(after.c, cpu2.c), 'the model still works after the rejected calls');

  // 4. Outputs written into the caller's GPU tensors: no buffer and no bind group per run.
  const outBuf = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const out = Tensor.fromGpuBuffer(outBuf, { dtype: 'f32', dims: [n], device });
  const firstOut = await second.run({ a: g1, b }, {}, { outputs: { c: out } });
  report(firstOut.c === out && same(await out.getData(), cpu2.c), 'options.outputs: the result is written into the given GPU tensor');
  let groups = 0;
  const createBindGroup = device.createBindGroup.bind(device);
  device.createBindGroup = (d) => (groups++, createBindGroup(d));
  const b2 = counts.buffers;
  for (let i = 0; i < 3; ++i) await second.run({ a: g1, b }, {}, { outputs: { c: out } });
  report(counts.buffers === b2 && groups === 0, `3 more runs into it create ${counts.buffers - b2} buffers and ${groups} bind groups (want 0, 0)`);
  device.createBindGroup = createBindGroup;
  const wrongDims = Tensor.fromGpuBuffer(outBuf, { dtype: 'f32', dims: [n - 1], device, dispose: () => {} });
  await rejects(() => second.run({ a: g1, b }, {}, { outputs: { c: wrongDims } }), /output 'c' is a GPU tensor of dims \[999\], but this run writes \[1000\]/, 'an output tensor of the wrong dims');
  await rejects(() => second.run({ a: g1, b }, {}, { outputs: { c: g1 } }), /output 'c' is a GPU tensor whose buffer is also an input/, 'an output tensor that is also an input');
  await rejects(() => second.run({ a: g1, b }, {}, { outputs: { z: out } }), /has no output 'z' \(outputs: c\)/, 'an unknown output');
  await rejects(() => second.run({ a: g1, b }, {}, { outputs: { c: new Tensor('f32', new Float32Array(n)) } }), /output 'c' in options.outputs must be a GPU Tensor, got a cpu tensor/, 'a CPU tensor as output');
  out.dispose();

  // 5. Disposing output tensors.
  g2.dispose();
  report(g2.location === 'disposed' && g2.gpuBuffer === undefined, 'dispose() releases an output tensor');
  await rejects(() => g2.getData(), /the tensor was disposed/, 'getData() after dispose()');
  await rejects(() => second.run({ a: g2, b }), /input 'a' is a disposed tensor/, 'a disposed tensor as input');
  const { c: g3 } = await first.run({ a, b }, {}, { outputLocation: 'gpu' });
  report(same(await g3.getData({ release: true }), cpu1.c) && g3.location === 'disposed', "getData({ release: true }) downloads, then disposes");
  g1.dispose();

  first.dispose();
  second.dispose();
  other.destroy();
  return failures();
}

// Softmax over the rows of X [M, N] in f64, for checkSpecialization.
function softmaxRef(x, M, N) {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; ++i) {
    let m = -Infinity, sum = 0;
    for (let j = 0; j < N; ++j) m = Math.max(m, x[i * N + j]);
    for (let j = 0; j < N; ++j) sum += (y[i * N + j] = Math.exp(x[i * N + j] - m));
    for (let j = 0; j < N; ++j) y[i * N + j] /= sum;
  }
  return y;
}

export async function checkSpecialization(loadModel, gpu, wasm, print = console.log) {
  const { report, rejects, failures } = reporter(print);
  const input = (M, N) => Float32Array.from({ length: M * N }, (_, i) => Math.sin(i * 0.37) * 4);
  const maxErr = (y, ref) => y.reduce((e, v, i) => Math.max(e, Math.abs(v - ref[i])), 0);
  // Every pipeline a pass is given, and the WGSL of every pipeline compiled after loading.
  const spy = (model) => {
    const device = model.device, seen = { set: [], made: [] }, code = new Map();
    const makeModule = device.createShaderModule.bind(device);
    device.createShaderModule = (d) => { const m = makeModule(d); code.set(m, d.code); return m; };
    const makeAsync = device.createComputePipelineAsync.bind(device);
    device.createComputePipelineAsync = (d) => makeAsync(d).then((p) => (seen.made.push({ p, code: code.get(d.compute.module) ?? '' }), p));
    const makeEncoder = device.createCommandEncoder.bind(device);
    device.createCommandEncoder = (...a) => {
      const enc = makeEncoder(...a), begin = enc.beginComputePass.bind(enc);
      enc.beginComputePass = (...b) => {
        const pass = begin(...b), setPipeline = pass.setPipeline.bind(pass);
        pass.setPipeline = (p) => (seen.set.push(p), setPipeline(p));
        return pass;
      };
      return enc;
    };
    return seen;
  };

  const model = await loadModel(wasm, { gpu, log: () => {} });
  const seen = spy(model);
  const M = 3, N = 300, X = input(M, N), ref = softmaxRef(X, M, N);
  const generic = (await model.run({ X }, { M, N })).Y;
  report(maxErr(generic, ref) < 1e-6 && model.specialization.compiled === 0 && model.specialization.pending === 0,
    `a shape run once: generic pipelines, max error ${maxErr(generic, ref).toExponential(1)}, nothing compiled`);
  const used = seen.set.length;
  await model.run({ X }, { M, N });
  await model.settle();
  const sp = model.specialization;
  const fixes = (m, v, i) => new RegExp(`const \\w+: i32 = ${v}i;\\s*$`, 'm').test(m.code) && !m.code.includes(`webtx:symbol ${i}`);
  const fixed = seen.made.filter((m) => fixes(m, M, 0) && fixes(m, N, 1));
  report(sp.enabled && sp.compiled >= 1 && sp.compiled === seen.made.length && fixed.length === sp.compiled && !sp.errors.length,
    `the same shape again: ${sp.compiled} specialized pipeline(s) compiled with M=${M}, N=${N} fixed (errors: ${sp.errors.join('; ') || 'none'})`);
  seen.set.length = 0;
  const special = (await model.run({ X }, { M, N })).Y;
  const ran = seen.set.filter((p) => fixed.some((m) => m.p === p)).length;
  report(ran === used && seen.set.length === used, `then the specialized pipelines run (${ran} of ${seen.set.length} dispatches)`);
  report(special.every((v, i) => v === generic[i]), 'and give the generic pipelines\' results, bit for bit');
  const timed = await model.time({ X }, { iterations: 2, symbols: { M, N } });
  report(timed.specializedShare === 1, `time() of a repeated shape: specializedShare ${timed.specializedShare} (every timed dispatch specialized)`);
  // Another shape, once: generic again, nothing new compiled.
  const M2 = 2, N2 = 257, X2 = input(M2, N2);
  seen.set.length = 0;
  const y2 = (await model.run({ X: X2 }, { M: M2, N: N2 })).Y;
  await model.settle();
  report(maxErr(y2, softmaxRef(X2, M2, N2)) < 1e-6 && model.specialization.compiled === sp.compiled &&
    !seen.set.some((p) => fixed.some((m) => m.p === p)), 'a new shape run once: the generic pipelines, correct, nothing compiled');
  // A module the constant values make invalid (1 / n with n = 0 is a shader-creation error, not
  // a run-time one): the error is recorded, the generic pipeline stays.
  const Specializer = model._specializer.constructor, device = model.device;
  const wgsl = `struct U { n: i32, p0: i32, p1: i32, p2: i32 }
@group(0) @binding(0) var<storage, read_write> Y: array<i32>;
@group(0) @binding(1) var<uniform> u: U;
@compute @workgroup_size(1)
fn main() {
  let n: i32 = u.n;  // webtx:symbol 0
  Y[0] = 1i / n;
}`;
  const layout = device.createBindGroupLayout({ entries: [
    { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } }] });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const k = { spec: { name: 'div_n', entry: 'main', uniforms: ['n'], wgsl }, pipelineLayout,
    pipeline: device.createComputePipeline({ layout: pipelineLayout, compute: { module: device.createShaderModule({ code: wgsl }), entryPoint: 'main' } }) };
  const sp0 = new Specializer(device, { after: 1 });
  const zero = new Int32Array([0]);
  const first = sp0.pipeline(k, zero);
  await sp0.settled();
  report(Specializer.specializable(k) && first === k.pipeline && sp0.pipeline(k, zero) === k.pipeline && sp0.compiled === 0 &&
    sp0.errors.length === 1 && /div_n' at n=0/.test(sp0.errors[0]),
    `a specialization the values make invalid keeps the generic pipeline (${sp0.errors[0]?.split('\n')[0]})`);
  model.dispose();

  // `most`: with after 1, every shape would compile; most 1 keeps one per kernel.
  const capped = await loadModel(wasm, { gpu, log: () => {}, specialize: { after: 1, most: 1 } });
  const cseen = spy(capped);
  let ok = true;
  for (const n of [64, 96, 160]) {
    const x = input(M, n);
    ok &&= maxErr((await capped.run({ X: x }, { M, N: n })).Y, softmaxRef(x, M, n)) < 1e-6;
    await capped.settle();
  }
  const kernels = new Set(cseen.made.map((m) => m.p.label?.replace(/ \(.*$/, '')));
  report(ok && cseen.made.length >= 1 && cseen.made.length === kernels.size,
    `specialize { after: 1, most: 1 }: 3 shapes, ${cseen.made.length} pipeline(s) for ${kernels.size} kernel(s), results correct`);
  const past = await capped.time({ X: input(M, 96) }, { iterations: 2, symbols: { M, N: 96 } });
  report(past.specializedShare === 0, `time() of a shape past the cap: specializedShare ${past.specializedShare} (generic)`);
  capped.dispose();

  const off = await loadModel(wasm, { gpu, log: () => {}, specialize: false });
  const oseen = spy(off);
  for (let i = 0; i < 3; ++i) await off.run({ X }, { M, N });
  await off.settle();
  report(!off.specialization.enabled && oseen.made.length === 0, 'specialize: false: nothing compiled after loading');
  const offTimed = await off.time({ X }, { iterations: 2, symbols: { M, N } });
  report(offTimed.specializedShare === null, `specialize: false: time() reports specializedShare ${offTimed.specializedShare}`);
  off.dispose();
  await rejects(() => loadModel(wasm, { gpu, log: () => {}, specialize: { after: 0 } }), /options\.specialize\.after must be an integer >= 1, got 0/,
    'specialize { after: 0 }');
  return failures();
}
