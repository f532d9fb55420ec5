#pragma once
// C[i, j] = sum over k of A[i, k] * B[k, j].
#include <webtx/webtx.hpp>

namespace ops {
using namespace webtx;

template <typename T>
Tensor<T, 2> matmul(const Tensor<T, 2>& A, const Tensor<T, 2>& B) {
  auto [M, K] = A.shape();
  auto [KB, N] = B.shape();
  check_same_extent(K, KB, "matmul: columns of A and rows of B");
  RVar k(K, "k");  // the reduction axis, one per reduction
  return compute(
      {M, N}, [&](Var i, Var j) { return sum(A(i, k) * B(k, j), k); }, "matmul");
}

}  // namespace ops
