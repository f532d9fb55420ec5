// webtx JS runtime: load a webtx-compiled model and run it on WebGPU (browser or Node).
export { loadModel, Model } from './model.js';
export { Tensor } from './tensor.js';
export { runWGSL, compileWGSL, checkWGSL } from './kernel.js';
export { f32ToF16Bits, f16BitsToF32, DTYPES } from './dtype.js';
export { parseManifest } from './manifest.js';
export { parseModelSpec, evaluateExtent, extentToString, MODEL_SPEC_VERSION } from './model_spec.js';
export { parseSafetensors, encodeSafetensors, checkWeights, SAFETENSORS_DTYPE } from './safetensors.js';
