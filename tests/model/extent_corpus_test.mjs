// The JS evaluator and parser (web/src/model_spec.js) against the C++ ones (webtx::model):
// every corpus extent must give the same value or the same error, and the C++-written sample
// description must parse with the same structure.
// usage: node extent_corpus_test.mjs <corpus.json> <model_spec.json>
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluateExtent, extentToString, parseModelSpec } from '../../web/src/model_spec.js';

const [corpusPath, specPath] = process.argv.slice(2);
const corpus = JSON.parse(readFileSync(corpusPath, 'utf8'));
let values = 0, errors = 0, negDiv = 0;
for (const c of corpus) {
  const what = `${c.text} at ${JSON.stringify(c.symbols)}`;
  assert.equal(extentToString(c.extent), c.text, `printed form of ${what}`);
  if (c.error) {
    const re = c.error === 'division by zero' ? /division by zero/ : /is not bound/;
    assert.throws(() => evaluateExtent(c.extent, c.symbols), re, what);
    errors++;
  } else {
    assert.equal(evaluateExtent(c.extent, c.symbols), c.value, what);
    values++;
    if (typeof c.extent === 'object' && '/%'.includes(c.extent.op) && c.value < 0) negDiv++;
  }
}
assert.ok(values > 1000 && errors > 10 && negDiv > 10, `corpus too thin: ${values} values, ${errors} errors, ${negDiv} negative / or %`);

const text = readFileSync(specPath, 'utf8');
const m = parseModelSpec(text);
assert.equal(m.webtx_manifest, 2);
assert.equal(m.target, 'webgpu');
assert.equal(m.generator, 'webtx test');
assert.deepEqual(m.symbolNames, ['batch', 'k']);
assert.deepEqual(m.symbols[0].from, { tensor: 'x', axis: 0 });
assert.equal(m.symbols[1].from, 'caller');
assert.deepEqual(m.features, ['shader-f16']);
assert.deepEqual(m.limits, { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 4096 });
assert.deepEqual(m.args, ['x', 'y']);
assert.deepEqual(m.tensors.map((t) => [t.name, t.role, t.dtype, t.shape.map(extentToString)]),
  [['x', 'input', 'f16', ['batch', '4']], ['y', 'output', 'f32', ['(batch + 1)', 'k']], ['t', 'intermediate', 'u32', ['min(batch, k)']]]);
const k = m.kernels[0];
assert.deepEqual(k.grid.map((g) => evaluateExtent(g, { batch: 65, k: 3 })), [2, 3, 1]);
assert.deepEqual([k.name, k.entry, k.spirv, k.workgroup_size, k.workgroup_bytes, k.uniforms, k.uniform_binding, k.features],
  ['step', 'main', 'sample_0_step.spv', [64, 1, 1], 4096, ['batch', 'k'], 3, ['shader-f16']]);
assert.deepEqual(k.bindings.map((b) => [b.binding, b.tensor, b.access]), [[0, 'x', 'read'], [1, 't', 'read_write'], [2, 'y', 'read_write']]);
assert.deepEqual(m.memory.tensors, [{ tensor: 't', buffer: 0 }]);
assert.deepEqual([...m.memory.bufferOf], [['t', 0]]);
assert.equal(evaluateExtent(m.memory.buffers[0], { batch: 5, k: 3 }), 12);
assert.equal(evaluateExtent(m.memory.peak_bytes, { batch: 5, k: 3 }), 12);
// Every key the C++ writer emits is one the .d.ts declares (a drift check on field names).
const dts = readFileSync(new URL('../../web/src/index.d.ts', import.meta.url), 'utf8');
const keys = new Set();
const walk = (o) => { if (o && typeof o === 'object') for (const [key, v] of Object.entries(o)) { if (!Array.isArray(o)) keys.add(key); walk(v); } };
walk(JSON.parse(text));
for (const key of keys) {
  if (['maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupStorageSize'].includes(key)) continue;
  assert.match(dts, new RegExp(`\\b${key}\\??:`), `index.d.ts does not declare '${key}'`);
}
console.log(`extent corpus: ${values} values and ${errors} errors agree (${negDiv} negative / or %); model description parses`);
