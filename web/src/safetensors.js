// Weights files in the safetensors format: an 8-byte little-endian header length N, N bytes of
// JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}, then the raw
// little-endian data (offsets relative to its start). Tensors come back as *views* of the
// file's bytes (nothing is copied). Same checks and messages as the C++ reader
// (runtime/model/safetensors.cpp).

/** Bytes per element of each safetensors dtype. */
const ST_BYTES = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** The safetensors dtype of each model dtype that a weight may have. */
export const SAFETENSORS_DTYPE = Object.freeze({ f32: 'F32', f16: 'F16', i32: 'I32', u32: 'U32' });

const shapeStr = (s) => `[${s.join(', ')}]`;

function asBytes(bytes, what) {
  if (bytes instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && bytes instanceof SharedArrayBuffer)) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new Error(`webtx: ${what} must be an ArrayBuffer or a typed array of the file's bytes`);
}

/**
 * Parses a safetensors file. `source` names it in errors. Returns
 * {source, metadata, tensors: Map<name, {name, dtype, shape, data: Uint8Array}>} where each
 * `data` is a view of `bytes`.
 * @param {ArrayBuffer|ArrayBufferView} bytes
 * @param {string} [source]
 */
export function parseSafetensors(bytes, source = '(bytes)') {
  const what = `weights file '${source}'`;
  const u8 = asBytes(bytes, what);
  if (u8.byteLength < 8) throw new Error(`webtx: ${what} has ${u8.byteLength} bytes, too short for a safetensors header length (8 bytes)`);
  const n64 = new DataView(u8.buffer, u8.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(u8.byteLength - 8)) {
    throw new Error(`webtx: ${what}: its header of ${n64} bytes runs past the end of the file (${u8.byteLength} bytes): truncated, or not a safetensors file`);
  }
  const n = Number(n64);
  let header;
  try {
    // TextDecoder refuses views of shared memory: the header is small, copy it.
    header = JSON.parse(new TextDecoder().decode(u8.slice(8, 8 + n)));
  } catch (e) {
    throw new Error(`webtx: ${what}: the header is not valid JSON (${e.message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error(`webtx: ${what}: the header is not a JSON object`);
  const dataStart = 8 + n;
  const dataSize = u8.byteLength - dataStart;
  const tensors = new Map();
  let metadata = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`webtx: ${what}: __metadata__ is not an object`);
      metadata = v;
      continue;
    }
    const tn = `${what}: tensor '${name}'`;
    if (!v || typeof v !== 'object' || !('dtype' in v) || !('shape' in v) || !('data_offsets' in v)) {
      throw new Error(`webtx: ${tn} needs dtype, shape and data_offsets`);
    }
    if (typeof v.dtype !== 'string') throw new Error(`webtx: ${tn} has a dtype that is not a string`);
    const esize = ST_BYTES[v.dtype];
    if (!esize) throw new Error(`webtx: ${tn} has unknown dtype '${v.dtype}'`);
    if (!Array.isArray(v.shape)) throw new Error(`webtx: ${tn} has a shape that is not an array`);
    if (!v.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`webtx: ${tn} has shape ${JSON.stringify(v.shape)}: extents must be whole numbers >= 0`);
    }
    const off = v.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isInteger(x) && x >= 0)) {
      throw new Error(`webtx: ${tn} has data_offsets ${JSON.stringify(off)}, not [begin, end]`);
    }
    const [begin, end] = off;
    if (end < begin) throw new Error(`webtx: ${tn} has data_offsets ${JSON.stringify(off)} (end < begin)`);
    const need = v.shape.reduce((a, b) => a * b, 1) * esize;
    if (end - begin !== need) {
      throw new Error(`webtx: ${tn} (${v.dtype} ${shapeStr(v.shape)}) needs ${need} bytes, but data_offsets ${JSON.stringify(off)} give ${end - begin}`);
    }
    if (end > dataSize) {
      throw new Error(`webtx: ${what} is truncated: tensor '${name}' ends at byte ${end} of the data, which has only ${dataSize} bytes`);
    }
    tensors.set(name, { name, dtype: v.dtype, shape: [...v.shape], data: u8.subarray(dataStart + begin, dataStart + end) });
  }
  return { source, metadata, tensors };
}

/**
 * Checks a parsed file against the model description's weights (role 'weight'): each present
 * with the model's dtype and shape, and no other tensor. Throws an Error naming the file and
 * the tensor(s).
 */
export function checkWeights(spec, file) {
  const what = `weights file '${file.source}'`;
  const weights = spec.tensors.filter((t) => t.role === 'weight');
  const missing = weights.filter((t) => !file.tensors.has(t.name)).map((t) => `'${t.name}'`);
  if (missing.length) throw new Error(`webtx: ${what} lacks weight(s) ${missing.join(', ')} of model '${spec.model}'`);
  const names = new Set(weights.map((t) => t.name));
  for (const name of file.tensors.keys()) {
    if (!names.has(name)) {
      throw new Error(`webtx: ${what} has tensor '${name}', which is not a weight of model '${spec.model}' (weights: ${weights.map((t) => t.name).join(', ') || 'none'})`);
    }
  }
  for (const t of weights) {
    const e = file.tensors.get(t.name);
    const want = SAFETENSORS_DTYPE[t.dtype];
    if (e.dtype !== want) throw new Error(`webtx: ${what}: weight '${t.name}' has dtype ${e.dtype}, but model '${spec.model}' needs ${want ?? t.dtype}`);
    if (e.shape.length !== t.shape.length || e.shape.some((d, i) => d !== t.shape[i])) {
      throw new Error(`webtx: ${what}: weight '${t.name}' has shape ${shapeStr(e.shape)}, but model '${spec.model}' needs ${shapeStr(t.shape)}`);
    }
  }
}

/**
 * Encodes tensors as a safetensors file (names in the given order, data 8-byte aligned).
 * tensors: [{name, dtype: 'F32'|..., shape, data: ArrayBufferView of exactly its bytes}].
 * @returns {Uint8Array}
 */
export function encodeSafetensors(tensors, metadata) {
  const header = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const n = t.data.byteLength;
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let at = 8 + h.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
