// The module's exports (docs/abi.md, "Exports") and the webtx_rt_* functions the generated
// host stubs call. Nothing here throws or aborts: failures return nonzero with a message.
#include <emscripten.h>

#include <cstdint>
#include <cstdlib>

#include "device_api.hpp"
#include "error.hpp"
#include "ndarray.hpp"
#include "registry.hpp"
#include "webtx/wasm_abi.h"  // the webtx_rt_* prototypes defined below

extern "C" {
extern const char webtx_generated_manifest[];

// ---- exports ---------------------------------------------------------------------------------

EMSCRIPTEN_KEEPALIVE void* webtx_alloc(int32_t n) {
  return n < 0 ? nullptr : std::malloc(n == 0 ? 1 : static_cast<size_t>(n));
}
EMSCRIPTEN_KEEPALIVE void webtx_free(void* p) { std::free(p); }
EMSCRIPTEN_KEEPALIVE const char* webtx_manifest() { return webtx_generated_manifest; }
EMSCRIPTEN_KEEPALIVE const char* webtx_last_error() { return webtx::rt::last_error(); }

EMSCRIPTEN_KEEPALIVE int32_t webtx_get_function(const char* name) {
  if (!webtx::rt::in_memory(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(name)), 1)) return 0;
  return webtx::rt::Registry::global().find(name);
}

EMSCRIPTEN_KEEPALIVE int32_t webtx_call(int32_t fn, const WebtxValue* args, int32_t nargs) {
  webtx::rt::clear_error();
  const webtx::rt::PackedFunc* f = webtx::rt::Registry::global().get(fn);
  if (!f) {
    webtx::rt::set_error_fmt(
        "webtx_call: no function with id {0} (ids come from "
        "webtx_get_function; {1} registered)",
        fn, webtx::rt::Registry::global().size());
    return 1;
  }
  return webtx::rt::call_packed(*f, args, nargs);
}

// ---- called by the generated host stubs ------------------------------------------------------

void webtx_rt_error(const char* fmt, int64_t a, int64_t b) { webtx::rt::set_error_fmt(fmt, a, b); }
int32_t webtx_rt_planned_buffer(int32_t index, int32_t nbytes) {
  return webtx::rt::webgpu_device().planned_buffer(index, nbytes);
}
int32_t webtx_rt_dispatch(int32_t kernel, int32_t gx, int32_t gy, int32_t gz,
                          const int32_t* handles, int32_t nhandles, const void* uniforms,
                          int32_t uniform_bytes) {
  return webtx::rt::webgpu_device().dispatch({kernel,
                                              {gx, gy, gz},
                                              handles,
                                              nhandles,
                                              uniform_bytes > 0 ? uniforms : nullptr,
                                              uniform_bytes});
}
}
