#pragma once
// The consumer's own ops, written against the installed webtx headers only.
//   dense_gelu: y[i, j] = gelu(sum over k of x[i, k] * w[j, k] + b[j]), gelu with erf:
//               gelu(v) = 0.5 v (1 + erf(v / sqrt(2)))
//   layernorm:  y[i, j] = (x[i, j] - mean_i) / sqrt(var_i + eps) * g[j] + b[j] over rows of
//               length D (D may be a symbol: one model for every row length)
#include <webtx/webtx.hpp>

namespace my {
using namespace webtx;

// The op's tensors, the result last (docs/schedule.md, "Reaching an op's intermediate
// tensors"): a caller schedules through them, e.g. tile_2d(s, p.matmul.op(), cfg,
// {p.bias.op(), p.out.op()}).
template <typename T>
struct DenseGelu {
  Tensor<T, 2> matmul, bias, out;
};

template <typename T>
DenseGelu<T> dense_gelu_parts(const Tensor<T, 2>& x, const Tensor<T, 2>& w, const Tensor<T, 1>& b) {
  auto [M, K] = x.shape();
  auto N = w.shape()[0];
  RVar k(K, "k");
  auto mm = compute(
      {M, N}, [&](Var i, Var j) { return sum(x(i, k) * w(j, k), k); }, "dense");
  auto bias = compute(
      {M, N}, [&](Var i, Var j) { return mm(i, j) + b(j); }, "dense.bias");
  auto out = compute(
      {M, N},
      [&](Var i, Var j) { return 0.5f * bias(i, j) * (1.0f + erf(bias(i, j) * 0.70710678f)); },
      "gelu");
  return {mm, bias, out};
}

template <typename T>
Tensor<T, 2> dense_gelu(const Tensor<T, 2>& x, const Tensor<T, 2>& w, const Tensor<T, 1>& b) {
  return dense_gelu_parts(x, w, b).out;
}

template <typename T>
Tensor<T, 2> layernorm(const Tensor<T, 2>& x, const Tensor<T, 1>& g, const Tensor<T, 1>& b,
                       float eps) {
  auto [M, D] = x.shape();
  RVar j1(D, "j");
  auto mean = compute(
      {M}, [&](Var i) { return sum(x(i, j1) / cast<T>(D), j1); }, "ln_mean");
  RVar j2(D, "j");
  auto var = compute(
      {M},
      [&](Var i) {
        auto d = x(i, j2) - mean(i);
        return sum(d * d / cast<T>(D), j2);
      },
      "ln_var");
  return compute(
      {M, D}, [&](Var i, Var j) { return (x(i, j) - mean(i)) * rsqrt(var(i) + eps) * g(j) + b(j); },
      "layernorm");
}

}  // namespace my
