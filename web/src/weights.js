// A model's weights (role 'weight' in the model description): read from a safetensors file
// (URL, Node path or bytes), checked against the description, uploaded once into GPU buffers
// the model keeps until dispose(). Host stubs take them as arguments after the outputs
// (docs/abi.md, "Weights"); their handles never change, so cached bind groups stay valid.
import { checkWeights, parseSafetensors } from './safetensors.js';

/** The file's bytes and a name for errors. */
async function weightsBytes(source) {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return { bytes: source, name: `(${source.byteLength} bytes)` };
  if (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer) return { bytes: source, name: `(${source.byteLength} bytes)` };
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new Error(`webtx: the weights option must be a URL, a path (Node) or the bytes of a safetensors file, got ${source === null ? 'null' : typeof source}`);
  }
  const url = String(source);
  const isNode = typeof process !== 'undefined' && process.versions?.node;
  if (isNode && !/^(https?|data|blob):/.test(url)) {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    try {
      return { bytes: await readFile(url.startsWith('file:') ? fileURLToPath(url) : url), name: url };
    } catch (e) {
      throw new Error(`webtx: cannot read weights file '${url}': ${e.message}`);
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`webtx: cannot fetch weights file '${url}': HTTP ${res.status}`);
  return { bytes: await res.arrayBuffer(), name: url };
}

/** "'a', 'b', 'c' and 4 more": the first few names. */
function someNames(names, max = 5) {
  const shown = names.slice(0, max).map((n) => `'${n}'`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * Loads the weights of `spec` from `source` into buffers of `table` (a BufferTable).
 * Returns Map<name, {handle, shape, nbytes}>; throws an Error naming the tensor and the file.
 * A model without weights accepts no `source` or a file with no tensors.
 */
export async function loadWeights(device, table, spec, source) {
  const weights = spec.tensors.filter((t) => t.role === 'weight');
  const out = new Map();
  if (source === undefined || source === null) {
    if (weights.length) {
      throw new Error(`webtx: model '${spec.model}' needs weights ${someNames(weights.map((t) => t.name))}: pass loadModel(source, { weights }) with a safetensors file (URL, path or bytes)`);
    }
    return out;
  }
  const { bytes, name } = await weightsBytes(source);
  const file = parseSafetensors(bytes, name);
  checkWeights(spec, file);
  const shared = typeof SharedArrayBuffer !== 'undefined' && file.tensors.size && [...file.tensors.values()][0].data.buffer instanceof SharedArrayBuffer;
  try {
    for (const t of weights) {
      const data = file.tensors.get(t.name).data;
      const nbytes = data.byteLength;
      const handle = table.alloc(nbytes);
      if (!handle) throw new Error(`webtx: cannot allocate the buffer of weight '${t.name}' (${nbytes} bytes): ${table.lastError}`);
      out.set(t.name, { handle, shape: [...t.shape], nbytes });
      if (!nbytes) continue;
      // A view of the file, uploaded as is; copied only where WebGPU needs a size that is a
      // multiple of 4 (odd-sized f16 tensors) or Dawn cannot read shared memory.
      let src = data;
      if (nbytes % 4 || shared) {
        src = new Uint8Array(Math.ceil(nbytes / 4) * 4);
        src.set(data);
      }
      device.queue.writeBuffer(table.get(handle), 0, src);
    }
  } catch (e) {
    for (const w of out.values()) table.release(w.handle);
    table.flushFrees();
    throw e;
  }
  return out;
}
