#pragma once
// A two-layer perceptron: y = relu(relu(x W1 + b1) W2 + b2), each layer one dense_relu.
// T is the storage type of x, the weights and y; Acc the type the products, sums, bias and
// relu are computed in (f32 with T = f16: mixed precision, one rounding to f16 per layer).
#include <string>
#include <type_traits>

#include <webtx/webtx.hpp>

namespace ops {
using namespace webtx;

// relu(x[M, K] w[K, N] + b[N]): a matmul, then bias and relu fused into one compute.
template <typename T, typename Acc = T>
Tensor<T, 2> dense_relu(const Tensor<T, 2>& x, const Tensor<T, 2>& w, const Tensor<T, 1>& b,
                        const std::string& name = "dense") {
  auto [M, K] = x.shape();
  auto [KW, N] = w.shape();
  check_same_extent(K, KW, name + ": features of x and rows of w");
  check_same_extent(N, b.shape()[0], name + ": columns of w and length of b");
  RVar k(K, "k");
  if constexpr (std::is_same_v<T, Acc>) {
    auto mm = compute(
        {M, N}, [&](Var i, Var j) { return sum(x(i, k) * w(k, j), k); }, name + "_matmul");
    return compute(
        {M, N}, [&](Var i, Var j) { return max(mm(i, j) + b(j), constant<T>(0)); }, name + "_relu");
  } else {
    auto mm = compute(
        {M, N}, [&](Var i, Var j) { return sum(cast<Acc>(x(i, k)) * cast<Acc>(w(k, j)), k); },
        name + "_matmul");
    return compute(
        {M, N},
        [&](Var i, Var j) { return cast<T>(max(mm(i, j) + cast<Acc>(b(j)), constant<Acc>(0))); },
        name + "_relu");
  }
}

template <typename T, typename Acc = T>
Tensor<T, 2> mlp(const Tensor<T, 2>& x, const Tensor<T, 2>& w1, const Tensor<T, 1>& b1,
                 const Tensor<T, 2>& w2, const Tensor<T, 1>& b2) {
  return dense_relu<T, Acc>(dense_relu<T, Acc>(x, w1, b1, "layer1"), w2, b2, "layer2");
}

}  // namespace ops
