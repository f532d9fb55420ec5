export interface CompileMessage {
  type: GPUCompilationMessageType;
  message: string;
  lineNum: number;
  linePos: number;
}
export declare function compileWGSL(device: GPUDevice, code: string):
    Promise<{ module: GPUShaderModule; messages: CompileMessage[] }>;
export declare function formatMessages(code: string, messages: CompileMessage[]): string;
/** Throws unless `code` compiles with no error, warning or info. */
export declare function checkWGSL(device: GPUDevice, code: string, what?: string): Promise<GPUShaderModule>;
export interface WGSLBinding {
  binding: number;
  access: 'read' | 'read_write' | 'uniform';
  /** Initial contents; else `size` zero bytes. */
  data?: ArrayBufferView;
  size?: number;
  /** read_write bindings are read back unless false. */
  readBack?: boolean;
}
/** One dispatch of a compute shader; resolves to binding -> bytes read back. */
export declare function runWGSL(device: GPUDevice, spec: {
  code: string;
  entryPoint?: string;
  grid: number[];
  bindings: WGSLBinding[];
}): Promise<Map<number, ArrayBuffer>>;
