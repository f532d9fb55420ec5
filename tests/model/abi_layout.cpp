// Prints the wasm ABI's layout as wasm_abi.h defines it (sizes, offsets, codes) as JSON, for
// abi_test.mjs to compare with web/src/abi.js and web/src/dtype.js. wasm_abi.h's layouts are
// the same natively and on wasm32 (fixed-width fields only; static_asserts there).
#include <cstddef>
#include <iostream>

#include "webtx/wasm_abi.h"

int main() {
  std::cout << "{\n"
            << "  \"MAX_DIMS\": " << WEBTX_MAX_NDIM << ",\n"
            << "  \"TENSOR_BYTES\": " << sizeof(WebtxTensor) << ",\n"
            << "  \"TENSOR\": { \"handle\": " << offsetof(WebtxTensor, handle)
            << ", \"dtype\": " << offsetof(WebtxTensor, dtype)
            << ", \"ndim\": " << offsetof(WebtxTensor, ndim)
            << ", \"nbytes\": " << offsetof(WebtxTensor, nbytes)
            << ", \"shape\": " << offsetof(WebtxTensor, shape) << " },\n"
            << "  \"VALUE_BYTES\": " << sizeof(WebtxValue) << ",\n"
            << "  \"VALUE\": { \"type_code\": " << offsetof(WebtxValue, type_code)
            << ", \"payload\": " << offsetof(WebtxValue, v_int64) << " },\n"
            << "  \"TYPE_CODE\": { \"int\": " << WEBTX_TYPE_INT
            << ", \"float\": " << WEBTX_TYPE_FLOAT << ", \"tensor\": " << WEBTX_TYPE_TENSOR
            << " },\n"
            << "  \"DTYPE_CODE\": { \"f32\": " << WEBTX_DTYPE_F32
            << ", \"i32\": " << WEBTX_DTYPE_I32 << ", \"u32\": " << WEBTX_DTYPE_U32
            << ", \"f16\": " << WEBTX_DTYPE_F16 << ", \"bool\": " << WEBTX_DTYPE_BOOL << " }\n"
            << "}\n";
  static_assert(offsetof(WebtxValue, v_ptr) == offsetof(WebtxValue, v_int64));
  return 0;
}
