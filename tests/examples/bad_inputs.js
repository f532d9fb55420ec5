// Bad inputs to a real example model, from its reference: every case must throw an Error
// naming the tensor (and the axis where there is one). `options.check: false` skips the JS
// runtime's checks so the wasm module's own checks (the host stub) must catch it.
export const BAD_INPUT_MODEL = 'vector_add';

export function badInputCases(ref) {
  const a = ref.inputs.a, n = a.shape[0];
  const f = (len) => new Float32Array(len);
  const ok = { data: Float32Array.from(a.data), shape: [n] };
  return [
    { what: 'wrong rank', inputs: { a: { data: f(n), shape: [n, 1] }, b: ok }, pattern: /tensor 'a' must have rank 1/ },
    { what: 'wrong dtype', inputs: { a: Int32Array.from(a.data), b: ok }, pattern: /input 'a' must be a Float32Array/ },
    { what: 'mismatched extents', inputs: { a: ok, b: { data: f(n + 1), shape: [n + 1] } }, pattern: /tensor 'b' axis 0 has extent \d+, but symbol 'n' is \d+/ },
    { what: 'too-small buffer', inputs: { a: { data: f(n - 1), shape: [n] }, b: ok }, pattern: /input 'a' has \d+ elements, but its shape \[\d+\] needs \d+/ },
    { what: 'wasm: mismatched extents', inputs: { a: ok, b: { data: f(n + 1), shape: [n + 1] } }, options: { check: false }, pattern: /tensor 'b' axis 0/ },
    { what: 'wasm: too-small buffer', inputs: { a: { data: f(n - 1), shape: [n] }, b: ok }, options: { check: false }, pattern: /tensor 'a'/ },
  ];
}
