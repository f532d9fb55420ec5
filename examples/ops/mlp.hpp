#pragma once
// A two-layer perceptron: y = relu(relu(x W1 + b1) W2 + b2), each layer one dense_relu.
#include <string>

#include <webtx/webtx.hpp>

namespace ops {
using namespace webtx;

// relu(x[M, K] w[K, N] + b[N]): a matmul, then bias and relu fused into one compute.
inline Tensor<f32, 2> dense_relu(const Tensor<f32, 2>& x, const Tensor<f32, 2>& w,
                                 const Tensor<f32, 1>& b, const std::string& name = "dense") {
  auto [M, K] = x.shape();
  auto [KW, N] = w.shape();
  check_same_extent(K, KW, name + ": features of x and rows of w");
  check_same_extent(N, b.shape()[0], name + ": columns of w and length of b");
  RVar k(K, "k");
  auto mm = compute(
      {M, N}, [&](Var i, Var j) { return sum(x(i, k) * w(k, j), k); }, name + "_matmul");
  return compute(
      {M, N}, [&](Var i, Var j) { return max(mm(i, j) + b(j), 0.0f); }, name + "_relu");
}

inline Tensor<f32, 2> mlp(const Tensor<f32, 2>& x, const Tensor<f32, 2>& w1,
                          const Tensor<f32, 1>& b1, const Tensor<f32, 2>& w2,
                          const Tensor<f32, 1>& b2) {
  return dense_relu(dense_relu(x, w1, b1, "layer1"), w2, b2, "layer2");
}

}  // namespace ops
