#pragma once
// softmax over the last axis of x [M, N], numerically stable:
//   m[i] = max_j x[i, j];  s[i] = sum_j exp(x[i, j] - m[i]);  y[i, j] = exp(x[i, j] - m[i]) / s[i]
// Three stages: "<name>.max" and "<name>.sum" (reductions over j) and "<name>" (injective; it
// recomputes the exp rather than storing it).
// Default schedule: webtx::auto_schedule, rule "row-reduction" (one kernel, a workgroup per row,
// both reductions across its invocations) when N is symbolic or >= 32; else "reduction" per
// reduction stage and "injective" for the output.
#include <string>

#include "webtx/dsl.hpp"

namespace webtx::ops {

template <typename T>
Tensor<T, 2> softmax(const Tensor<T, 2>& x, const std::string& name = "softmax") {
  auto [M, N] = x.shape();
  RVar jm(N, "rj");
  auto row_max = compute(
      {M}, [&](Var i) { return max(x(i, jm), jm); }, name + ".max");
  RVar js(N, "rj");
  auto row_sum = compute(
      {M}, [&](Var i) { return sum(exp(x(i, js) - row_max(i)), js); }, name + ".sum");
  return compute(
      {M, N}, [&](Var i, Var j) { return exp(x(i, j) - row_max(i)) / row_sum(i); }, name);
}

}  // namespace webtx::ops
