/**
 * Node only: a GPU backed by Dawn (npm `webgpu`), kept alive for the process lifetime, with
 * the WebGPU globals installed. flags are Dawn's, e.g. ['backend=null'].
 */
export declare function createNodeGPU(flags?: string[]): Promise<GPU>;
/**
 * Dawn's flags that turn on `toggles` (a model description's "toggles"): [] for none, else
 * ['enable-dawn-features=a,b']. loadModel does this itself when it creates the GPU.
 */
export declare function dawnFlags(toggles?: string[]): string[];
