// Types of the webtx JS runtime (hand-written; the .js files need no build step). The WebGPU
// types (GPU, GPUDevice, ...) come from lib.dom (TypeScript 7 has them) or, with compilers whose
// lib.dom lacks them, from @webgpu/types in compilerOptions.types (an optional peer dependency).

export type DType = 'f32' | 'i32' | 'u32' | 'f16' | 'bool';
/** f16 tensors travel as raw bits (Uint16Array) unless the engine has Float16Array. */
export type TensorData = Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
export type TensorInput = TensorData | { data: TensorData; shape: number[] } | Tensor;
/** A result of run() on the CPU: the typed array, with its dims (a non-enumerable property). */
export type TensorOutput = TensorData & { readonly dims: readonly number[] };

/**
 * A dtype, dims and either CPU data or a GPUBuffer (like onnxruntime-web's Tensor). run() takes
 * GPU tensors on the model's device as inputs in place (no upload), and with
 * `{ outputLocation: 'gpu' }` returns outputs as GPU tensors the caller owns.
 */
export declare class Tensor {
  /** A CPU tensor (dims default to [data.length]). */
  constructor(dtype: DType, data: TensorData, dims?: number[]);
  /** A GPU tensor over `buffer` (STORAGE usage, data from offset 0). `dispose` runs on
   * dispose() (default: buffer.destroy()); `device` is needed to run on it and for getData(). */
  static fromGpuBuffer(buffer: GPUBuffer,
      options: { dtype: DType; dims: number[]; device?: GPUDevice; dispose?: () => void }): Tensor;
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly location: 'cpu' | 'gpu' | 'disposed';
  readonly gpuBuffer: GPUBuffer | undefined;
  readonly device: GPUDevice | undefined;
  /** Number of elements. */
  readonly size: number;
  readonly byteLength: number;
  /** The CPU data; throws for a GPU tensor. */
  readonly data: TensorData;
  /** The data (downloaded through a pooled staging buffer for a GPU tensor); `release`
   * disposes a GPU tensor afterwards. */
  getData(options?: { release?: boolean }): Promise<TensorData>;
  /** Releases the GPU buffer (or drops the CPU data). */
  dispose(): void;
}

/**
 * A structured extent (docs/abi.md, "Extents"): an integer, a symbol name, or an operation on two
 * extents. i32 semantics as in the IR: wrapping, `/` and `%` truncate toward zero.
 */
export type Extent = number | string | { op: '+' | '-' | '*' | '/' | '%' | 'min' | 'max'; args: [Extent, Extent] };
export type TensorRole = 'input' | 'output' | 'intermediate' | 'weight';

