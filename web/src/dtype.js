// Element types across the JS boundary. Codes match docs/abi.md (0 f32, 1 i32, 2 u32, 3 f16,
// 4 bool stored as u32). f16 data travels as raw bits in a Uint16Array (or a Float16Array
// where the JS engine has one).

/** @type {Record<string, {code: number, bytes: number, array: Function, accepts: Function[]}>} */
const TABLE = {
  f32: { code: 0, bytes: 4, array: Float32Array, accepts: [Float32Array] },
  i32: { code: 1, bytes: 4, array: Int32Array, accepts: [Int32Array] },
  u32: { code: 2, bytes: 4, array: Uint32Array, accepts: [Uint32Array] },
  f16: { code: 3, bytes: 2, array: Uint16Array, accepts: [Uint16Array] },
  bool: { code: 4, bytes: 4, array: Uint32Array, accepts: [Uint32Array, Uint8Array] },
};
if (typeof globalThis.Float16Array === 'function') {
  TABLE.f16.array = globalThis.Float16Array;
  TABLE.f16.accepts = [globalThis.Float16Array, Uint16Array];
}

export const DTYPES = Object.freeze(Object.keys(TABLE));

export function dtypeInfo(name) {
  const t = TABLE[name];
  if (!t) throw new Error(`webtx: unknown dtype '${name}'`);
  return t;
}

export function dtypeFromCode(code) {
  for (const [name, t] of Object.entries(TABLE)) if (t.code === code) return name;
  throw new Error(`webtx: unknown dtype code ${code}`);
}

/** Typed array of `count` elements of `dtype` as the caller sees it. */
export function allocTyped(dtype, count) {
  return new (dtypeInfo(dtype).array)(count);
}

/** True if `data` is a typed array a tensor of `dtype` accepts. */
export function acceptsTyped(dtype, data) {
  return dtypeInfo(dtype).accepts.some((C) => data instanceof C);
}

/** Bytes the GPU holds for `data` of `dtype` (bool from a Uint8Array widens to u32). */
export function toGpuBytes(dtype, data) {
  if (dtype === 'bool' && data instanceof Uint8Array) return Uint32Array.from(data);
  return data;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits of the f16 nearest to x (round to nearest even). */
export function f32ToF16Bits(x) {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let man = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);  // inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;  // overflow
  if (e <= 0) {
    if (e < -10) return sign;  // underflow to zero
    man |= 0x800000;
    const shift = 14 - e;
    let h = man >>> shift;
    const rem = man & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (man >>> 13);
  const rem = man & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;  // may carry into the exponent: fine
  return sign | h;
}

/** The number an f16 bit pattern holds. */
export function f16BitsToF32(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Plain numbers of a tensor's typed array (f16 bits decoded, bool as 0/1). */
export function toNumbers(dtype, data) {
  if (dtype === 'f16' && data instanceof Uint16Array) return Array.from(data, f16BitsToF32);
  return Array.from(data, Number);
}

/** Typed array of `dtype` holding plain numbers (f16 encoded to bits). */
export function fromNumbers(dtype, values) {
  if (dtype === 'f16' && dtypeInfo('f16').array === Uint16Array) {
    return Uint16Array.from(values, f32ToF16Bits);
  }
  return dtypeInfo(dtype).array.from(values);
}
