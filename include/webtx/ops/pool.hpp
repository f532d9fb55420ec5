#pragma once
// global_avg_pool: the mean over H and W of NCHW x, giving [N, C]:
//   y[n, c] = sum over h, w of x[n, c, h, w] / (H * W)
// One reduction stage named `name`, over only the axes with extent > 1 (the scale is applied
// to each term, so the reduction is the whole body).
// Default schedule: scheduled by webtx::auto_schedule (rule: reduction).
#include <string>
#include <vector>

#include "webtx/dsl.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

template <typename T>
Tensor<T, 2> global_avg_pool(const Tensor<T, 4>& x, const std::string& name = "global_avg_pool") {
  using namespace detail;
  auto s = x.shape();
  Extent H = s[2], W = s[3];
  std::vector<RVar> axes;
  Extent rh = ext(0), rw = ext(0);
  auto ch = const_of(H), cw = const_of(W);
  if (!ch || *ch > 1) axes.emplace_back(H, "rh"), rh = Extent(axes.back());
  if (!cw || *cw > 1) axes.emplace_back(W, "rw"), rw = Extent(axes.back());
  auto term = [&](const Var& n, const Var& c) -> TypedExpr<T> {
    if (ch && cw) return x(n, c, rh, rw) * constant<T>(1.0 / static_cast<double>(*ch * *cw));
    return x(n, c, rh, rw) / cast<T>(fmul(H, W));
  };
  if (axes.empty())  // H == W == 1: a copy
    return compute(
        {s[0], s[1]}, [&](Var n, Var c) { return term(n, c); }, name);
  return compute(
      {s[0], s[1]}, [&](Var n, Var c) { return sum(term(n, c), axes); }, name);
}

// Any other argument type: a rank mistake, reported as one readable error.
template <typename X>
void global_avg_pool(const X&, const std::string& = "global_avg_pool") {
  static_assert(detail::always_false<X>,
                "GLOBAL_AVG_POOL_TAKES_A_RANK_4_TENSOR: x is Tensor<T, 4> [N, C, H, W]");
}

}  // namespace webtx::ops