export interface ModelSpecTensor {
  name: string;
  role: TensorRole;
  dtype: DType;
  shape: Extent[];
}
export interface ModelSpecSymbol {
  name: string;
  /** The argument axis whose extent binds it, or 'caller' when the caller must give it. */
  from: { tensor: string; axis: number } | 'caller';
}
export interface ModelSpecBinding {
  binding: number;
  tensor: string;
  access: 'read' | 'read_write';
}
export interface ModelSpecKernel {
  name: string;
  entry: string;
  wgsl: string;
  /** File name of the kernel's SPIR-V next to the description ('' if not built; the native
   * Vulkan runtime reads it). */
  spirv: string;
  workgroup_size: [number, number, number];
  workgroup_bytes: number;
  /** Workgroups per dimension. */
  grid: [Extent, Extent, Extent];
  bindings: ModelSpecBinding[];
  /** Symbols passed as i32s in one uniform block (padded to 16 bytes) at uniform_binding. */
  uniforms: string[];
  uniform_binding?: number;
  /** WebGPU feature names the kernel uses. */
  features: string[];
  /** Other backends' fields (beyond wgsl and spirv), by name; absent when none. */
  artifacts?: Record<string, string>;
  /** When lowering made several versions of one stage (docs/lowering.md, partition_kernel):
   * which workgroups and shapes this one serves. Its grid is 0 for calls that do not need it
   * (no dispatch). Absent for a stage's only kernel. */
  variant?: string;
}
/** The memory plan (docs/abi.md, "The memory plan"): intermediates share planned buffers. */
export interface ModelSpecMemory {
  /** Bytes of each planned buffer: the max over its tenants (an extent of the symbols). */
  buffers: Extent[];
  /** Which planned buffer each planned intermediate uses. */
  tensors: { tensor: string; buffer: number }[];
  /** Bytes of all planned buffers together. */
  peak_bytes: Extent;
}
/** The model description (webtx::model::ModelSpec as JSON), exactly as the generator writes it. */
export interface ModelSpec {
  /** The version of this format (2). */
  webtx_manifest: 2;
  model: string;
  function: string;
  /** The target the model was built for (add_webgpu_model's TARGET), e.g. 'webgpu'. */
  target: string;
  /** What wrote it, e.g. 'webtx 0.1.0' (named in version errors). */
  generator: string;
  /** WebGPU features the kernels use, e.g. 'shader-f16'; loadModel refuses a device without them. */
  features: string[];
  /** Dawn toggles those features need on some drivers (shader-f16 on NVIDIA's Vulkan:
   * 'vulkan_enable_f16_on_nvidia'; subgroup matrices: 'allow_unsafe_apis'); absent when none,
   * [] after parsing. In Node, loadModel creates its GPU with them when not given one. */
  toggles?: string[];
  /** WebGPU limits the kernels need (the largest value any kernel uses), by GPUSupportedLimits name. */
  limits: Record<string, number>;
  symbols: ModelSpecSymbol[];
  tensors: ModelSpecTensor[];
  /** Packed-function argument order: inputs, outputs, then weights. */
  args: string[];
  kernels: ModelSpecKernel[];
  /** Absent when the model has no planned intermediates. */
  memory?: ModelSpecMemory;
  /** The generator's build-time parameters the model read (add_webgpu_model's PARAMS, or
   * their defaults), as text; {} after parsing when there were none. */
  params?: Record<string, string>;
  /** Reads the generator could not prove inside their tensor: each call needs lhs <= rhs. */
  read_checks?: Array<{ what: string; lhs: Extent; rhs: Extent }>;
}
/** What parseModelSpec returns: the JSON plus lookups (memory.bufferOf: intermediate -> buffer). */
export interface ParsedModelSpec extends ModelSpec {
  memory?: ModelSpecMemory & { bufferOf: Map<string, number> };
  symbolNames: string[];
  tensorByName: Map<string, ModelSpecTensor>;
}
/** Former names, kept for existing code. */
export type Manifest = ParsedModelSpec;
export type ManifestTensor = ModelSpecTensor;
export type ManifestKernel = ModelSpecKernel;

export interface LoadOptions {
  /** navigator.gpu in a browser, createNodeGPU() in Node. */
  gpu?: GPU;
  /** Use this device instead of requesting one (it must have the manifest's features/limits). */
  device?: GPUDevice;
  /**
   * The model's weights (tensors with role 'weight') as a safetensors file: a URL, a path
   * (Node) or its bytes. Checked against the model (names, dtypes, shapes; an Error names the
   * tensor and the file), uploaded once and kept on the GPU until dispose(). Required when
   * the model has weights.
   */
  weights?: string | URL | ArrayBuffer | ArrayBufferView;
  log?: (level: number, message: string) => void;
  /**
   * Shader compilation (shader modules and pipelines) has no bound of its own: give up after
   * this many milliseconds per kernel with an Error naming the kernel (default: no limit).
   */
  compileTimeoutMs?: number;
  /** Called before each kernel is compiled: its name, index and the number of kernels. */
  onCompileProgress?: (progress: { kernel: string; index: number; total: number }) => void;
  /**
   * Shape-specialized pipelines (docs/web.md): a kernel dispatched `after` times (default 2)
   * with the same symbol values gets a pipeline compiled in the background with those values
   * fixed, at most `most` (default 8) per kernel. On by default; `false` turns it off.
   */
  specialize?: false | { after?: number; most?: number };
}

export interface SpecializationState {
  enabled: boolean;
  /** Specialized pipelines compiled so far, and still compiling. */
  compiled: number;
  pending: number;
  /** Why a specialization failed (that shape keeps the generic pipeline). */
  errors: string[];
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
  /**
   * Of the timed runs' dispatches of kernels that can be specialized, the share that ran
   * shape-specialized pipelines; null when there were none (or `specialize: false`).
   */
  specializedShare: number | null;
}

