#pragma once
// bias_add: a per-channel bias. On NCHW activations y[n, c, h, w] = x[n, c, h, w] + b[c]; on
// [M, N] matrices y[i, j] = x[i, j] + b[j]. One injective stage named `name`; b's length must
// equal the channel (column) count.
// Default schedule: scheduled by webtx::auto_schedule (rule: injective), fused into the
// reduction it follows.
#include <string>

#include "webtx/dsl.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

template <typename T>
Tensor<T, 4> bias_add(const Tensor<T, 4>& x, const Tensor<T, 1>& b,
                      const std::string& name = "bias_add") {
  detail::expect_same(x.shape()[1], b.shape()[0], name, "channels of x (axis 1) and length of b");
  return compute(
      x.shape(), [&](Var n, Var c, Var h, Var w) { return x(n, c, h, w) + b(c); }, name);
}

template <typename T>
Tensor<T, 2> bias_add(const Tensor<T, 2>& x, const Tensor<T, 1>& b,
                      const std::string& name = "bias_add") {
  detail::expect_same(x.shape()[1], b.shape()[0], name, "columns of x (axis 1) and length of b");
  return compute(
      x.shape(), [&](Var i, Var j) { return x(i, j) + b(j); }, name);
}

}  // namespace webtx::ops
