// Emscripten JS library naming the only undefined symbols the wasm link may leave: the
// webtx_js_* closures (module "webtx_js", see js_imports.hpp). The bodies are never used: the
// module is standalone and web/ supplies the real imports at instantiation.
mergeInto(LibraryManager.library, {
  webtx_js_planned_buffer: function () { throw new Error('webtx_js_planned_buffer not supplied'); },
  webtx_js_dispatch: function () { throw new Error('webtx_js_dispatch not supplied'); },
  webtx_js_log: function () { throw new Error('webtx_js_log not supplied'); },
});
