// The bound every row benchmark states its bandwidth against: a hand-written copy of `bytes`
// (vec4 loads and stores, 256 invocations, a 2-d grid past 65535 workgroups), and the
// timestamp-query timing of passes that bench_rows.mjs, probe_rows.mjs and mode.mjs share, and
// the clock heater every benchmark runs before a measurement.
import { requestDevice } from './dawn.mjs';

// A copy on `device`: copyOf(bytes) makes the two buffers and returns { encode(enc,
// timestampWrites), destroy() }; encode adds one pass (timed when timestampWrites is given).
export function makeCopy(device) {
  const module = device.createShaderModule({ code: `
@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) n: vec3u) {
  let i = g.x + g.y * n.x * 256u;
  if (i < arrayLength(&src)) { dst[i] = src[i]; }
}` });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  return (bytes) => {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const a = device.createBuffer({ size: bytes, usage }), b = device.createBuffer({ size: bytes, usage });
    const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: a } }, { binding: 1, resource: { buffer: b } }] });
    const groups = Math.ceil(bytes / 16 / 256), gx = Math.min(groups, 65535), gy = Math.ceil(groups / gx);
    return {
      // One pass of `times` copies (1: what the timed passes use).
      encode(enc, timestampWrites, times = 1) {
        const pass = enc.beginComputePass(timestampWrites ? { timestampWrites } : {});
        pass.setPipeline(pipeline), pass.setBindGroup(0, bind);
        for (let i = 0; i < times; i++) pass.dispatchWorkgroups(gx, gy);
        pass.end();
      },
      destroy() { a.destroy(), b.destroy(); },
    };
  };
}

// A heater on `device`: heat(enc, ms) encodes about `ms` of back-to-back copies of 32 MiB in
// one pass (no timestamps), run(ms) submits them and waits. The GPU's clock governor lowers
// the SM clock within a second of light use (H200: 1980 MHz down to 345 MHz while a benchmark
// waits on the CPU between short kernels, and every "% of copy" of a small shape moved with
// it); work just before a measurement holds the clock up.
export function makeHeater(device) {
  const copy = makeCopy(device)(32 << 20);
  let perMs = 0;  // copies per ms, measured on first use (GPU timestamps, else wall time)
  const calibrate = async () => {
    if (device.features.has('timestamp-query')) return (await timedPasses(device, 3, 2, copy.encode))[0];
    const enc = device.createCommandEncoder(), t0 = performance.now();
    copy.encode(enc, undefined, 3);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 3;
  };
  return {
    async heat(enc, ms) {
      if (!(ms > 0)) return;
      perMs ||= 1 / Math.max(await calibrate(), 1e-3);
      copy.encode(enc, undefined, Math.ceil(ms * perMs));
    },
    // `ms` of copies on their own, waited for: right before a measurement on any device of
    // the same GPU (the clock is the GPU's, not the device's).
    async run(ms) {
      if (!(ms > 0)) return;
      const enc = device.createCommandEncoder();
      await this.heat(enc, ms);
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
    },
    destroy() { copy.destroy(); },
  };
}

// Runs `passes` passes of encode(enc, timestampWrites) in one submission (the device needs
// 'timestamp-query') and resolves to the GPU ms of the last `keep` of them, sorted (the first
// ones warm up).
export async function timedPasses(device, passes, keep, encode, { heater, heatMs = 0 } = {}) {
  const qs = device.createQuerySet({ type: 'timestamp', count: 2 * passes });
  const res = device.createBuffer({ size: 16 * passes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 16 * passes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  if (heater) await heater.heat(enc, heatMs);
  for (let r = 0; r < passes; r++)
    encode(enc, { querySet: qs, beginningOfPassWriteIndex: 2 * r, endOfPassWriteIndex: 2 * r + 1 });
  enc.resolveQuerySet(qs, 0, 2 * passes, res, 0);
  enc.copyBufferToBuffer(res, 0, read, 0, 16 * passes);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const t = new BigUint64Array(read.getMappedRange());
  const per = [];
  for (let r = passes - keep; r < passes; r++) per.push(Number(t[2 * r + 1] - t[2 * r]) / 1e6);
  read.unmap();
  qs.destroy(), res.destroy(), read.destroy();
  return per.sort((x, y) => x - y);
}

// What bench_rows.mjs and bench_web.mjs call right before each measurement (webtx, the copy and
// the peers alike): `ms` of copies on a device of its own, waited for, so that every
// implementation is timed at the clock the GPU holds under sustained use. ms <= 0: nothing.
export async function clockHeater(gpu, ms) {
  if (!(ms > 0)) return { heat: async () => {}, destroy() {} };
  const { device } = await requestDevice(gpu, { features: ['timestamp-query'] });
  const heater = makeHeater(device);
  return { heat: () => heater.run(ms), destroy() { heater.destroy(), device.destroy(); } };
}
