#pragma once
/* The C side of the wasm <-> JS contract (docs/abi.md), mirrored once. The host-stub emitter
 * (codegen/host) includes this natively for its field offsets, so the layouts below must be
 * the same on wasm32 and on the 64-bit build machine: only fixed-width fields, no pointers
 * inside the structs (wasm pointers are i32 byte offsets). */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { WEBTX_MAX_NDIM = 6 };
enum { WEBTX_TYPE_INT = 0, WEBTX_TYPE_FLOAT = 1, WEBTX_TYPE_TENSOR = 2 };
enum {
  WEBTX_DTYPE_F32 = 0,
  WEBTX_DTYPE_I32 = 1,
  WEBTX_DTYPE_U32 = 2,
  WEBTX_DTYPE_F16 = 3,
  WEBTX_DTYPE_BOOL = 4
};

/* One tensor argument (40 bytes). */
typedef struct {
  int32_t handle; /* GPU buffer handle (JS-owned); 0 = none */
  int32_t dtype;
  int32_t ndim;
  int32_t nbytes; /* size of the GPU buffer in bytes */
  int32_t shape[WEBTX_MAX_NDIM];
} WebtxTensor;

/* One packed-function argument (16 bytes). */
typedef struct {
  int32_t type_code;
  int32_t pad;
  union {
    int64_t v_int64;
    double v_float64;
    int32_t v_ptr; /* wasm address of a WebtxTensor */
  };
} WebtxValue;

/* Every generated function has this signature; 0 on success, nonzero with a message. */
typedef int32_t (*WebtxPackedFn)(const WebtxValue* args, int32_t nargs);

/* The runtime functions the generated host stubs call (defined in runtime/wasm/src/
 * exports.cpp). The host-stub builder derives their LLVM types from these prototypes
 * (codegen/host/rt_functions.hpp), so they are written once. */
void webtx_rt_error(const char* fmt, int64_t a, int64_t b);
/* Planned buffer `index` of the model's memory plan with at least `nbytes` bytes; the runtime
 * keeps it across calls (grown when a call needs more). 0 when it cannot be provided. */
int32_t webtx_rt_planned_buffer(int32_t index, int32_t nbytes);
int32_t webtx_rt_dispatch(int32_t kernel, int32_t gx, int32_t gy, int32_t gz,
                          const int32_t* handles, int32_t nhandles, const void* uniforms,
                          int32_t uniform_bytes);

#ifdef __cplusplus
static_assert(sizeof(WebtxTensor) == 40, "WebtxTensor layout");
static_assert(offsetof(WebtxTensor, shape) == 16, "WebtxTensor layout");
static_assert(sizeof(WebtxValue) == 16, "WebtxValue layout");
static_assert(offsetof(WebtxValue, v_int64) == 8, "WebtxValue layout");
#endif

#ifdef __cplusplus
}
#endif
