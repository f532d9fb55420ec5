/**
 * Node only: a GPU backed by Dawn (npm `webgpu`), kept alive for the process lifetime, with
 * the WebGPU globals installed. flags are Dawn's, e.g. ['backend=null'].
 */
export declare function createNodeGPU(flags?: string[]): Promise<GPU>;
