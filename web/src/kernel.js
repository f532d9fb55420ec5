// Running one WGSL compute shader with given buffers, without any wasm: used by the codegen
// tests and handy for debugging a single generated kernel.

/**
 * Compiles `code` and returns its compilation messages (errors, warnings, infos).
 * @param {GPUDevice} device
 * @param {string} code
 */
export async function compileWGSL(device, code) {
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const messages = info.messages.map((m) => ({
    type: m.type,
    message: m.message,
    lineNum: m.lineNum,
    linePos: m.linePos,
  }));
  return { module, messages };
}

/** Formats compilation messages with the offending source line. */
export function formatMessages(code, messages) {
  const lines = code.split('\n');
  return messages
    .map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}\n  ${lines[m.lineNum - 1] ?? ''}`)
    .join('\n');
}

/** Throws unless `code` compiles with no error, warning or info message. */
export async function checkWGSL(device, code, what = 'shader') {
  const { module, messages } = await compileWGSL(device, code);
  if (messages.length) {
    throw new Error(`webtx: ${what} did not compile cleanly:\n${formatMessages(code, messages)}`);
  }
  return module;
}

function padTo4(n) {
  return Math.max(4, Math.ceil(n / 4) * 4);
}

/**
 * Runs one dispatch of a compute shader.
 * @param {GPUDevice} device
 * @param {{code: string, entryPoint?: string, grid: number[],
 *          bindings: Array<{binding: number, access: 'read'|'read_write'|'uniform',
 *                           data?: ArrayBufferView, size?: number, readBack?: boolean}>}} spec
 *   `data` initialises the buffer (else zeros of `size` bytes); read_write bindings are read
 *   back unless readBack is false.
 * @returns {Promise<Map<number, ArrayBuffer>>} binding -> bytes read back
 */
export async function runWGSL(device, spec) {
  const { code, entryPoint = 'main', grid, bindings } = spec;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const module = await checkWGSL(device, code);
  const layout = device.createBindGroupLayout({
    entries: bindings.map((b) => ({
      binding: b.binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: {
        type: b.access === 'uniform' ? 'uniform' : b.access === 'read' ? 'read-only-storage' : 'storage',
      },
    })),
  });
  const pipeline = await device.createComputePipelineAsync({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint },
  });
  const buffers = bindings.map((b) => {
    const bytes = b.data ? b.data.byteLength : b.size ?? 0;
    const usage =
      (b.access === 'uniform' ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) |
      GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const buf = device.createBuffer({ size: padTo4(bytes), usage });
    if (b.data && b.data.byteLength) {
      const src = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
      const padded = new Uint8Array(padTo4(src.byteLength));
      padded.set(src);
      device.queue.writeBuffer(buf, 0, padded);
    }
    return { spec: b, buf, bytes };
  });
  const bindGroup = device.createBindGroup({
    layout,
    entries: buffers.map(({ spec: b, buf }) => ({ binding: b.binding, resource: { buffer: buf } })),
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(grid[0], grid[1] ?? 1, grid[2] ?? 1);
  pass.end();
  const reads = [];
  for (const b of buffers) {
    if (b.spec.access !== 'read_write' || b.spec.readBack === false) continue;
    const staging = device.createBuffer({
      size: padTo4(b.bytes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    enc.copyBufferToBuffer(b.buf, 0, staging, 0, padTo4(b.bytes));
    reads.push({ b, staging });
  }
  device.queue.submit([enc.finish()]);
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  const err = invalid || oom;
  if (err) throw new Error(`webtx: runWGSL: ${err.message}`);
  const out = new Map();
  for (const { b, staging } of reads) {
    await staging.mapAsync(GPUMapMode.READ);
    out.set(b.spec.binding, staging.getMappedRange().slice(0, b.bytes));
    staging.unmap();
    staging.destroy();
  }
  for (const b of buffers) b.buf.destroy();
  return out;
}
