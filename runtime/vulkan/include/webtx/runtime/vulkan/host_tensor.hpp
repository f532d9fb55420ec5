#pragma once
// A tensor in host memory: dtype, shape and the raw bytes (bool stored as u32, f16 as its
// 16-bit pattern), row-major. What run_program() reads inputs from and writes outputs to.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "webtx/error.hpp"
#include "webtx/ir/dtype.hpp"

namespace webtx::runtime::vulkan {

struct HostTensor {
  ir::DType dtype = ir::DType::f32();
  std::vector<int64_t> shape;
  std::vector<std::byte> bytes;

  int64_t numel() const {
    int64_t n = 1;
    for (auto s : shape) n *= s;
    return n;
  }
  // A zero-filled tensor.
  static HostTensor zeros(ir::DType t, std::vector<int64_t> shape) {
    HostTensor h{t, std::move(shape), {}};
    h.bytes.resize(static_cast<size_t>(h.numel() * t.bytes()));
    return h;
  }
  // A tensor holding `values` (T's size must equal the dtype's element size).
  template <typename T>
  static HostTensor from(ir::DType t, std::vector<int64_t> shape, const std::vector<T>& values) {
    internal_assert(sizeof(T) == static_cast<size_t>(t.bytes())) << "element size mismatch";
    HostTensor h{t, std::move(shape), {}};
    h.bytes.resize(values.size() * sizeof(T));
    std::memcpy(h.bytes.data(), values.data(), h.bytes.size());
    return h;
  }
  // The elements as T (T's size must equal the dtype's element size).
  template <typename T>
  std::vector<T> to() const {
    internal_assert(sizeof(T) == static_cast<size_t>(dtype.bytes())) << "element size mismatch";
    std::vector<T> v(bytes.size() / sizeof(T));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
    return v;
  }
};

}  // namespace webtx::runtime::vulkan
