#pragma once
// layer_norm over the last axis of x [M, N] (PyTorch LayerNorm with normalized_shape [N]):
//   mean[i] = sum_j x[i, j] / N;  var[i] = sum_j (x[i, j] - mean[i])^2 / N
//   y[i, j] = (x[i, j] - mean[i]) * rsqrt(var[i] + eps) * gamma[j] + beta[j]
// Three stages: "<name>.sum" and "<name>.sqdev" (reductions over j; the variance is taken
// around the mean, two passes, as PyTorch does, not as E[x^2] - E[x]^2, which cancels) and
// "<name>" (injective). M and N may be symbolic.
// Default schedule: webtx::auto_schedule, rule "row-reduction" (one kernel, a workgroup per row;
// both sums reduced across its invocations) when N is symbolic or >= 32.
#include <string>

#include "webtx/dsl.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

template <typename T>
Tensor<T, 2> layer_norm(const Tensor<T, 2>& x, const Tensor<T, 1>& gamma, const Tensor<T, 1>& beta,
                        double eps = 1e-5, const std::string& name = "layer_norm") {
  auto [M, N] = x.shape();
  user_assert(eps >= 0) << name << ": eps must be >= 0, got " << eps;
  detail::expect_same(gamma.shape()[0], N, name, "gamma's length (vs x's last axis)");
  detail::expect_same(beta.shape()[0], N, name, "beta's length (vs x's last axis)");
  auto inv_n = [&]() { return constant<T>(1.0) / cast<T>(N); };
  RVar j1(N, "rj");
  auto total = compute(
      {M}, [&](Var i) { return sum(x(i, j1), j1); }, name + ".sum");
  RVar j2(N, "rj");
  auto sqdev = compute(
      {M},
      [&](Var i) {
        auto d = x(i, j2) - total(i) * inv_n();
        return sum(d * d, j2);
      },
      name + ".sqdev");
  return compute(
      {M, N},
      [&](Var i, Var j) {
        return (x(i, j) - total(i) * inv_n()) * rsqrt(sqdev(i) * inv_n() + constant<T>(eps)) *
                   gamma(j) +
               beta(j);
      },
      name);
}

}  // namespace webtx::ops
