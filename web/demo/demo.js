// The demo: load a model, run it, compare with the reference, time it, print tables.
// Results also land in window.webtxDemo for automated checks.
import { loadModel } from '../src/index.js';

const params = new URLSearchParams(location.search);
const modelUrl = params.get('model') ?? 'model.wasm';
const refUrl = params.get('ref');
// The model's weights (a safetensors URL); default: the one the reference names, next to it.
const weightsParam = params.get('weights');
const tolerance = Number(params.get('tol') ?? 1e-4);
const $ = (id) => document.getElementById(id);
const status = (s) => ($('status').textContent = s);
const row = (table, cells, cls) => {
  const tr = document.createElement('tr');
  for (const c of cells) tr.appendChild(Object.assign(document.createElement('td'), { textContent: String(c) }));
  if (cls) tr.className = cls;
  $(table).querySelector('tbody').appendChild(tr);
  $(table).hidden = false;
};

async function main() {
  $('model').textContent = modelUrl;
  if (!navigator.gpu) throw new Error('this browser has no WebGPU (navigator.gpu)');
  const ref = refUrl ? await (await fetch(refUrl)).json() : null;
  const weights = weightsParam ?? (ref?.weights ? new URL(ref.weights, new URL(refUrl, location.href)).href : undefined);
  const model = await loadModel(modelUrl, { gpu: navigator.gpu, weights });
  for (const k of model.manifest.kernels) {
    row('kernels', [k.name, k.workgroup_size.join('×'), k.workgroup_bytes, k.bindings.map((b) => `${b.tensor}:${b.access}`).join(' ')]);
  }
  const inputs = {};
  for (const t of model.inputs) {
    const r = ref?.inputs?.[t.name];
    if (!r) throw new Error(`no reference input for '${t.name}' (pass ?ref=...)`);
    const C = { f32: Float32Array, i32: Int32Array, u32: Uint32Array, bool: Uint32Array, f16: Uint16Array }[t.dtype];
    inputs[t.name] = { data: C.from(r.data), shape: r.shape };
  }
  const outputs = await model.run(inputs, ref.symbols ?? {});
  const results = [];
  for (const t of model.outputs) {
    const got = outputs[t.name], want = ref.outputs?.[t.name];
    let err = NaN;
    if (want) {
      err = 0;
      for (let i = 0; i < want.length; ++i) err = Math.max(err, Math.abs(got[i] - want[i]));
      if (got.length !== want.length) err = Infinity;
    }
    const ok = err <= tolerance;
    results.push({ tensor: t.name, length: got.length, maxAbsError: err, ok });
    row('results', [t.name, `${got.length} elements`, want ? err.toExponential(2) : 'no reference', ok ? 'ok' : 'MISMATCH'], ok ? 'ok' : 'bad');
  }
  const time = await model.time(inputs, { iterations: 10, symbols: ref.symbols ?? {} });
  status(`done: ${results.every((r) => r.ok) ? 'all outputs match' : 'MISMATCH'}; median ${time.medianMs.toFixed(3)} ms per run (${time.method})`);
  model.dispose();
  return { results, time };
}

window.webtxDemo = main().catch((e) => {
  status(`error: ${e.message}`);
  return { error: e.message };
});
