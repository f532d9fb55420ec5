// Peers for the row-reduction benchmark (bench_rows.mjs) on this process's Dawn: softmax over
// the last axis and layer normalization of M x N fp32 rows. TF.js: tf.softmax, and layernorm
// as a TF.js user writes it (tf.moments, then arithmetic; TF.js has no fused op). ORT-web:
// one-node ONNX models (Softmax, opset 13; LayerNormalization, opset 17) with symbolic dims,
// inputs and outputs kept on the GPU. Inputs as bench_rows.mjs's webtx inputs.
import { exposeNavigatorGPU, importOrt, onnxSchema, ortGpuTensor, timeOrtRuns } from './peers.mjs';
import { timeBatches } from './gbench_json.mjs';

const fill = (n) => Float32Array.from({ length: n }, (_, i) => ((i * 7) % 13) / 13 - 0.5);

// Max abs error of rows 0 and M-1 against double precision.
function rowError(op, x, y, M, N, gamma, beta) {
  let err = 0;
  for (const i of new Set([0, M - 1])) {
    const row = Array.from(x.subarray(i * N, (i + 1) * N));
    let want;
    if (op === 'softmax') {
      const m = Math.max(...row), e = row.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
      want = e.map((v) => v / s);
    } else {
      const mean = row.reduce((a, b) => a + b, 0) / N, v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
      want = row.map((t, j) => (t - mean) / Math.sqrt(v + 1e-5) * gamma[j] + beta[j]);
    }
    for (let j = 0; j < N; j++) err = Math.max(err, Math.abs(want[j] - y[i * N + j]));
  }
  return err;
}

async function tfjs(shapes, iterations, { heat, near } = {}) {
  await exposeNavigatorGPU();
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js WebGPU backend did not initialise');
  await tf.ready();
  const out = [];
  for (const { M, N } of shapes) {
    const x = fill(M * N), g = fill(N), b = fill(N);
    const X = tf.tensor2d(x, [M, N]), G = tf.tensor1d(g), B = tf.tensor1d(b);
    const ops = {
      softmax: () => tf.softmax(X),
      layernorm: () => tf.tidy(() => {
        const { mean, variance } = tf.moments(X, -1, true);
        return tf.add(tf.mul(tf.mul(tf.sub(X, mean), tf.rsqrt(tf.add(variance, 1e-5))), G), B);
      }),
    };
    for (const [op, f] of Object.entries(ops)) {
      try {
        const Y = f();
        const err = rowError(op, x, await Y.data(), M, N, g, b);
        Y.dispose();
        await heat?.();
        const info = await tf.time(() => f());  // GPU kernel time (all kernels of the op)
        let ms = typeof info.kernelMs === 'number' ? info.kernelMs : NaN, method = 'timestamp';
        if (!(ms > 0)) {
          ms = (await timeBatches(async (reps) => {
            const ts = [];
            for (let r = 0; r < reps; r++) ts.push(f());
            await ts[ts.length - 1].data();
            ts.forEach((t) => t.dispose());
          }, { maxReps: 50 })).ms;
          method = 'wall';
        }
        out.push({ op, M, N, ms, method, maxAbsErr: err, iterations, copyGbs: await near?.(M, N) });
      } catch (e) {
        console.error(`tfjs ${op} ${M}x${N}: ${e.message}`);
      }
    }
    X.dispose(), G.dispose(), B.dispose();
  }
  return out;
}

function onnxModel(op) {
  const onnx = onnxSchema();
  const T = onnx.TensorProto.DataType.FLOAT;
  const vi = (name, dims) => ({ name, type: { tensorType: { elemType: T, shape: { dim: dims.map((d) => ({ dimParam: d })) } } } });
  const node = op === 'softmax'
    ? { opType: 'Softmax', input: ['X'], output: ['Y'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }] }
    : { opType: 'LayerNormalization', input: ['X', 'gamma', 'beta'], output: ['Y'], attribute: [
      { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 },
      { name: 'epsilon', type: onnx.AttributeProto.AttributeType.FLOAT, f: 1e-5 }] };
  const input = op === 'softmax' ? [vi('X', ['M', 'N'])] : [vi('X', ['M', 'N']), vi('gamma', ['N']), vi('beta', ['N'])];
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: { name: op, node: [node], input, output: [vi('Y', ['M', 'N'])] },
  })).finish();
}

async function ort(shapes, { heat, near } = {}) {
  const ortm = await importOrt();
  const out = [];
  for (const op of ['softmax', 'layernorm']) {
    const session = await ortm.InferenceSession.create(onnxModel(op), {
      executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
    const device = await ortm.env.webgpu.device;
    for (const { M, N } of shapes) {
      try {
        const gpuTensor = (data, dims) => ortGpuTensor(ortm, device, data, dims);
        const x = fill(M * N), g = fill(N), b = fill(N);
        const feeds = op === 'softmax' ? { X: gpuTensor(x, [M, N]) }
          : { X: gpuTensor(x, [M, N]), gamma: gpuTensor(g, [N]), beta: gpuTensor(b, [N]) };
        const first = await session.run(feeds);
        const err = rowError(op, x, await first.Y.getData(), M, N, g, b);
        first.Y.dispose();
        await heat?.();
        const t = await timeOrtRuns(session, feeds, device, 'Y');
        out.push({ op, M, N, ms: t.ms, method: 'wall', maxAbsErr: err, iterations: t.iterations, copyGbs: await near?.(M, N) });
        for (const f of Object.values(feeds)) f.dispose();
      } catch (e) {
        console.error(`ort ${op} ${M}x${N}: ${e.message}`);
      }
    }
    await session.release();
  }
  return out;
}

// `timing`: { heat, near } — heat() runs before each measurement; near(M, N), the bandwidth of
// a copy of the input timed right after it, is returned as copyGbs.
export async function rowPeers(suite, shapes, iterations, timing = {}) {
  return suite === 'tfjs' ? tfjs(shapes, iterations, timing) : ort(shapes, timing);
}
