#pragma once
// Row-wise softmax of X[M, N], numerically stable: subtract the row maximum before exp.
//   m[i] = max_j X[i, j];  e[i, j] = exp(X[i, j] - m[i]);  s[i] = sum_j e[i, j];  y = e / s
// A row holding a NaN or +Inf (or only -Inf) is NaN throughout, whatever the driver's max()
// and exp(NaN) do (docs/numerics.md): such an element's e is +inf, and y is NaN unless
// 1/2 < s <= FLT_MAX (s >= 1 for a row with a finite maximum).
#include <limits>

#include <webtx/webtx.hpp>

namespace ops {
using namespace webtx;

template <typename T>
Tensor<T, 2> softmax(const Tensor<T, 2>& X) {
  auto [M, N] = X.shape();
  constexpr float big = std::numeric_limits<float>::max();
  RVar jm(N, "j");
  auto row_max = compute(
      {M}, [&](Var i) { return max(X(i, jm), jm); }, "softmax_max");
  auto e = compute(
      {M, N},
      [&](Var i, Var j) {
        return select(X(i, j) <= big, exp(X(i, j) - row_max(i)),
                      std::numeric_limits<float>::infinity());
      },
      "softmax_exp");
  RVar js(N, "j");
  auto row_sum = compute(
      {M}, [&](Var i) { return sum(e(i, js), js); }, "softmax_sum");
  return compute(
      {M, N},
      [&](Var i, Var j) {
        return select(row_sum(i) > 0.5f && row_sum(i) <= big, e(i, j) / row_sum(i),
                      std::numeric_limits<float>::quiet_NaN());
      },
      "softmax");
}

}  // namespace ops
