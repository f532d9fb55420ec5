// Bad inputs to real example models, built from their references: every case must throw an
// Error naming the tensor (and the axis where there is one). `options.check: false` skips the
// JS runtime's checks, so the wasm module's own checks (the host stub) must catch it.
const f32 = (len) => new Float32Array(len);
const copy = (t) => ({ data: Float32Array.from(t.data), shape: [...t.shape] });
// A Float32Array whose buffer was transferred away (detached).
const detached = () => {
  const v = new Float32Array(8);
  structuredClone(v.buffer, { transfer: [v.buffer] });
  return v;
};

export const BAD_INPUTS = {
  vector_add(ref) {
    const a = copy(ref.inputs.a), b = copy(ref.inputs.b), n = a.shape[0];
    return [
      { what: 'wrong rank', inputs: { a: { data: f32(n), shape: [n, 1] }, b }, pattern: /tensor 'a' must have rank 1/ },
      { what: 'wrong dtype', inputs: { a: Int32Array.from(a.data), b }, pattern: /input 'a' must be a Float32Array/ },
      { what: 'mismatched extents', inputs: { a, b: { data: f32(n + 1), shape: [n + 1] } }, pattern: /tensor 'b' axis 0 has extent \d+, but symbol 'n' is \d+/ },
      { what: 'too-small buffer', inputs: { a: { data: f32(n - 1), shape: [n] }, b }, pattern: /input 'a' has \d+ elements, but its shape \[\d+\] needs \d+/ },
      { what: 'wasm: mismatched extents', inputs: { a, b: { data: f32(n + 1), shape: [n + 1] } }, options: { check: false }, pattern: /tensor 'b' axis 0 has extent \d+, but symbol 'n'/ },
      { what: 'wasm: too-small buffer', inputs: { a: { data: f32(n - 1), shape: [n] }, b }, options: { check: false }, pattern: /tensor 'a' buffer has \d+ bytes/ },
      { what: 'fractional extent', inputs: { a: { data: f32(n), shape: [n + 0.5] }, b }, pattern: /tensor 'a' axis 0 has extent [\d.]+: extents must be whole numbers/ },
      { what: 'negative extent', inputs: { a: { data: f32(n), shape: [-1] }, b }, pattern: /tensor 'a' axis 0 has extent -1/ },
      { what: 'plain Array', inputs: { a: Array.from(a.data), b }, pattern: /input 'a' must be a typed array, \{data, shape\} or a Tensor.*got a plain Array/ },
      { what: 'number', inputs: { a: 3, b }, pattern: /input 'a' must be a typed array.*got a number/ },
      { what: 'string', inputs: { a: 'x', b }, pattern: /input 'a' must be a typed array.*got a string/ },
      { what: 'DataView', inputs: { a: new DataView(new ArrayBuffer(4 * n)), b }, pattern: /input 'a' must be a typed array \(e\.g\. Float32Array\), got a DataView/ },
      { what: 'detached buffer', inputs: { a: detached(), b }, pattern: /input 'a' is a view of a detached ArrayBuffer/ },
      { what: 'inputs not an object', inputs: 42, pattern: /run\(\) takes an object of inputs, got a number/ },
    ];
  },
  matmul(ref) {
    const A = copy(ref.inputs.A), B = copy(ref.inputs.B);
    const [M, K] = A.shape, N = B.shape[1];
    const B1 = { data: f32((K + 1) * N), shape: [K + 1, N] };
    const Asmall = { data: f32(M * K - 1), shape: [M, K] };
    return [
      { what: 'wrong rank', inputs: { A: { data: A.data, shape: [M, K, 1] }, B }, pattern: /tensor 'A' must have rank 2/ },
      { what: 'wrong dtype', inputs: { A, B: Int32Array.from(B.data) }, pattern: /input 'B' must be a Float32Array/ },
      { what: 'mismatched K', inputs: { A, B: B1 }, pattern: /tensor 'B' axis 0 has extent \d+, but symbol 'K' is \d+ \(from tensor 'A' axis 1\)/ },
      { what: 'too-small buffer', inputs: { A: Asmall, B }, pattern: /input 'A' has \d+ elements, but its shape \[\d+,\d+\] needs \d+/ },
      { what: 'wasm: mismatched K', inputs: { A, B: B1 }, options: { check: false }, pattern: /matmul: tensor 'B' axis 0 has extent \d+, but symbol 'K'/ },
      { what: 'wasm: too-small buffer', inputs: { A: Asmall, B }, options: { check: false }, pattern: /matmul: tensor 'A' buffer has \d+ bytes/ },
    ];
  },
};
