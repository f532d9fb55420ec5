// Loading: a model's bytes from a URL, path or buffer, compiled; and the choice among the
// variants of one model built for several targets (add_webgpu_model TARGETS) of the first the
// adapter or device can run, with its device (docs/target.md, "Variants").
import { checkAdapter, requestAdapter, requestDeviceFor } from './gpu.js';

const isNode = () => typeof process !== 'undefined' && !!process.versions?.node;

async function loadBytes(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
  const url = String(source);
  if (isNode() && !/^(https?|data|blob):/.test(url)) {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    return readFile(url.startsWith('file:') ? fileURLToPath(url) : url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`webtx: cannot fetch model ${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** `source` compiled to a WebAssembly.Module (an Error names a source that is not one). */
export async function compileModel(source) {
  const bytes = await loadBytes(source);
  if (bytes instanceof WebAssembly.Module) return bytes;
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    const what = typeof source === 'string' || source instanceof URL ? `'${source}'` : `(${bytes.byteLength} bytes given)`;
    throw new Error(`webtx: model ${what} is not a valid WebAssembly module (truncated or not a webtx model?): ${e.message}`);
  }
}

const describe = (m) => `model '${m.model}' (built for target '${m.target}')`;

/**
 * The first candidate whose needs the device or adapter meets, with its device set; else an
 * Error naming, per variant, the feature or limit it lacks.
 */
export async function pickVariant(candidates, options) {
  const toggles = [...new Set(candidates.flatMap((c) => c.manifest.toggles))];
  let gpu = options.gpu ?? globalThis.navigator?.gpu;
  let hint = '';
  if (!gpu && !options.device && isNode()) {
    const { createNodeGPU, dawnFlags } = await import('./node.js');
    gpu = await createNodeGPU(dawnFlags(toggles));
  } else if (toggles.length && isNode()) {
    hint = ` (Dawn may offer it only with the toggles ${toggles.join(', ')}: create the GPU with createNodeGPU(dawnFlags(${JSON.stringify(toggles)})), or let loadModel create it)`;
  }
  const target = options.device ?? (await requestAdapter(gpu));
  const errors = [];
  for (const c of candidates) {
    const m = c.manifest;
    const needs = { features: m.features, limits: m.limits, hint };
    try {
      checkAdapter(target, needs, describe(m));
    } catch (e) {
      errors.push(e);
      continue;
    }
    if (options.device) {
      c.device = options.device;
      c._ownsDevice = false;
    } else {
      ({ device: c.device } = await requestDeviceFor(gpu, needs, { what: describe(m), optionalFeatures: ['timestamp-query'], adapter: target }));
      c._ownsDevice = true;
    }
    c.skippedVariants = errors.map((e) => e.message);
    return c;
  }
  if (errors.length === 1) throw errors[0];
  const kind = options.device ? 'device' : 'adapter';
  const why = errors.map((e, i) => `target '${candidates[i].manifest.target}': ${e.message.replace(/^webtx: .*? needs /, 'needs ')}`);
  throw new Error(`webtx: no variant of model '${candidates[0].manifest.model}' fits this ${kind}: ${why.join('; ')}`);
}
