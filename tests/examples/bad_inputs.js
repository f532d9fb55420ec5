// Bad inputs to real example models, built from their references: every case must throw an
// Error naming the tensor (and the axis where there is one). `options.check: false` skips the
// JS runtime's checks, so the wasm module's own checks (the host stub) must catch it.
const f32 = (len) => new Float32Array(len);
const copy = (t) => ({ data: Float32Array.from(t.data), shape: [...t.shape] });

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
