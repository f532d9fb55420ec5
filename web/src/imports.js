// The import object a webtx model is instantiated with: module `webtx_js` (docs/abi.md) plus
// the few WASI / Emscripten functions a standalone Emscripten module may import.

const WASI_ENOSYS = 52;

/**
 * @param {WebAssembly.Module} module
 * @param {{planned_buffer: Function, dispatch: Function, log: Function}} js
 * @returns {{imports: WebAssembly.Imports, missing: string[]}}
 */
export function makeImports(module, js) {
  const provided = {
    webtx_js: {
      webtx_js_planned_buffer: js.planned_buffer,
      webtx_js_dispatch: js.dispatch,
      webtx_js_log: js.log,
    },
    wasi_snapshot_preview1: {
      proc_exit: (code) => {
        throw new Error(`webtx: the model called exit(${code})`);
      },
      fd_write: () => WASI_ENOSYS,
      fd_close: () => WASI_ENOSYS,
      fd_seek: () => WASI_ENOSYS,
      fd_read: () => WASI_ENOSYS,
      environ_sizes_get: () => WASI_ENOSYS,
      environ_get: () => WASI_ENOSYS,
      clock_time_get: () => WASI_ENOSYS,
      args_sizes_get: () => WASI_ENOSYS,
      args_get: () => WASI_ENOSYS,
    },
    env: {
      emscripten_notify_memory_growth: () => {},
    },
  };
  const imports = {};
  const missing = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    const fn = provided[imp.module]?.[imp.name];
    if (imp.kind !== 'function' || !fn) {
      missing.push(`${imp.module}.${imp.name} (${imp.kind})`);
      continue;
    }
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  return { imports, missing };
}
