#pragma once
// The closures JS hands the module at instantiation (docs/abi.md, "Imports"). Each is an
// explicit wasm import of module "webtx_js": a misspelt name fails at link time, because the
// link allows exactly the names listed in imports.js and nothing else.
#include <cstdint>

#define WEBTX_JS_IMPORT(name) __attribute__((import_module("webtx_js"), import_name(#name)))

extern "C" {
WEBTX_JS_IMPORT(webtx_js_planned_buffer)
int32_t webtx_js_planned_buffer(int32_t index, int32_t nbytes);
WEBTX_JS_IMPORT(webtx_js_dispatch)
int32_t webtx_js_dispatch(int32_t kernel, int32_t gx, int32_t gy, int32_t gz,
                          const int32_t* handles, int32_t nhandles, const void* uniforms,
                          int32_t uniform_bytes);
WEBTX_JS_IMPORT(webtx_js_log) void webtx_js_log(int32_t level, const char* msg, int32_t len);
}
