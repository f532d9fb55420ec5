// Checks shared by the Node (Dawn) and Chromium runners: each example model, run on WebGPU,
// equals its CPU reference (webtx-examples-ref, evaluate_graph) within
//   |got - want| <= ATOL + RTOL * |want|   (f32; different summation order, exp/div rounding)
// and a real model rejects bad inputs with an error naming the tensor and axis, then still works.
export const ATOL = 1e-4;
export const RTOL = 1e-4;

const ARRAYS = { f32: Float32Array, i32: Int32Array, u32: Uint32Array, bool: Uint32Array, f16: Uint16Array };

// Reference JSON -> run() arguments: {name: {data, shape}} (symbols come from the shapes).
export function refInputs(ref) {
  const inputs = {};
  for (const [name, t] of Object.entries(ref.inputs)) inputs[name] = { data: ARRAYS[t.dtype ?? 'f32'].from(t.data), shape: t.shape };
  return inputs;
}

export function compare(got, want) {
  if (!got || got.length !== want.length) return { ok: false, maxAbsError: Infinity, why: `length ${got?.length} != ${want.length}` };
  let maxAbsError = 0, bad = -1;
  for (let i = 0; i < want.length; ++i) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= ATOL + RTOL * Math.abs(want[i])) && bad < 0) bad = i;
    if (!(e <= maxAbsError)) maxAbsError = e;  // NaN propagates
  }
  return { ok: bad < 0, maxAbsError, why: bad < 0 ? '' : `element ${bad}: got ${got[bad]}, want ${want[bad]}` };
}

/**
 * cases: [{model, wasm, weights?, refs: [{label, ref}]}] with the reference JSON already parsed;
 * `weights` (a path or URL of the references' safetensors file) when the model has weights.
 * Returns the number of failures; print gets one line per check.
 */
export async function checkExamples(loadModel, gpu, cases, print = console.log) {
  let failures = 0;
  const rows = [];
  for (const c of cases) {
    let model;
    try {
      model = await loadModel(c.wasm, { gpu, weights: c.weights, log: () => {} });
    } catch (e) {
      print(`FAIL ${c.model}: load: ${e.message}`);
      failures++;
      continue;
    }
    for (const { label, ref } of c.refs) {
      const what = `${c.model} ${label}`;
      try {
        const out = await model.run(refInputs(ref), ref.symbols ?? {});
        for (const [name, want] of Object.entries(ref.outputs)) {
          const r = compare(out[name], want);
          print(`${r.ok ? 'PASS' : 'FAIL'} ${what} output '${name}' [${ref.output_shapes?.[name] ?? want.length}]: max abs error ${r.maxAbsError.toExponential(2)} ${r.why}`);
          rows.push({ model: c.model, label, output: name, ...r });
          if (!r.ok) failures++;
        }
      } catch (e) {
        print(`FAIL ${what}: ${e.message}`);
        failures++;
      }
    }
    model.dispose();
  }
  return failures;
}

/**
 * Bad inputs to a real model: each call must reject with an Error whose message matches
 * (tensor and axis named), and the model must still give the reference result afterwards.
 * badCases: [{what, inputs, symbols?, options?, pattern}] built by the caller from `ref`.
 */
export async function checkBadInputs(loadModel, gpu, wasm, ref, badCases, print = console.log, weights = undefined) {
  let failures = 0;
  const model = await loadModel(wasm, { gpu, weights, log: () => {} });
  const again = async (what) => {
    const out = await model.run(refInputs(ref));
    for (const [name, want] of Object.entries(ref.outputs)) {
      const r = compare(out[name], want);
      print(`${r.ok ? 'PASS' : 'FAIL'} ${what}: output '${name}' ${r.why}`);
      if (!r.ok) failures++;
    }
  };
  print(`bad inputs to ${ref.model}`);
  await again('before bad inputs');
  for (const b of badCases) {
    try {
      await model.run(b.inputs, b.symbols ?? {}, b.options ?? {});
      print(`FAIL ${b.what}: no error`);
      failures++;
    } catch (e) {
      const ok = e instanceof Error && b.pattern.test(e.message);
      print(`${ok ? 'PASS' : 'FAIL'} ${b.what}: ${e.message}`);
      if (!ok) failures++;
    }
  }
  await again('after bad inputs');
  model.dispose();
  return failures;
}
