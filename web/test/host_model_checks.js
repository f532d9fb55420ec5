// The host-stub test model's checks (tests/host's test_model.cpp: tmp = 2x; t2[0] = 2 tmp[0];
// y[g] = 2 t2[g % 2bh]; count[g] = int(t2[0])), shared by the Node and Chromium runners:
// numbers, argument checks at both layers, recovery after errors, timing, device loss.
export async function checkHostModel(loadModel, source, gpu, print = console.log) {
  const model = await loadModel(source, { gpu });
  let failures = 0;
  const check = (cond, what) => {
    print(`${cond ? 'PASS' : 'FAIL'} ${what}`);
    if (!cond) failures++;
  };
  const expectThrow = async (fn, pattern, what) => {
    try {
      await fn();
      check(false, `${what}: no error`);
    } catch (e) {
      check(pattern.test(e.message), `${what}: ${e.message}`);
    }
  };
  
  async function runOnce(batch, heads) {
    const x = Float32Array.from({ length: batch * 8 }, (_, i) => i * 0.5 + 1.25);
    const w = new Float32Array(8 * heads);
    const { y, count } = await model.run({ x: { data: x, shape: [batch, 8] }, w: { data: w, shape: [8, heads] } });
    // Fresh intermediates are zero (WebGPU zero-initialises buffers): only t2[0] is written.
    const wantY = Array.from({ length: batch * heads }, (_, g) => (g % (2 * batch * heads) === 0 ? 8 * x[0] : 0));
    check(y instanceof Float32Array && y.length === batch * heads && y.every((v, i) => v === wantY[i]), `y for batch=${batch} heads=${heads}`);
    check(count instanceof Int32Array && count.length === batch + 1 && count.every((v) => v === Math.trunc(4 * x[0])), `count (shape [batch + 1])`);
  }
  
  await runOnce(3, 5);
  await runOnce(7, 2);
  await expectThrow(() => model.run({ x: new Float32Array(24) }), /missing input 'w'/, 'missing input');
  await expectThrow(() => model.run({ x: new Int32Array(24), w: new Float32Array(40) }), /input 'x' must be a Float32Array/, 'wrong typed array');
  await expectThrow(() => model.run({ x: { data: new Float32Array(24), shape: [3, 9] }, w: new Float32Array(40) }), /tensor 'x' axis 1 must be 8/, 'constant extent mismatch');
  await expectThrow(() => model.run({ x: { data: new Float32Array(24), shape: [3, 8] }, w: { data: new Float32Array(40), shape: [8, 5] } }, { batch: 4 }), /tensor 'x' axis 0 has extent 3, but symbol 'batch' is 4/, 'symbol disagreement');
  await expectThrow(() => model.run({ x: { data: new Float32Array(24), shape: [3, 8, 1] }, w: new Float32Array(40) }), /rank 2/, 'wrong rank');
  // Past the JS checks, the wasm module's own checks must reject with the tensor and axis.
  await expectThrow(() => model.run({ x: { data: new Float32Array(24), shape: [3, 9] }, w: { data: new Float32Array(40), shape: [8, 5] } }, {}, { check: false }), /x/, 'wasm-side extent check');
  await expectThrow(() => model.run({ x: { data: new Float32Array(20), shape: [3, 8] }, w: { data: new Float32Array(40), shape: [8, 5] } }, {}, { check: false }), /x/, 'wasm-side buffer too small');
  await runOnce(3, 5);  // still works after errors
  const t = await model.time({ x: { data: new Float32Array(24), shape: [3, 8] }, w: { data: new Float32Array(40), shape: [8, 5] } }, { iterations: 3 });
  check(t.samples.length === 3 && t.medianMs >= 0, `time(): ${t.method} median ${t.medianMs.toFixed(3)} ms`);
  model.dispose();
  await expectThrow(() => model.run({}), /disposed/, 'run after dispose');
  // A lost device makes the next call reject (not hang).
  const m2 = await loadModel(source, { gpu });
  m2.device.destroy();
  await new Promise((r) => setTimeout(r, 50));
  await expectThrow(() => m2.run({ x: new Float32Array(24), w: new Float32Array(40) }, { heads: 5 }), /device was lost/, 'run after device loss');
  m2.dispose();
  return failures;
}
