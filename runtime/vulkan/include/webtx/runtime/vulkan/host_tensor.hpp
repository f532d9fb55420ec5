#pragma once
// Host tensors are the CPU evaluator's eval::HostTensor (dtype, shape, row-major bytes; bool
// as u32, f16 as its bit pattern), so the same inputs feed both and outputs compare directly.
// The helpers below move typed element vectors in and out without per-element conversion.
#include <cstring>
#include <vector>

#include "webtx/eval/host_tensor.hpp"

namespace webtx::runtime::vulkan {

using HostTensor = eval::HostTensor;
using TensorMap = eval::TensorMap;

// A tensor holding `values` verbatim (sizeof(T) must equal the dtype's element size).
template <typename T>
HostTensor tensor_from(ir::DType t, std::vector<int64_t> shape, const std::vector<T>& values) {
  internal_assert(sizeof(T) == static_cast<size_t>(t.bytes())) << "element size mismatch";
  HostTensor h(t, std::move(shape));
  internal_assert(h.bytes.size() == values.size() * sizeof(T))
      << "tensor_from: " << values.size() << " values for " << h.size() << " elements";
  std::memcpy(h.bytes.data(), values.data(), h.bytes.size());
  return h;
}

// The elements as T, verbatim (sizeof(T) must equal the dtype's element size).
template <typename T>
std::vector<T> tensor_values(const HostTensor& h) {
  internal_assert(sizeof(T) == static_cast<size_t>(h.dtype.bytes())) << "element size mismatch";
  std::vector<T> v(h.bytes.size() / sizeof(T));
  std::memcpy(v.data(), h.bytes.data(), v.size() * sizeof(T));
  return v;
}

}  // namespace webtx::runtime::vulkan
