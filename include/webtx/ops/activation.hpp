#pragma once
// Element-wise activations on tensors of any rank, each one injective stage named `name`:
//   relu(x)          = max(x, 0)
//   relu6(x)         = min(max(x, 0), 6)
//   clip(x, lo, hi)  = min(max(x, lo), hi)            (lo <= hi)
//   gelu(x)          = x / 2 * (1 + erf(x / sqrt(2)))  (the exact, erf-based GELU)
// Default schedule: scheduled by webtx::auto_schedule (rule: injective), fused into the
// reduction it follows.
#include <cstddef>
#include <string>

#include "webtx/dsl.hpp"

namespace webtx::ops {

template <typename T, std::size_t R>
Tensor<T, R> relu(const Tensor<T, R>& x, const std::string& name = "relu") {
  return compute(
      x.shape(), [&](auto... i) { return max(x(i...), constant<T>(0)); }, name);
}

template <typename T, std::size_t R>
Tensor<T, R> clip(const Tensor<T, R>& x, double lo, double hi, const std::string& name = "clip") {
  user_assert(lo <= hi) << name << ": clip bounds lo " << lo << " > hi " << hi;
  return compute(
      x.shape(), [&](auto... i) { return min(max(x(i...), constant<T>(lo)), constant<T>(hi)); },
      name);
}

template <typename T, std::size_t R>
Tensor<T, R> relu6(const Tensor<T, R>& x, const std::string& name = "relu6") {
  return clip(x, 0.0, 6.0, name);
}

template <typename T, std::size_t R>
Tensor<T, R> gelu(const Tensor<T, R>& x, const std::string& name = "gelu") {
  return compute(
      x.shape(),
      [&](auto... i) {
        auto v = x(i...);
        return v * constant<T>(0.5) * (erf(v * constant<T>(0.70710678118654752440)) + 1.0f);
      },
      name);
}

}  // namespace webtx::ops
