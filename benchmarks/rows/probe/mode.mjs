// Which of the two speeds does the cached row kernel run at (4096 x 32768), per trial within one
// process: the same model and buffers (reuse) vs a fresh load each trial (fresh), GPU clocks
// beside each, and a vec4 copy of the same bytes with fresh buffers each trial.
import { execSync } from 'node:child_process';
const root = process.argv[2], models = process.argv[3], tag = process.argv[4];
const { createGPU, requestDevice } = await import(`${root}/benchmarks/web/dawn.mjs`);
const { loadWebtxModel, timeWebtxModel } = await import(`${root}/benchmarks/web/webtx_models.mjs`);
const { makeCopy, timedPasses } = await import(`${root}/benchmarks/web/copy_kernel.mjs`);
const gpu = await createGPU();
const { device } = await requestDevice(gpu, { features: ['timestamp-query'] });
const copyOf = makeCopy(device);
// Median of 30 timed copies after 10 warm-up ones, fresh buffers.
async function copyMs(bytes) {
  const copy = copyOf(bytes);
  const per = await timedPasses(device, 40, 30, copy.encode);
  copy.destroy();
  return per[per.length >> 1];
}
const clocks = () => { try { return execSync('nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_throttle_reasons.active --format=csv,noheader').toString().trim(); } catch { return '?'; } };
const M = 4096, N = 32768;
for (const op of ['softmax', 'layernorm']) {
  const path = `${models}/rows_${op}.wasm`;
  let reuse = await loadWebtxModel(path, gpu);
  for (let trial = 0; trial < 6; trial++) {
    const a = await timeWebtxModel(reuse, { M, N }, { iterations: 10 });
    const fresh = await loadWebtxModel(path, gpu);
    const b = await timeWebtxModel(fresh, { M, N }, { iterations: 10 });
    fresh.dispose();
    const c = await copyMs(4 * M * N);
    console.log(`${tag} ${op} trial ${trial}: reuse ${a.ms.toFixed(4)} ms, fresh ${b.ms.toFixed(4)} ms, copy ${c.toFixed(4)} ms | ${clocks()}`);
  }
  reuse.dispose();
}
process.exit(0);
