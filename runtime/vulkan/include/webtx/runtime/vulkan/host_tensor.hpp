#pragma once
// A tensor in host memory as the native runtime takes and returns it: dtype by the model
// description's name ("f32", "i32", "u32", "f16", "bool"), shape, and the bytes laid out
// row-major as on the GPU (f16 as its IEEE bit pattern, bool as u32 0/1). Depends only on std
// and the model description, like the rest of the runtime.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "webtx/error.hpp"
#include "webtx/model/model_spec.hpp"

namespace webtx::runtime::vulkan {

struct HostTensor {
  std::string dtype = "f32";
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  HostTensor() = default;
  // Zero-filled.
  HostTensor(std::string t, std::vector<int64_t> s) : dtype(std::move(t)), shape(std::move(s)) {
    bytes.assign(static_cast<size_t>(size() * model::dtype_bytes(dtype)), 0);
  }
  int64_t size() const {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

using TensorMap = std::map<std::string, HostTensor>;

// A tensor holding `values` verbatim (sizeof(T) must equal the dtype's element size).
template <typename T>
HostTensor tensor_from(const std::string& dtype, std::vector<int64_t> shape,
                       const std::vector<T>& values) {
  internal_assert(sizeof(T) == static_cast<size_t>(model::dtype_bytes(dtype)))
      << "element size mismatch";
  HostTensor h(dtype, std::move(shape));
  internal_assert(h.bytes.size() == values.size() * sizeof(T))
      << "tensor_from: " << values.size() << " values for " << h.size() << " elements";
  if (!h.bytes.empty()) std::memcpy(h.bytes.data(), values.data(), h.bytes.size());  // may be null
  return h;
}

// The elements as T, verbatim (sizeof(T) must equal the dtype's element size).
template <typename T>
std::vector<T> tensor_values(const HostTensor& h) {
  internal_assert(sizeof(T) == static_cast<size_t>(model::dtype_bytes(h.dtype)))
      << "element size mismatch";
  std::vector<T> v(h.bytes.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), h.bytes.data(), v.size() * sizeof(T));  // may be null
  return v;
}

}  // namespace webtx::runtime::vulkan
