#pragma once
// add(a, b): element-wise sum of two tensors of the same shape (a residual connection).
// One injective stage named `name`; extents that are constants (or the same symbol) on one
// side must match the other.
// Default schedule: scheduled by webtx::auto_schedule (rule: injective).
#include <cstddef>
#include <string>

#include "webtx/dsl.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

template <typename T, std::size_t R>
Tensor<T, R> add(const Tensor<T, R>& a, const Tensor<T, R>& b, const std::string& name = "add") {
  auto as = a.shape(), bs = b.shape();
  for (std::size_t d = 0; d < R; ++d)
    detail::expect_same(as[d], bs[d], name, "axis " + std::to_string(d) + " of a and b");
  return compute(
      as, [&](auto... i) { return a(i...) + b(i...); }, name);
}

}  // namespace webtx::ops
