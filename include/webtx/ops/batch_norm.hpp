#pragma once
// batch_norm for inference, per channel of NCHW x:
//   y[n, c, h, w] = (x[n, c, h, w] - mean[c]) * gamma[c] / sqrt(var[c] + eps) + beta[c]
// One injective stage named `name`; gamma, beta, mean and var must all have C elements. (A
// model loader may instead fold it into the preceding conv's weights and bias.)
// Default schedule: scheduled by webtx::auto_schedule (rule: injective).
#include <string>

#include "webtx/dsl.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

template <typename T>
Tensor<T, 4> batch_norm(const Tensor<T, 4>& x, const Tensor<T, 1>& gamma, const Tensor<T, 1>& beta,
                        const Tensor<T, 1>& mean, const Tensor<T, 1>& var, double eps = 1e-5,
                        const std::string& name = "batch_norm") {
  user_assert(eps >= 0) << name << ": eps must be >= 0, not " << eps;
  const Extent C = x.shape()[1];
  detail::expect_same(C, gamma.shape()[0], name, "channels of x (axis 1) and length of gamma");
  detail::expect_same(C, beta.shape()[0], name, "channels of x (axis 1) and length of beta");
  detail::expect_same(C, mean.shape()[0], name, "channels of x (axis 1) and length of mean");
  detail::expect_same(C, var.shape()[0], name, "channels of x (axis 1) and length of var");
  return compute(
      x.shape(),
      [&](Var n, Var c, Var h, Var w) {
        return (x(n, c, h, w) - mean(c)) * (gamma(c) * rsqrt(var(c) + constant<T>(eps))) + beta(c);
      },
      name);
}

}  // namespace webtx::ops
