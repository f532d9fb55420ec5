#pragma once
// c[i] = a[i] + b[i]: the smallest op, any dtype that has +.
#include <webtx/webtx.hpp>

namespace ops {
using namespace webtx;

template <typename T>
Tensor<T, 1> vector_add(const Tensor<T, 1>& a, const Tensor<T, 1>& b) {
  auto [n] = a.shape();
  check_same_extent(n, b.shape()[0], "vector_add: lengths of a and b");
  return compute(
      {n}, [&](Var i) { return a(i) + b(i); }, "vector_add");
}

}  // namespace ops
