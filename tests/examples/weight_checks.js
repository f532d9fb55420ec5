// Weights of a real model (shared by the Node and Chromium runners): every bad weights file or
// option must make loadModel reject with an Error naming the tensor (and the file), a weight
// passed to run() must be refused by name, and loading the right file (as the runner's
// source: a path in Node, a URL in Chromium, and as bytes) must then give the CPU reference,
// run after run (the weights stay on the GPU).
import { compare, refInputs } from './example_checks.js';
import { encodeSafetensors, parseSafetensors } from '../../web/src/safetensors.js';

// The good file with its tensors changed by `edit` ([{name, dtype, shape, data}] -> same).
function rewrite(bytes, edit) {
  const f = parseSafetensors(bytes);
  const tensors = [...f.tensors.values()].map((t) => ({ ...t, data: t.data.slice() }));
  return encodeSafetensors(edit(tensors));
}

function badHeader(text) {
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

/**
 * `good`: {source (path or URL), bytes (Uint8Array of the same file)}; `missing`: a source
 * that does not exist. Returns the number of failures.
 */
export async function checkWeights(loadModel, gpu, wasm, ref, good, missing, print = console.log) {
  let failures = 0;
  const first = [...parseSafetensors(good.bytes).tensors.values()][0];
  const cases = [
    { what: 'no weights option', weights: undefined, pattern: new RegExp(`model '${ref.model}' needs weights '${first.name}'.*pass loadModel\\(source, \\{ weights \\}\\)`) },
    { what: 'weights not a file', weights: 42, pattern: /the weights option must be a URL, a path \(Node\) or the bytes of a safetensors file, got number/ },
    { what: 'missing file', weights: missing, pattern: /cannot (read|fetch) weights file '.*nonexistent\.safetensors'/ },
    { what: 'missing weight', weights: rewrite(good.bytes, (ts) => ts.slice(1)), pattern: new RegExp(`lacks weight\\(s\\) '${first.name}' of model '${ref.model}'`) },
    { what: 'extra tensor', weights: rewrite(good.bytes, (ts) => [...ts, { name: 'extra.bias', dtype: 'F32', shape: [1], data: new Uint8Array(4) }]),
      pattern: new RegExp(`has tensor 'extra.bias', which is not a weight of model '${ref.model}' \\(weights: `) },
    { what: 'mis-shaped weight', weights: rewrite(good.bytes, (ts) => ts.map((t, i) => (i ? t : { ...t, shape: [...t.shape].reverse().concat(t.shape.length === 1 ? [1] : []) }))),
      pattern: new RegExp(`weight '${first.name}' has shape \\[[\\d, ]+\\], but model '${ref.model}' needs \\[${first.shape.join(', ')}\\]`) },
    { what: 'wrong dtype', weights: rewrite(good.bytes, (ts) => ts.map((t, i) => (i ? t : { ...t, dtype: 'I32' }))),
      pattern: new RegExp(`weight '${first.name}' has dtype I32, but model '${ref.model}' needs F32`) },
    { what: 'truncated file', weights: good.bytes.slice(0, good.bytes.length - 4), pattern: /weights file '\(\d+ bytes\)' is truncated: tensor '.*' ends at byte \d+ of the data, which has only \d+ bytes/ },
    { what: 'header past the end', weights: good.bytes.slice(0, 64), pattern: /its header of \d+ bytes runs past the end of the file \(64 bytes\)/ },
    { what: 'bad header JSON', weights: badHeader('{"w1": {"dtype": "F32",'), pattern: /the header is not valid JSON/ },
  ];
  print(`weights of ${ref.model}`);
  for (const c of cases) {
    try {
      const m = await loadModel(wasm, { gpu, weights: c.weights, log: () => {} });
      m.dispose();
      print(`FAIL ${c.what}: no error`);
      failures++;
    } catch (e) {
      const ok = e instanceof Error && c.pattern.test(e.message);
      print(`${ok ? 'PASS' : 'FAIL'} ${c.what}: ${e.message}`);
      if (!ok) failures++;
    }
  }
  const check = async (model, what) => {
    const out = await model.run(refInputs(ref), ref.symbols ?? {});
    for (const [name, want] of Object.entries(ref.outputs)) {
      const r = compare(out[name], want);
      print(`${r.ok ? 'PASS' : 'FAIL'} ${what}: output '${name}' max abs error ${r.maxAbsError.toExponential(2)} ${r.why}`);
      if (!r.ok) failures++;
    }
  };
  for (const [how, weights] of [[typeof good.source === 'string' && good.source.includes('://') ? 'URL' : 'path', good.source], ['bytes', good.bytes]]) {
    const model = await loadModel(wasm, { gpu, weights, log: () => {} });
    // Uploaded once: no run writes a weight buffer, and every run binds the same buffers (so
    // bind groups with weights stay cached wherever the other bindings do).
    const weightBuffers = new Set([...model._weights.values()].map((w) => model._table.get(w.handle)));
    const queue = model.device.queue, writeBuffer = queue.writeBuffer;
    let weightWrites = 0;
    queue.writeBuffer = function (buffer, ...rest) {
      if (weightBuffers.has(buffer)) weightWrites++;
      return writeBuffer.call(this, buffer, ...rest);
    };
    await check(model, `weights as ${how}, run 1`);
    try {
      await model.run({ ...refInputs(ref), [first.name]: new Float32Array(first.shape.reduce((a, b) => a * b, 1)) });
      print(`FAIL weight passed to run(): no error`);
      failures++;
    } catch (e) {
      const ok = new RegExp(`'${first.name}' is a weight of model '${ref.model}', loaded once by loadModel`).test(e.message);
      print(`${ok ? 'PASS' : 'FAIL'} weight passed to run(): ${e.message}`);
      if (!ok) failures++;
    }
    await check(model, `weights as ${how}, run 2`);
    const same = [...model._weights.values()].every((w) => weightBuffers.has(model._table.get(w.handle)));
    const kept = weightWrites === 0 && same && weightBuffers.size === model.weights.length;
    print(`${kept ? 'PASS' : 'FAIL'} weights as ${how}: ${model.weights.length} weight buffers, the same after 2 runs: ${same}, ${weightWrites} uploads by runs`);
    if (!kept) failures++;
    let destroyed = 0;
    for (const b of weightBuffers) {
      const destroy = b.destroy;
      b.destroy = function () {
        destroyed++;
        return destroy.call(this);
      };
    }
    queue.writeBuffer = writeBuffer;
    model.dispose();
    print(`${destroyed === weightBuffers.size ? 'PASS' : 'FAIL'} dispose() destroys the ${weightBuffers.size} weight buffers (${destroyed})`);
    if (destroyed !== weightBuffers.size) failures++;
  }
  return failures;
}
