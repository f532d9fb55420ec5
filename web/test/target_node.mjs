// node target_node.mjs <host_f16_model.wasm> <host_f16_model.manifest.json>  [WEBTX_DAWN_FLAGS=...]
// The model built with add_webgpu_model(... TARGET webgpu-f16) (tests/host/f16_model.cpp):
//   * its manifest names the target and the shader-f16 feature;
//   * loadModel refuses an adapter without shader-f16, and one whose limits are below what the
//     kernels need, naming the feature or limit and the adapter's value (a fake adapter with
//     WebGPU's guaranteed limits, and Dawn's real adapter on SwiftShader);
//   * on Dawn with shader-f16, the model computes a * b + a in f16 (checked against JS).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createNodeGPU } from '../src/node.js';
import { loadModel, parseManifest, f32ToF16Bits, f16BitsToF32 } from '../src/index.js';
import { checkAdapter, requestDeviceFor } from '../src/gpu.js';

const [wasm, manifestPath] = process.argv.slice(2);
let passed = 0;
const pass = (what) => {
  passed++;
  console.log(`PASS ${what}`);
};

const manifest = parseManifest(readFileSync(manifestPath, 'utf8'));
assert.equal(manifest.target, 'webgpu-f16');
assert.deepEqual(manifest.features, ['shader-f16']);
assert.deepEqual(manifest.toggles, ['vulkan_enable_f16_on_nvidia']);
assert.ok(manifest.limits.maxComputeInvocationsPerWorkgroup >= 1);
pass(`manifest: target ${manifest.target}, features ${manifest.features}, limits ${JSON.stringify(manifest.limits)}`);

// WebGPU's guaranteed limits: what the smallest conforming adapter offers.
const DEFAULT_LIMITS = {
  maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupSizeY: 256, maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupStorageSize: 16384, maxStorageBuffersPerShaderStage: 8,
  maxStorageBufferBindingSize: 134217728, maxBufferSize: 268435456,
};
const fakeGPU = (features, limits) => ({
  requestAdapter: async () => ({
    features: new Set(features),
    limits,
    requestDevice: async () => {
      throw new Error('the fake adapter was asked for a device');
    },
  }),
});
const rejects = async (promise, pattern, what) => {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Error, `${what}: not an Error`);
    assert.match(e.message, pattern, what);
    console.log(`  ${e.message}`);
    return true;
  });
  pass(what);
};

await rejects(loadModel(wasm, { gpu: fakeGPU([], DEFAULT_LIMITS) }),
  /^webtx: model 'host_f16_model' \(built for target 'webgpu-f16'\) needs WebGPU feature 'shader-f16', which this adapter lacks \(Dawn may offer it only with the toggles vulkan_enable_f16_on_nvidia: .*\)$/,
  'an adapter without shader-f16 is refused, naming the feature');
await rejects(loadModel(wasm, { gpu: fakeGPU(['shader-f16'], { ...DEFAULT_LIMITS, maxStorageBuffersPerShaderStage: 2 }) }),
  /needs WebGPU limit maxStorageBuffersPerShaderStage >= 3, but this adapter allows 2$/,
  'an adapter below a needed limit is refused, naming the limit and its value');

// Dawn's real adapter (SwiftShader): a model needing more than it offers is refused.
// WEBTX_DAWN_FLAGS (space-separated Dawn flags), e.g. on NVIDIA
// 'enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia' to get shader-f16.
const gpu = await createNodeGPU(process.env.WEBTX_DAWN_FLAGS?.split(' ').filter(Boolean) ?? []);
const adapter = await gpu.requestAdapter();
assert.ok(adapter, 'no Dawn adapter (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json?)');
const have = adapter.limits.maxComputeInvocationsPerWorkgroup;
const tooMuch = { features: [], limits: { maxComputeInvocationsPerWorkgroup: have + 1 } };
await rejects(requestDeviceFor(gpu, tooMuch, { what: "model 'big'" }),
  new RegExp(`^webtx: model 'big' needs WebGPU limit maxComputeInvocationsPerWorkgroup >= ${have + 1}, but this adapter allows ${have}$`),
  `Dawn's adapter (${have} invocations) is refused for a model needing ${have + 1}`);
await rejects(requestDeviceFor(gpu, { features: ['chromium-experimental-subgroup-matrix'], limits: {} }, { what: "model 'mma'" }),
  /needs WebGPU feature 'chromium-experimental-subgroup-matrix', which this adapter lacks/,
  "Dawn's adapter is refused for a feature it lacks");
// A device handed in (loadModel's `device` option) is checked the same way.
const { device } = await requestDeviceFor(gpu, { features: [], limits: {} });
assert.throws(() => checkAdapter(device, { features: [], limits: { maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize + 4 } }, "model 'm'"),
  new RegExp(`maxComputeWorkgroupStorageSize >= ${device.limits.maxComputeWorkgroupStorageSize + 4}, but this device allows ${device.limits.maxComputeWorkgroupStorageSize}$`));
pass('a given device below a needed limit is refused, naming the device\'s value');
device.destroy();

// The f16 model on the real adapter, when it offers shader-f16.
if (adapter.features.has('shader-f16')) {
  const model = await loadModel(wasm, { gpu });
  const n = 37;
  const a = Uint16Array.from({ length: n }, (_, i) => f32ToF16Bits((i - 18) * 0.125));
  const b = Uint16Array.from({ length: n }, (_, i) => f32ToF16Bits(0.5 + i * 0.0625));
  const { out } = await model.run({ a, b });
  for (let i = 0; i < n; i++) {
    const x = f16BitsToF32(a[i]), y = f16BitsToF32(b[i]);
    const want = x * y + x;
    assert.ok(Math.abs(f16BitsToF32(out[i]) - want) <= 2e-3 * (1 + Math.abs(want)), `out[${i}] = ${f16BitsToF32(out[i])}, want ${want}`);
  }
  model.dispose();
  pass(`the f16 model computes a * b + a on Dawn (n = ${n})`);
} else {
  console.log('note: this Dawn adapter has no shader-f16; the f16 model was not run');
}
console.log(`all ${passed} passed`);
