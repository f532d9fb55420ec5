#pragma once
// 2-D convolution, NCHW, with stride, zero padding, dilation and groups (depthwise included):
//   Y[n, o, y, x] = sum over ci, kh, kw of Xpad[n, g(o) * C/groups + ci, y*sh + kh*dh - ph,
//                                                x*sw + kw*dw - pw] * W[o, ci, kh, kw]
// with g(o) = o / (O/groups) and Xpad zero outside the input. x is [N, C, H, W], w is
// [O, C/groups, KH, KW] (PyTorch's Conv2d layout); the result is [N, O, OH, OW] with
// OH = (H + 2ph - dh(KH-1) - 1) / sh + 1 (constant when H is), likewise OW.
//
// One reduction stage named `name`. Zero padding is folded into the read (clamped indices and
// a select), so there is no pad stage. Only axes with extent > 1 are reduced: a 1x1 conv
// reduces over ci only, a depthwise conv (groups == C == O) over kh, kw only, so a scheduler
// sees the plain matmul / stencil it is.
// Default schedule: scheduled by webtx::auto_schedule (rule: conv); a 1x1 conv is a matmul.
// Mixed precision: conv2d<f16, f32>(x, w) reduces in f32 (stage "<name>.acc") and rounds to f16
// once (stage `name`); Acc defaults to T, the single stage above.
#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "webtx/dsl.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

struct Conv2dOptions {
  std::array<int64_t, 2> stride{1, 1}, padding{0, 0}, dilation{1, 1};
  int64_t groups = 1;
  // Split-K (1x1 convolutions without padding or groups, split_k dividing C): the channel sum
  // becomes two reductions, "<name>.partial" [N, split_k, O, OH, OW] (each over C / split_k
  // channels) and "<name>" (their sum), so a long, narrow 1x1 convolution (a network's late
  // layers) runs split_k times more invocations. A fused epilogue follows the second stage.
  int64_t split_k = 1;
};

namespace detail {

// (in + 2p - d(k-1) - 1) / s + 1, folded to a constant when `in` is one.
inline Extent conv_out_extent(const Extent& in, int64_t k, int64_t s, int64_t p, int64_t d,
                              const std::string& name, const char* axis) {
  int64_t shrink = d * (k - 1) + 1 - 2 * p;  // in - shrink is the last valid window start
  if (auto c = const_of(in)) {
    user_assert(*c - shrink >= 0) << name << ": input " << axis << " " << *c
                                  << " is smaller than the dilated filter (" << d * (k - 1) + 1
                                  << ") plus padding " << 2 * p;
    return ext((*c - shrink) / s + 1);
  }
  return fadd(fdiv(fsub(in, ext(shrink)), ext(s)), ext(1));
}

}  // namespace detail

