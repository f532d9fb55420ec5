// The C ABI of docs/abi.md, mirrored once: struct sizes and field offsets (little-endian,
// wasm32). Nothing else in web/ hard-codes an offset.
export const MAX_DIMS = 6;
export const TENSOR_BYTES = 40;  // WebtxTensor
export const TENSOR = { handle: 0, dtype: 4, ndim: 8, nbytes: 12, shape: 16 };
export const VALUE_BYTES = 16;   // WebtxValue
export const VALUE = { type_code: 0, payload: 8 };
export const TYPE_CODE = { int: 0, float: 1, tensor: 2 };

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** NUL-terminated UTF-8 string at `ptr` in `memory`. */
export function readCString(memory, ptr) {
  const bytes = new Uint8Array(memory.buffer);
  let end = ptr;
  while (end < bytes.length && bytes[end] !== 0) ++end;
  return decoder.decode(bytes.subarray(ptr, end));
}

export function readString(memory, ptr, len) {
  return decoder.decode(new Uint8Array(memory.buffer, ptr, len));
}

/** Copies `s` NUL-terminated into memory allocated with `alloc`; returns the pointer. */
export function writeCString(memory, alloc, s) {
  const b = encoder.encode(s);
  const ptr = alloc(b.length + 1);
  if (!ptr) throw new Error('webtx: wasm allocation failed');
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(b, ptr);
  bytes[ptr + b.length] = 0;
  return ptr;
}

/** Writes one WebtxTensor at `ptr`. */
export function writeTensor(memory, ptr, { handle, dtype, shape, nbytes }) {
  const v = new DataView(memory.buffer);
  v.setInt32(ptr + TENSOR.handle, handle, true);
  v.setInt32(ptr + TENSOR.dtype, dtype, true);
  v.setInt32(ptr + TENSOR.ndim, shape.length, true);
  v.setInt32(ptr + TENSOR.nbytes, nbytes, true);
  for (let i = 0; i < MAX_DIMS; ++i) v.setInt32(ptr + TENSOR.shape + 4 * i, shape[i] ?? 0, true);
}

/** Writes one WebtxValue holding a tensor pointer at `ptr`. */
export function writeTensorValue(memory, ptr, tensorPtr) {
  const v = new DataView(memory.buffer);
  v.setInt32(ptr + VALUE.type_code, TYPE_CODE.tensor, true);
  v.setInt32(ptr + 4, 0, true);
  v.setInt32(ptr + VALUE.payload, tensorPtr, true);
  v.setInt32(ptr + VALUE.payload + 4, 0, true);
}