export declare class Model {
  readonly manifest: Manifest;
  readonly device: GPUDevice;
  readonly inputs: ManifestTensor[];
  readonly outputs: ManifestTensor[];
  /** Tensors with role 'weight', loaded by loadModel from options.weights. */
  readonly weights: ManifestTensor[];
  /** When loadModel was given variants: why each one before the loaded one was passed over
   * (e.g. "... needs WebGPU feature 'shader-f16', which this adapter lacks"). */
  readonly skippedVariants: string[];
  /**
   * Runs the model once. Shapes come from `{data, shape}` inputs, Tensors' dims, flat array
   * lengths or `symbols`. GPU tensors must be on this model's device and stay alive until the
   * run resolves. Rejects with an Error naming the tensor and axis on bad input, with the wasm
   * module's message when its checks fail, and when the device is lost.
   * `options.check: false` skips the JS-side checks (testing the module's own).
   * `options.outputLocation: 'gpu'` resolves to GPU Tensors the caller owns (dispose them).
   * `options.outputs`: GPU Tensors (this device, the output's dtype and dims) the run writes in
   * place and returns (no buffer or bind group created per run).
   */
  run(inputs: Record<string, TensorInput>, symbols?: Record<string, number>,
      options?: { check?: boolean; outputLocation?: 'cpu'; outputs?: Record<string, Tensor> }):
      Promise<Record<string, TensorOutput | Tensor>>;
  run(inputs: Record<string, TensorInput>, symbols: Record<string, number> | undefined,
      options: { check?: boolean; outputLocation: 'gpu'; outputs?: Record<string, Tensor> }):
      Promise<Record<string, Tensor>>;
  time(inputs: Record<string, TensorInput>,
       options?: { iterations?: number; symbols?: Record<string, number> }): Promise<TimeResult>;
  /**
   * GPU time per kernel, in dispatch order (median over `iterations`): one compute pass per
   * dispatch with timestamp queries. Needs the 'timestamp-query' feature.
   */
  profile(inputs: Record<string, TensorInput>,
          options?: { iterations?: number; symbols?: Record<string, number> }):
      Promise<Array<{ name: string; ms: number }>>;
  /** Shape-specialized pipelines: what was compiled, what is compiling, what failed. */
  readonly specialization: SpecializationState;
  /** Resolves once every specialized pipeline started so far is compiled (or has failed). */
  settle(): Promise<void>;
  dispose(): void;
}

export type ModelSource = string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
/**
 * Loads a model; given an array, the variants of one model built for several targets
 * (add_webgpu_model's TARGETS), best first: loads the first whose features and limits the
 * adapter (or options.device) has, and rejects naming what each variant lacks when none fits.
 */
export declare function loadModel(source: ModelSource | ModelSource[], options?: LoadOptions): Promise<Model>;

/** Safetensors dtype names. */
export type SafetensorsDType = 'BOOL' | 'U8' | 'I8' | 'F8_E4M3' | 'F8_E5M2' | 'I16' | 'U16' | 'F16' | 'BF16' |
  'I32' | 'U32' | 'F32' | 'I64' | 'U64' | 'F64';
export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** A view of the file's bytes (no copy). */
  data: Uint8Array;
}
export interface SafetensorsFile {
  source: string;
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsTensor>;
}
/** Parses (and checks) a safetensors file; `source` names it in errors. */
export declare function parseSafetensors(bytes: ArrayBuffer | ArrayBufferView, source?: string): SafetensorsFile;
/** Throws an Error naming the tensor when `file` does not hold exactly the weights of `spec`. */
export declare function checkWeights(spec: ModelSpec, file: SafetensorsFile): void;
/** Encodes tensors (data: exactly their little-endian bytes) as a safetensors file. */
export declare function encodeSafetensors(
    tensors: { name: string; dtype: SafetensorsDType; shape: number[]; data: ArrayBufferView }[],
    metadata?: Record<string, string>): Uint8Array;
/** The safetensors dtype a weight of each model dtype must have. */
export declare const SAFETENSORS_DTYPE: Readonly<Record<'f32' | 'f16' | 'i32' | 'u32', SafetensorsDType>>;
export declare function parseModelSpec(text: string): ParsedModelSpec;
/** Same as parseModelSpec. */
export declare function parseManifest(text: string): ParsedModelSpec;
export declare function evaluateExtent(extent: Extent, env: Record<string, number>, where?: string): number;
export declare function extentToString(extent: Extent): string;
export declare const MODEL_SPEC_VERSION: 2;
export declare function f32ToF16Bits(x: number): number;
export declare function f16BitsToF32(bits: number): number;
export declare const DTYPES: readonly DType[];
export { runWGSL, compileWGSL, checkWGSL } from './kernel.js';
