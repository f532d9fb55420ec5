#pragma once
// A checked view of a tensor argument: dtype, shape and GPU buffer handle (the data lives in
// a JS-owned GPU buffer, never in linear memory).
#include <cstdint>

#include "webtx/wasm_abi.h"

namespace webtx::rt {

class NDArray {
 public:
  // Views the WebtxTensor that `v` points to. Fails (valid() false, `why` says why) when the
  // address is outside linear memory or misaligned (a read would trap) or the rank is outside
  // [0, WEBTX_MAX_NDIM] (a read would overrun `shape`).
  static NDArray view(const WebtxValue& v, const char** why);

  bool valid() const { return t_ != nullptr; }
  int32_t handle() const { return t_->handle; }
  int32_t dtype() const { return t_->dtype; }
  int32_t ndim() const { return t_->ndim; }
  int32_t shape(int32_t axis) const { return t_->shape[axis]; }
  int32_t nbytes() const { return t_->nbytes; }
  int64_t numel() const;

 private:
  explicit NDArray(const WebtxTensor* t) : t_(t) {}
  const WebtxTensor* t_;
};

// True when [addr, addr + bytes) lies inside linear memory and addr is not null.
bool in_memory(uint32_t addr, uint32_t bytes);

}  // namespace webtx::rt
