// node examples_chromium.mjs <cases.json>: every example model in headless Chromium (WebGPU
// on SwiftShader), loaded by web/src from a localhost page, against its CPU reference; then
// the bad-input checks, buffer reuse, GPU tensors and shape-specialized pipelines
// (runtime_checks.js). One browser for all of it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../web/test/harness/server.js';
import { withChromiumPage } from '../../web/test/harness/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// Each model folder is mounted under its own prefix; only these folders are served.
const mounts = { '/web/': resolve(here, '../../web'), '/tests/': here };
const pageCases = cases.map((c, i) => {
  mounts[`/m${i}/`] = dirname(c.wasm);
  mounts[`/r${i}/`] = dirname(c.refs[0].path);
  const refs = c.refs.map((r) => ({ label: r.label, ref: JSON.parse(readFileSync(r.path, 'utf8')) }));
  return {
    model: c.model,
    wasm: `/m${i}/${c.wasm.split('/').pop()}`,
    refs,
    // The weights by URL (every reference of a model used the same weights).
    weights: refs[0].ref.weights ? `/r${i}/${refs[0].ref.weights}` : undefined,
  };
});
const server = await startServer({ mounts });
let failures = 1;
try {
  failures = await withChromiumPage(`${server.url}/__blank`, (page) =>
    page.evaluate(async (cs) => {
      const { loadModel } = await import('/web/src/index.js');
      const { checkExamples, checkBadInputs } = await import('/tests/example_checks.js');
      const { BAD_INPUTS } = await import('/tests/bad_inputs.js');
      const { checkWeights } = await import('/tests/weight_checks.js');
      const print = (s) => console.log(s);
      let n = await checkExamples(loadModel, navigator.gpu, cs, print);
      for (const c of cs.filter((x) => BAD_INPUTS[x.model])) {
        n += await checkBadInputs(loadModel, navigator.gpu, c.wasm, c.refs[0].ref, BAD_INPUTS[c.model](c.refs[0].ref), print, c.weights);
      }
      // Weights by URL (and as bytes), every bad file named, on the MLP.
      for (const c of cs.filter((x) => x.model === 'mlp')) {
        const bytes = new Uint8Array(await (await fetch(c.weights)).arrayBuffer());
        n += await checkWeights(loadModel, navigator.gpu, c.wasm, c.refs[0].ref, { source: new URL(c.weights, location.href).href, bytes },
          new URL(c.weights.replace(/[^/]*$/, 'nonexistent.safetensors'), location.href).href, print);
      }
      // Buffers made once per shape, and GPU-resident I/O (runtime_checks.js).
      const { Tensor } = await import('/web/src/index.js');
      const { checkBufferReuse, checkGpuTensors, checkSpecialization } = await import('/tests/runtime_checks.js');
      const wasmOf = (name) => cs.find((x) => x.model === name)?.wasm;
      const { encodeSafetensors } = await import('/web/src/index.js');
      if (wasmOf('mlp')) n += await checkBufferReuse(loadModel, encodeSafetensors, navigator.gpu, wasmOf('mlp'), print);
      if (wasmOf('vector_add')) n += await checkGpuTensors(loadModel, Tensor, navigator.gpu, wasmOf('vector_add'), print);
      if (wasmOf('softmax')) n += await checkSpecialization(loadModel, navigator.gpu, wasmOf('softmax'), print);
      return n;
    }, pageCases));
} finally {
  await server.close();
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
