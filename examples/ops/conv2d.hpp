#pragma once
// 2-D convolution, NCHW, 3x3 filters, stride 1, no padding ("valid"):
//   Y[n, f, y, x] = sum over c, kh, kw of X[n, c, y + kh, x + kw] * W[f, c, kh, kw]
// Output is [N, F, H - 2, W - 2]. For "same" output size, pad first with zero_pad_hw.
#include <webtx/webtx.hpp>

namespace ops {
using namespace webtx;

template <typename T>
Tensor<T, 4> conv2d_3x3(const Tensor<T, 4>& X, const Tensor<T, 4>& W) {
  auto [N, C, H, Wd] = X.shape();
  auto [F, CW, KH, KW] = W.shape();
  check_same_extent(C, CW, "conv2d_3x3: input channels of X and W");
  check_same_extent(KH, 3, "conv2d_3x3: filter height");
  check_same_extent(KW, 3, "conv2d_3x3: filter width");
  RVar c(C, "c"), kh(3, "kh"), kw(3, "kw");
  return compute(
      {N, F, H - 2, Wd - 2},
      [&](Var n, Var f, Var y, Var x) {
        return sum(X(n, c, y + kh, x + kw) * W(f, c, kh, kw), {c, kh, kw});
      },
      "conv2d");
}

// X with a border of `p` zeros around H and W. The read is clamped into range so it is never
// out of bounds; select then replaces the border with zero.
template <typename T>
Tensor<T, 4> zero_pad_hw(const Tensor<T, 4>& X, int p) {
  // Named extents, not a structured binding: Clang < 16 can't capture those in the lambda.
  auto s = X.shape();
  Extent H = s[2], Wd = s[3];
  return compute(
      {s[0], s[1], H + 2 * p, Wd + 2 * p},
      [&](Var n, Var c, Var y, Var x) {
        auto inside = y >= p && y < H + p && x >= p && x < Wd + p;
        auto value = X(n, c, min(max(y - p, 0), H - 1), min(max(x - p, 0), Wd - 1));
        return select(inside, value, constant<T>(0));
      },
      "zero_pad");
}

}  // namespace ops
