// Type-checked by `tsc --noEmit` (npm run typecheck): the webtx package's types and the
// per-model declarations add_webgpu_model() wrote (build/<model>/<model>.d.ts).
import { type LoadOptions, Tensor } from 'webtx';
import { createNodeGPU } from 'webtx/node';
import * as dense from './build/dense_gelu_64x32/dense_gelu_64x32.js';
import * as layernorm from './build/layernorm_any/layernorm_any.js';

export async function typed(): Promise<number> {
  const options: LoadOptions = { gpu: await createNodeGPU() };
  const model = await dense.loadModel(options);
  const x = new Float32Array(2 * 64);
  const outputs: dense.Outputs = await model.run(
      { x: { data: x, shape: [2, 64] }, w: new Float32Array(32 * 64), b: new Float32Array(32) },
      { batch: 2 });
  const y: Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array = outputs.y;
  // @ts-expect-error: the model has no input 'z' (and needs 'w' and 'b')
  await model.run({ z: x });
  const gpu = await model.run({ x, w: x, b: x }, undefined, { outputLocation: 'gpu' });
  const t: Tensor = gpu.y;
  const ln = await layernorm.loadModel({ ...options, wasm: layernorm.wasmUrl });
  const symbols: layernorm.Symbols = { rows: 1, D: 4 };
  // @ts-expect-error: the layernorm's symbols are rows and D
  const wrong: layernorm.Symbols = { batch: 1 };
  model.dispose();
  ln.dispose();
  return y.length + t.size + (symbols.D ?? 0) + Object.keys(wrong).length;
}
