#pragma once
// softmax over the last axis of x [M, N], numerically stable:
//   m[i] = max_j x[i, j];  s[i] = sum_j e[i, j];  y[i, j] = e[i, j] / s[i],
//   e[i, j] = exp(x[i, j] - m[i]) for x[i, j] <= the largest finite value, +inf otherwise.
// NaN and +Inf (docs/numerics.md): a row holding a NaN or a +Inf, or only -Inf, is NaN in
// every element (as PyTorch); -Inf elements of another row are 0. The op decides this itself
// (a NaN or +Inf element adds +inf to s; y is NaN unless 1/2 < s <= max finite), so the result
// does not depend on what a driver's max() does with NaN or what its exp(NaN) is (SwiftShader
// returns +inf, lavapipe NaN).
// Three stages: "<name>.max" and "<name>.sum" (reductions over j) and "<name>" (injective; it
// recomputes the exp rather than storing it).
// Default schedule: webtx::auto_schedule, rule "row-reduction" (one kernel, a workgroup per row,
// both reductions across its invocations) when N is symbolic or >= 32; else "reduction" per
// reduction stage and "injective" for the output.
#include <limits>
#include <string>
#include <type_traits>

#include "webtx/dsl.hpp"

namespace webtx::ops {

// The largest finite value of float dtype T (f32 or f16).
template <typename T>
constexpr float largest_finite() {
  if constexpr (std::is_same_v<T, f16>) return 65504.0f;
  return std::numeric_limits<float>::max();
}

template <typename T>
Tensor<T, 2> softmax(const Tensor<T, 2>& x, const std::string& name = "softmax") {
  auto [M, N] = x.shape();
  constexpr float big = largest_finite<T>();
  constexpr float inf = std::numeric_limits<float>::infinity();
  RVar jm(N, "rj");
  auto row_max = compute(
      {M}, [&](Var i) { return max(x(i, jm), jm); }, name + ".max");
  RVar js(N, "rj");
  auto row_sum = compute(
      {M}, [&](Var i) { return sum(select(x(i, js) <= big, exp(x(i, js) - row_max(i)), inf), js); },
      name + ".sum");
  return compute(
      {M, N},
      [&](Var i, Var j) {
        auto s = row_sum(i);
        return select(s > 0.5f && s <= big, exp(x(i, j) - row_max(i)) / s,
                      std::numeric_limits<float>::quiet_NaN());
      },
      name);
}

}  // namespace webtx::ops
