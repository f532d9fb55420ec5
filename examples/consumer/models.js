// The model loaders add_webgpu_model() wrote into build/: each imports the webtx runtime by its
// package name ('webtx'), so this file works in Node and through a bundler alike.
export * as dense_gelu_64x32 from './build/dense_gelu_64x32/dense_gelu_64x32.js';
export * as dense_gelu_128x16 from './build/dense_gelu_128x16/dense_gelu_128x16.js';
export * as layernorm_any from './build/layernorm_any/layernorm_any.js';
export * as layernorm_96 from './build/layernorm_96/layernorm_96.js';
