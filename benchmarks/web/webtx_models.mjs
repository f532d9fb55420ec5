// webtx models on WebGPU: load a module built by add_webgpu_model(), bind its symbols, fill its
// inputs deterministically, check one run against a CPU matmul sample when asked, and time it.
import { readFile } from 'node:fs/promises';
import { loadModel } from '../../web/src/index.js';
import { evaluateExtent } from '../../web/src/model_spec.js';
import { encodeSafetensors, SAFETENSORS_DTYPE } from '../../web/src/safetensors.js';

const typed = { f32: Float32Array, i32: Int32Array, u32: Uint32Array, f16: Uint16Array, bool: Uint32Array };

function fill(t, env) {
  const shape = t.shape.map((e) => evaluateExtent(e, env));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new typed[t.dtype](n);
  for (let i = 0; i < n; i++) data[i] = t.dtype === 'f32' ? ((i * 7) % 13) / 13 - 0.5 : (i * 7) % 13;
  return { data, shape };
}

// Deterministic weights (a safetensors file in memory) for a model that declares any: read
// from the description next to the .wasm (<model>.manifest.json).
async function benchWeights(wasmPath) {
  let spec;
  try {
    spec = JSON.parse(await readFile(wasmPath.replace(/\.wasm$/, '.manifest.json'), 'utf8'));
  } catch {
    return undefined;  // no description next to it: the model must have no weights
  }
  const weights = spec.tensors.filter((t) => t.role === 'weight');
  if (!weights.length) return undefined;
  return encodeSafetensors(weights.map((t) => ({ name: t.name, dtype: SAFETENSORS_DTYPE[t.dtype], shape: t.shape, data: fill(t, {}).data })));
}

// `options`: more loadModel options (e.g. specialize: false, the generic pipelines only).
export async function loadWebtxModel(wasmPath, gpu, options = {}) {
  return loadModel(await readFile(wasmPath), { gpu, weights: await benchWeights(wasmPath), ...options });
}

// Times `model` at the given symbol values. `check(inputs, outputs)` returns a max abs error.
export async function timeWebtxModel(model, allSymbols, { iterations = 10, check, heat } = {}) {
  // Constant-shape models have no symbols: bind only those the model declares.
  const symbols = Object.fromEntries(Object.entries(allSymbols).filter(([k]) => model.manifest.symbolNames.includes(k)));
  const inputs = {};
  for (const t of model.inputs) inputs[t.name] = fill(t, symbols);
  let maxAbsErr;
  if (check) maxAbsErr = check(inputs, await model.run(inputs, symbols));
  // Warm-up of at least ~0.3 s of this very work before timing: an idle GPU runs at low clocks
  // for a while, and whichever model or size came first measured up to 5x slower (H100, Dawn).
  const probe = await model.time(inputs, { iterations: 3, symbols });
  const reps = Math.min(500, Math.ceil(300 / Math.max(probe.medianMs, 0.01)));
  await model.time(inputs, { iterations: reps, symbols });
  // Serial runs of a short kernel leave the GPU idle most of the time, and its clock governor
  // lowers the clock (clockHeater in copy_kernel.mjs): the caller's heat() holds it up.
  await heat?.();
  const t = await model.time(inputs, { iterations, symbols });
  // Checked again with the pipelines that were timed (after repeated runs: specialized ones).
  if (check) maxAbsErr = Math.max(maxAbsErr, check(inputs, await model.run(inputs, symbols)));
  if (!(t.medianMs > 0)) throw new Error(`GPU time of one run (${t.medianMs} ms) is below the timer's resolution`);
  return { ms: t.medianMs, method: t.method, hostUsPerDispatch: t.hostUsPerDispatch,
    dispatches: t.dispatches, maxAbsErr, iterations, specializedShare: t.specializedShare,
    specialization: model.specialization };
}

// Sampled check of C = A·B (row-major, A: M×K, B: K×N) for matmul-shaped models.
export function matmulCheck(aName, bName, cName) {
  return (inputs, outputs) => {
    const A = inputs[aName], B = inputs[bName], C = outputs[cName];
    const [M, K] = A.shape, N = B.shape[1];
    let err = 0;
    for (let s = 0; s < 32; s++) {
      const i = (s * 2654435761) % M, j = (s * 40503 + 17) % N;
      let ref = 0;
      for (let k = 0; k < K; k++) ref += A.data[i * K + k] * B.data[k * N + j];
      err = Math.max(err, Math.abs(ref - C[i * N + j]));
    }
    return err;
  };
}
