// The inputs of run()/time() as the call gives them: checked and copied at the call, so a
// caller may reuse its arrays while runs are queued. GPU tensors pass through untouched.
import { splitInput } from './manifest.js';
import { Tensor } from './tensor.js';

const I32_MAX = 0x7fffffff;  // extents and symbols are i32 in the model and its kernels

/** What a value is, for error messages. */
export function describeValue(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a plain Array';
  if (v instanceof DataView) return 'a DataView';
  if (typeof v === 'object') return `an object with keys {${Object.keys(v).join(', ')}}`;
  return `a ${typeof v}`;
}

/**
 * Copies every typed array of `inputs` ({name: typed array | {data, shape}}) into fresh,
 * unshared memory: the call owns its data from here on (later writes by the caller do not
 * reach a queued run), and nothing shared or detached reaches the GPU queue (Dawn's
 * writeBuffer crashes on SharedArrayBuffer views). Shapes must be arrays of whole numbers >= 0.
 */
export function takeInputs(inputs) {
  if (inputs === undefined || inputs === null) return {};
  if (typeof inputs !== 'object') throw new Error(`webtx: run() takes an object of inputs, got ${describeValue(inputs)}`);
  const out = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (value instanceof Tensor && value.location === 'disposed') {
      throw new Error(`webtx: input '${name}' is a disposed tensor`);
    }
    if (value instanceof Tensor && value.location === 'gpu') {
      out[name] = value;  // on the GPU: used in place (it must stay alive until the run ends)
      continue;
    }
    const { data, shape } = splitInput(value);
    if (!data) {
      out[name] = value;  // reported by name where the model's inputs are checked
      continue;
    }
    if (data instanceof DataView) {
      throw new Error(`webtx: input '${name}' must be a typed array (e.g. Float32Array), got a DataView`);
    }
    if (data.byteLength === 0 && isDetached(data.buffer)) {
      throw new Error(`webtx: input '${name}' is a view of a detached ArrayBuffer (transferred or freed)`);
    }
    if (shape !== undefined) {
      if (!Array.isArray(shape)) throw new Error(`webtx: input '${name}' has shape ${JSON.stringify(shape)}, not an array`);
      shape.forEach((d, axis) => {
        if (!Number.isInteger(d) || d < 0 || d > I32_MAX) {
          throw new Error(`webtx: tensor '${name}' axis ${axis} has extent ${d}: extents must be whole numbers in [0, 2^31 - 1]`);
        }
      });
    }
    const copy = data.slice();  // a fresh, unshared ArrayBuffer of exactly this view
    out[name] = shape === undefined ? copy : { data: copy, shape: [...shape] };
  }
  return out;
}

function isDetached(buffer) {
  if ('detached' in ArrayBuffer.prototype) return buffer.detached;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}
