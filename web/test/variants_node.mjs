// node variants_node.mjs <host_variant_model output dir>
// The model built with add_webgpu_model(host_variant_model ... TARGETS webgpu-f16 webgpu)
// (tests/host/variant_model.cpp):
//   * each variant's manifest names its target, features and Dawn toggles;
//   * the generated loader lists the variants best first; its loadModel (no gpu given: Node
//     creates Dawn's GPU with the variants' toggles) loads the first the adapter can run: on
//     SwiftShader (no shader-f16) the plain one, saying why the f16 one was passed over, and
//     its numbers are exact; where the adapter has shader-f16, the f16 one (same numbers);
//   * a model given only the variant the adapter lacks is refused naming the feature (and, in
//     Node, the toggles); with no variant fitting, the error names what each one lacks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createNodeGPU, dawnFlags } from '../src/node.js';
import { loadModel, parseManifest } from '../src/index.js';

const [dir] = process.argv.slice(2);
let passed = 0;
const pass = (what) => {
  passed++;
  console.log(`PASS ${what}`);
};

const f16Dir = join(dir, 'webgpu-f16'), plainDir = join(dir, 'webgpu');
const f16Manifest = parseManifest(readFileSync(join(f16Dir, 'host_variant_model.manifest.json'), 'utf8'));
const plainManifest = parseManifest(readFileSync(join(plainDir, 'host_variant_model.manifest.json'), 'utf8'));
assert.equal(f16Manifest.target, 'webgpu-f16');
assert.deepEqual(f16Manifest.features, ['shader-f16']);
assert.deepEqual(f16Manifest.toggles, ['vulkan_enable_f16_on_nvidia']);
assert.equal(plainManifest.target, 'webgpu');
assert.deepEqual(plainManifest.features, []);
assert.deepEqual(plainManifest.toggles, []);
assert.ok(!JSON.parse(readFileSync(join(plainDir, 'host_variant_model.manifest.json'), 'utf8')).toggles, 'toggles omitted when none');
assert.ok(f16Manifest.kernels[0].wgsl.includes('enable f16;'), 'the f16 variant computes in f16');
assert.ok(!plainManifest.kernels[0].wgsl.includes('f16'), 'the plain variant has no f16');
pass('variant manifests: targets, features, toggles; f16 only in the f16 variant');

assert.deepEqual(dawnFlags([]), []);
assert.deepEqual(dawnFlags(['a_b', 'c', 'a_b']), ['enable-dawn-features=a_b,c']);
pass('dawnFlags');

const loader = await import(pathToFileURL(join(dir, 'host_variant_model.js')).href);
assert.deepEqual(loader.variants.map((v) => v.target), ['webgpu-f16', 'webgpu']);
assert.ok(loader.variants[1].wasmUrl.href.endsWith('/webgpu/host_variant_model.wasm'));
const dts = readFileSync(join(dir, 'host_variant_model.d.ts'), 'utf8');
assert.ok(dts.includes('export declare const variants: { target: string; wasmUrl: URL }[];'), 'the loader types declare variants');
assert.ok(dts.includes('export interface Inputs'), "the loader types are the first variant's");
pass('the loader lists the variants best first');

// Multiples of 1/8 in [-2, 2]: f16 products are exact, so both variants give the exact dot.
const n = 5;
const a = Float32Array.from({ length: n * 16 }, (_, i) => ((i * 7) % 33 - 16) / 8);
const b = Float32Array.from({ length: 16 * 8 }, (_, i) => ((i * 5) % 33 - 16) / 8);
const want = new Float32Array(n * 8);
for (let i = 0; i < n; i++) for (let j = 0; j < 8; j++) for (let k = 0; k < 16; k++) want[i * 8 + j] += a[i * 16 + k] * b[k * 8 + j];

const model = await loader.loadModel();
const probe = await (await createNodeGPU(dawnFlags(f16Manifest.toggles))).requestAdapter();
const hasF16 = probe.features.has('shader-f16');
assert.equal(model.manifest.target, hasF16 ? 'webgpu-f16' : 'webgpu');
if (!hasF16) {
  assert.equal(model.skippedVariants.length, 1);
  assert.match(model.skippedVariants[0], /^webtx: model 'host_variant_model' \(built for target 'webgpu-f16'\) needs WebGPU feature 'shader-f16', which this adapter lacks$/);
}
const { y } = await model.run({ a, b });
assert.deepEqual([...y], [...want]);
model.dispose();
pass(`loadModel picked target '${hasF16 ? 'webgpu-f16' : 'webgpu'}' (adapter ${hasF16 ? 'has' : 'lacks'} shader-f16; skipped: ${model.skippedVariants.length}) and its ${n}x8 result is exact`);

const rejects = async (promise, pattern, what) => {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Error, `${what}: not an Error`);
    assert.match(e.message, pattern, what);
    console.log(`  ${e.message}`);
    return true;
  });
  pass(what);
};

// Only the f16 variant, on an adapter without shader-f16 (a fake, or SwiftShader's).
const fakeGPU = (features, limits) => ({
  requestAdapter: async () => ({
    features: new Set(features),
    limits,
    requestDevice: async () => {
      throw new Error('the fake adapter was asked for a device');
    },
  }),
});
const LIMITS = {
  maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupSizeY: 256, maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupStorageSize: 16384, maxStorageBuffersPerShaderStage: 8,
  maxStorageBufferBindingSize: 134217728, maxBufferSize: 268435456,
};
await rejects(loadModel(loader.variants[0].wasmUrl, { gpu: fakeGPU([], LIMITS) }),
  /^webtx: model 'host_variant_model' \(built for target 'webgpu-f16'\) needs WebGPU feature 'shader-f16', which this adapter lacks \(Dawn may offer it only with the toggles vulkan_enable_f16_on_nvidia: create the GPU with createNodeGPU\(dawnFlags\(\["vulkan_enable_f16_on_nvidia"\]\)\), or let loadModel create it\)$/,
  'a model built only for shader-f16 is refused by an adapter without it, naming the feature and the toggles');
if (!hasF16) {
  await rejects(loadModel(join(f16Dir, 'host_variant_model.wasm')),
    /needs WebGPU feature 'shader-f16', which this adapter lacks$/,
    "...and by Dawn's SwiftShader adapter (created with the toggles)");
}
await rejects(loader.loadModel({ gpu: fakeGPU([], { ...LIMITS, maxStorageBuffersPerShaderStage: 2 }) }),
  /^webtx: no variant of model 'host_variant_model' fits this adapter: target 'webgpu-f16': needs WebGPU feature 'shader-f16', which this adapter lacks.*; target 'webgpu': needs WebGPU limit maxStorageBuffersPerShaderStage >= 3, but this adapter allows 2$/,
  'with no variant fitting, the error names what each lacks');
await rejects(loadModel([], {}), /empty list of model variants/, 'an empty variant list is an error');
console.log(`all ${passed} passed`);
