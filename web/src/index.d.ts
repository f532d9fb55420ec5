/// <reference types="@webgpu/types" />
// Types of the webtx JS runtime (hand-written; the .js files need no build step).

export type DType = 'f32' | 'i32' | 'u32' | 'f16' | 'bool';
/** f16 tensors travel as raw bits (Uint16Array) unless the engine has Float16Array. */
export type TensorData = Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
export type TensorInput = TensorData | { data: TensorData; shape: number[] };

export interface ManifestTensor {
  name: string;
  dtype: DType;
  /** Integers, symbol names or integer expressions over symbols, e.g. "(batch + 1)". */
  shape: Array<number | string>;
  role: 'input' | 'output' | 'intermediate';
}
export interface ManifestKernel {
  name: string;
  entry: string;
  wgsl: string;
  /** File name of the kernel's SPIR-V next to the manifest (the native Vulkan runtime reads it). */
  spirv?: string;
  workgroup_size: [number, number, number];
  workgroup_bytes: number;
  bindings: Array<{ binding: number; tensor: string; access: 'read' | 'read_write' }>;
  uniforms: string[];
  uniform_binding?: number;
}
export interface Manifest {
  webtx_manifest: 1;
  model: string;
  function: string;
  symbols: string[];
  /** The target the model was built for (add_webgpu_model's TARGET), e.g. 'webgpu'. */
  target: string;
  /** WebGPU features the kernels use, e.g. 'shader-f16'; loadModel refuses a device without them. */
  features: string[];
  /** WebGPU limits the kernels need (the largest value any kernel uses), by GPUSupportedLimits name. */
  limits: Record<string, number>;
  tensors: ManifestTensor[];
  args: string[];
  kernels: ManifestKernel[];
}

export interface LoadOptions {
  /** navigator.gpu in a browser, createNodeGPU() in Node. */
  gpu?: GPU;
  /** Use this device instead of requesting one (it must have the manifest's features/limits). */
  device?: GPUDevice;
  log?: (level: number, message: string) => void;
}

export interface TimeResult {
  /** 'timestamp-query': GPU time of each run's compute pass; 'wall-clock': submit to done. */
  method: 'timestamp-query' | 'wall-clock';
  medianMs: number;
  minMs: number;
  samples: number[];
  /** Dispatches one run records. */
  dispatches: number;
  /** Mean CPU time of one run's wasm stub + dispatch closures + encoding, per dispatch. */
  hostUsPerDispatch: number;
}

export declare class Model {
  readonly manifest: Manifest;
  readonly device: GPUDevice;
  readonly inputs: ManifestTensor[];
  readonly outputs: ManifestTensor[];
  /**
   * Runs the model once. Shapes come from `{data, shape}` inputs, flat array lengths or
   * `symbols`. Rejects with an Error naming the tensor and axis on bad input, with the wasm
   * module's message when its checks fail, and when the device is lost.
   * `options.check: false` skips the JS-side checks (testing the module's own).
   */
  run(inputs: Record<string, TensorInput>, symbols?: Record<string, number>,
      options?: { check?: boolean }): Promise<Record<string, TensorData>>;
  time(inputs: Record<string, TensorInput>,
       options?: { iterations?: number; symbols?: Record<string, number> }): Promise<TimeResult>;
  dispose(): void;
}

export declare function loadModel(
    source: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module,
    options?: LoadOptions): Promise<Model>;

export declare function parseManifest(text: string): Manifest;
export declare function f32ToF16Bits(x: number): number;
export declare function f16BitsToF32(bits: number): number;
export declare const DTYPES: readonly DType[];
export { runWGSL, compileWGSL, checkWGSL } from './kernel.js';
