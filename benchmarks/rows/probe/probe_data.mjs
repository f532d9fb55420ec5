// What the row probes (one_sm.mjs, groups_probe.mjs) share: their inputs and the read-back.

// M x N values in [-4, 4) from a fixed LCG seeded by M: the same rows in every probe and round.
export function randomRows(M, N) {
  const x = new Float32Array(M * N);
  let seed = 12345 + M;
  for (let i = 0; i < x.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; x[i] = (seed / 2 ** 32) * 8 - 4; }
  return x;
}

// randomRows(M, N) in a new storage buffer X, and an output buffer Y of the same size.
export function rowBuffers(device, M, N) {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const x = randomRows(M, N);
  const X = device.createBuffer({ size: x.byteLength, usage }), Y = device.createBuffer({ size: x.byteLength, usage });
  device.queue.writeBuffer(X, 0, x);
  return { x, X, Y };
}

// The first `bytes` of a storage buffer, as f32.
export async function readF32(device, buffer, bytes) {
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap(), staging.destroy();
  return out;
}
