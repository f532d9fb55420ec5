#pragma once
// Row-wise softmax of X[M, N], numerically stable: subtract the row maximum before exp.
//   m[i] = max_j X[i, j];  e[i, j] = exp(X[i, j] - m[i]);  s[i] = sum_j e[i, j];  y = e / s
#include <webtx/webtx.hpp>

namespace ops {
using namespace webtx;

template <typename T>
Tensor<T, 2> softmax(const Tensor<T, 2>& X) {
  auto [M, N] = X.shape();
  RVar jm(N, "j");
  auto row_max = compute(
      {M}, [&](Var i) { return max(X(i, jm), jm); }, "softmax_max");
  auto e = compute(
      {M, N}, [&](Var i, Var j) { return exp(X(i, j) - row_max(i)); }, "softmax_exp");
  RVar js(N, "j");
  auto row_sum = compute(
      {M}, [&](Var i) { return sum(e(i, js), js); }, "softmax_sum");
  return compute(
      {M, N}, [&](Var i, Var j) { return e(i, j) / row_sum(i); }, "softmax");
}

}  // namespace ops