template <typename T, typename Acc = T>
Tensor<T, 4> conv2d(const Tensor<T, 4>& x, const Tensor<T, 4>& w, const Conv2dOptions& o = {},
                    const std::string& name = "conv2d") {
  using namespace detail;
  // With Acc != T the reduction is its own stage (a reduction is a whole body) and `name` the
  // rounding to T; with Acc == T, `name` is the reduction (a cast to its own dtype is no cast).
  constexpr bool mixed = !std::is_same_v<T, Acc>;
  const std::string rname = mixed ? name + ".acc" : name;
  auto finish = [&](const Tensor<Acc, 4>& acc) {
    if constexpr (mixed) {
      auto s = acc.shape();
      return compute(
          {s[0], s[1], s[2], s[3]},
          [&](Var n, Var oc, Var oy, Var ox) { return cast<T>(acc(n, oc, oy, ox)); }, name);
    } else {
      return acc;
    }
  };
  auto xs = x.shape();
  auto ws = w.shape();
  Extent N = xs[0], C = xs[1], H = xs[2], W = xs[3];
  for (int a = 0; a < 2; ++a) {
    user_assert(o.stride[a] >= 1 && o.dilation[a] >= 1 && o.padding[a] >= 0)
        << name << ": stride and dilation must be >= 1 and padding >= 0 (axis " << a << ": stride "
        << o.stride[a] << ", dilation " << o.dilation[a] << ", padding " << o.padding[a] << ")";
  }
  const int64_t groups = o.groups;
  user_assert(groups >= 1) << name << ": groups must be >= 1, not " << groups;
  const int64_t KH = require_const(ws[2], name, "filter height (w axis 2)");
  const int64_t KW = require_const(ws[3], name, "filter width (w axis 3)");
  Extent O = ws[0], Cg = ws[1];
  int64_t Og = 0;  // output channels per group (only needed when groups > 1)
  if (groups == 1) {
    expect_same(C, Cg, name, "input channels of x (axis 1) and of w (axis 1)");
  } else {
    const int64_t c = require_const(C, name, "input channels with groups > 1");
    const int64_t oc = require_const(O, name, "output channels with groups > 1");
    user_assert(c % groups == 0) << name << ": input channels " << c
                                 << " are not divisible by groups " << groups;
    user_assert(oc % groups == 0) << name << ": output channels " << oc
                                  << " are not divisible by groups " << groups;
    expect_extent(Cg, c / groups, name, "w axis 1 (input channels per group)");
    Og = oc / groups;
  }
  const auto [sh, sw] = o.stride;
  const auto [ph, pw] = o.padding;
  const auto [dh, dw] = o.dilation;
  Extent OH = conv_out_extent(H, KH, sh, ph, dh, name, "height");
  Extent OW = conv_out_extent(W, KW, sw, pw, dw, name, "width");

  if (o.split_k > 1) {
    const int64_t S = o.split_k;
    user_assert(groups == 1 && KH == 1 && KW == 1 && ph == 0 && pw == 0)
        << name << ": split_k applies to 1x1 convolutions without groups or padding";
    const int64_t c = require_const(C, name, "input channels with split_k");
    user_assert(c % S == 0) << name << ": split_k " << S << " does not divide the " << c
                            << " input channels";
    RVar rk(ext(c / S), "rc");
    auto partial = compute(
        {N, ext(S), O, OH, OW},
        [&](Var n, Var part, Var oc, Var oy, Var ox) {
          Extent cin = fadd(fmul(part, ext(c / S)), Extent(rk));
          return sum(cast<Acc>(x(n, cin, fmul(oy, ext(sh)), fmul(ox, ext(sw)))) *
                         cast<Acc>(w(oc, cin, 0, 0)),
                     rk);
        },
        name + ".partial");
    RVar rs(ext(S), "rs");
    return finish(compute(
        {N, O, OH, OW},
        [&](Var n, Var oc, Var oy, Var ox) { return sum(partial(n, rs, oc, oy, ox), rs); }, rname));
  }

  // Reduction axes only where the extent can exceed 1; the others index with 0.
  std::vector<RVar> axes;
  Extent rc = ext(0), rkh = ext(0), rkw = ext(0);
  auto cg = const_of(Cg);
  if (!cg || *cg > 1) axes.emplace_back(Cg, "rc"), rc = Extent(axes.back());
  if (KH > 1) axes.emplace_back(ext(KH), "rkh"), rkh = Extent(axes.back());
  if (KW > 1) axes.emplace_back(ext(KW), "rkw"), rkw = Extent(axes.back());

  auto term = [&](const Var& n, const Var& oc, const Var& oy, const Var& ox) -> TypedExpr<Acc> {
    Extent cin = rc;
    if (groups > 1) {
      Extent group = Og == 1 ? Extent(oc) : fdiv(oc, ext(Og));
      cin = fadd(fmul(group, Cg), rc);
    }
    Extent iy = fsub(fadd(fmul(oy, ext(sh)), fmul(rkh, ext(dh))), ext(ph));
    Extent ix = fsub(fadd(fmul(ox, ext(sw)), fmul(rkw, ext(dw))), ext(pw));
    TypedExpr<boolean> inside;
    bool padded = false;
    // A padded read is clamped into the input and replaced by zero outside it.
    auto guard = [&](Extent& i, const Extent& extent) {
      TypedExpr<boolean> ok = i >= 0 && i < extent;
      inside = padded ? TypedExpr<boolean>(inside && ok) : ok;
      padded = true;
      i = Extent(min(max(i, 0), extent - 1));
    };
    if (ph > 0) guard(iy, H);
    if (pw > 0) guard(ix, W);
    TypedExpr<T> xv = x(n, cin, iy, ix);
    if (padded) xv = select(inside, xv, constant<T>(0));
    return cast<Acc>(xv) * cast<Acc>(w(oc, rc, rkh, rkw));
  };
  if (axes.empty()) {  // a 1x1 depthwise conv: a per-channel scale
    return finish(compute(
        {N, O, OH, OW}, [&](Var n, Var oc, Var oy, Var ox) { return term(n, oc, oy, ox); }, rname));
  }
  return finish(compute(
      {N, O, OH, OW}, [&](Var n, Var oc, Var oy, Var ox) { return sum(term(n, oc, oy, ox), axes); },
      rname));
}

// Any other argument types: a rank or dtype mistake, reported as one readable error.
template <typename X, typename W>
void conv2d(const X&, const W&, const Conv2dOptions& = {}, const std::string& = "conv2d") {
  static_assert(detail::always_false<X, W>,
                "CONV2D_TAKES_RANK_4_TENSORS_OF_ONE_DTYPE: x is Tensor<T, 4> [N, C, H, W] and w "
                "is Tensor<T, 4> [O, C/groups, KH, KW]");
}

}  // namespace webtx::ops
