#pragma once
// dense: a fully connected layer with PyTorch Linear's weight layout,
//   y[i, j] = sum over k of x[i, k] * w[j, k] + b[j]     x [M, K], w [N, K], b [N] -> [M, N]
// Two stages: "<name>" (the matmul, a reduction over k) and "<name>.bias" (injective).
// Default schedule: scheduled by webtx::auto_schedule (rule: matmul), the bias fused into it.
// Mixed precision: dense<f16, f32>(x, w, b) takes f16 x, w, b and gives f16, with the products,
// the sum and the bias add in f32 (one rounding to f16 at the end); Acc defaults to T.
#include <string>
#include <type_traits>

#include "webtx/dsl.hpp"
#include "webtx/ops/bias_add.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

// The matmul alone: y[i, j] = sum over k of x[i, k] * w[j, k], one stage named `name`, with
// the products and the sum in Acc (a cast of the same dtype is no cast).
template <typename T, typename Acc = T>
Tensor<Acc, 2> matmul_nt(const Tensor<T, 2>& x, const Tensor<T, 2>& w,
                         const std::string& name = "matmul") {
  auto [M, K] = x.shape();
  auto [N, KW] = w.shape();
  detail::expect_same(K, KW, name, "features of x (axis 1) and of w (axis 1)");
  auto k1 = detail::const_of(K);
  if (k1 && *k1 == 1)  // no extent-1 reduction
    return compute(
        {M, N}, [&](Var i, Var j) { return cast<Acc>(x(i, 0)) * cast<Acc>(w(j, 0)); }, name);
  RVar k(K, "rk");
  return compute(
      {M, N}, [&](Var i, Var j) { return sum(cast<Acc>(x(i, k)) * cast<Acc>(w(j, k)), k); }, name);
}

// Split-K: the sum over k as `split_k` partial sums ("<name>.partial" [split_k, M, N], each
// over K / split_k features) and their sum ("<name>"): split_k times more invocations for a
// long dot product with few outputs (a classifier at batch 1). split_k must divide K.
template <typename T, typename Acc = T>
Tensor<Acc, 2> matmul_nt_split(const Tensor<T, 2>& x, const Tensor<T, 2>& w, int64_t split_k,
                               const std::string& name = "matmul") {
  auto [M, K] = x.shape();
  auto [N, KW] = w.shape();
  detail::expect_same(K, KW, name, "features of x (axis 1) and of w (axis 1)");
  const int64_t k = detail::require_const(K, name, "features with split_k");
  user_assert(split_k >= 1 && k % split_k == 0)
      << name << ": split_k " << split_k << " does not divide the " << k << " features";
  RVar rk(detail::ext(k / split_k), "rk");
  auto partial = compute(
      {detail::ext(split_k), M, N},
      [&](Var part, Var i, Var j) {
        Extent kk = detail::fadd(detail::fmul(part, detail::ext(k / split_k)), Extent(rk));
        return sum(cast<Acc>(x(i, kk)) * cast<Acc>(w(j, kk)), rk);
      },
      name + ".partial");
  RVar rs(detail::ext(split_k), "rs");
  return compute(
      {M, N}, [&](Var i, Var j) { return sum(partial(rs, i, j), rs); }, name);
}

template <typename T, typename Acc = T>
Tensor<T, 2> dense(const Tensor<T, 2>& x, const Tensor<T, 2>& w, const Tensor<T, 1>& b,
                   const std::string& name = "dense", int64_t split_k = 1) {
  detail::expect_same(w.shape()[0], b.shape()[0], name, "outputs of w (axis 0) and length of b");
  auto y =
      split_k > 1 ? matmul_nt_split<T, Acc>(x, w, split_k, name) : matmul_nt<T, Acc>(x, w, name);
  if constexpr (std::is_same_v<T, Acc>) {
    return bias_add(y, b, name + ".bias");
  } else {
    auto [M, N] = y.shape();
    return compute(
        {M, N}, [&](Var i, Var j) { return cast<T>(y(i, j) + cast<Acc>(b(j))); }, name + ".bias");
  }
}

// Any other argument types: a rank or dtype mistake, reported as one readable error.
template <typename X, typename W, typename B>
void dense(const X&, const W&, const B&, const std::string& = "dense") {
  static_assert(detail::always_false<X, W, B>,
                "DENSE_TAKES_X_AND_W_OF_RANK_2_AND_B_OF_RANK_1_OF_ONE_DTYPE: x [M, K], w [N, K], "
                "b [N]");
}

}  // namespace webtx::ops
