// Node-only checks of how weights reach the GPU (web/src/weights.js), beyond what the example
// models show: an f16 weight of an odd size (6 bytes: padded to 4-byte multiples), a view at
// an odd offset of a larger buffer, and a file in shared memory (which Dawn's writeBuffer
// cannot read: copied per tensor). Each buffer is read back and compared byte for byte.
import { BufferTable } from '../../web/src/gpu.js';
import { encodeSafetensors } from '../../web/src/safetensors.js';
import { loadWeights } from '../../web/src/weights.js';

async function readBack(device, buffer, nbytes) {
  const size = Math.max(4, Math.ceil(nbytes / 4) * 4);
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buffer, 0, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Uint8Array(staging.getMappedRange(), 0, nbytes).slice();
  staging.unmap();
  staging.destroy();
  return out;
}

export async function checkWeightUploads(gpu, print = console.log) {
  const device = await (await gpu.requestAdapter()).requestDevice();
  const spec = { model: 'upload', tensors: [
    { name: 'h', role: 'weight', dtype: 'f16', shape: [3] },
    { name: 'w', role: 'weight', dtype: 'f32', shape: [2, 5] },
    { name: 'z', role: 'weight', dtype: 'i32', shape: [0] }] };
  const h = new Uint16Array([0x3c00, 0xc000, 0x7bff]), w = Float32Array.from({ length: 10 }, (_, i) => i / 8 - 0.5);
  const file = encodeSafetensors([{ name: 'h', dtype: 'F16', shape: [3], data: h }, { name: 'w', dtype: 'F32', shape: [2, 5], data: w },
    { name: 'z', dtype: 'I32', shape: [0], data: new Int32Array(0) }]);
  const odd = new Uint8Array(file.length + 1);
  odd.set(file, 1);
  const shared = new Uint8Array(new SharedArrayBuffer(file.length));
  shared.set(file);
  let failures = 0;
  for (const [how, bytes] of [['plain', file], ['odd offset', odd.subarray(1)], ['shared memory', shared]]) {
    const table = new BufferTable(device);
    const ws = await loadWeights(device, table, spec, bytes);
    for (const [name, want] of [['h', h], ['w', w], ['z', new Int32Array(0)]]) {
      const got = await readBack(device, table.get(ws.get(name).handle), want.byteLength);
      const ok = ws.get(name).nbytes === want.byteLength && got.every((b, i) => b === new Uint8Array(want.buffer)[i]);
      print(`${ok ? 'PASS' : 'FAIL'} upload (${how}): weight '${name}' (${want.byteLength} bytes) reads back`);
      if (!ok) failures++;
    }
    table.destroyAll();
  }
  device.destroy();
  return failures;
}
