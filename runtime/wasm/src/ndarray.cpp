#include "ndarray.hpp"

namespace webtx::rt {

bool in_memory(uint32_t addr, uint32_t bytes) {
  const uint64_t size = static_cast<uint64_t>(__builtin_wasm_memory_size(0)) * 65536u;
  return addr != 0 && static_cast<uint64_t>(addr) + bytes <= size;
}

NDArray NDArray::view(const WebtxValue& v, const char** why) {
  *why = nullptr;
  if (v.type_code != WEBTX_TYPE_TENSOR) {
    *why = "is not a tensor";
    return NDArray(nullptr);
  }
  const uint32_t addr = static_cast<uint32_t>(v.v_ptr);
  if (!in_memory(addr, sizeof(WebtxTensor)) || addr % alignof(WebtxTensor) != 0) {
    *why = "points outside linear memory (or is null or misaligned)";
    return NDArray(nullptr);
  }
  const auto* t = reinterpret_cast<const WebtxTensor*>(static_cast<uintptr_t>(addr));
  if (t->ndim < 0 || t->ndim > WEBTX_MAX_NDIM) {
    *why = "has a rank outside [0, 6]";
    return NDArray(nullptr);
  }
  return NDArray(t);
}

int64_t NDArray::numel() const {
  int64_t n = 1;
  for (int32_t i = 0; i < t_->ndim; ++i) n *= t_->shape[i];
  return n;
}

}  // namespace webtx::rt
