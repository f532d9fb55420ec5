// softmax: Y[M, N] = row-wise softmax of X, both extents bound at run time. Three kernels, each
// with one invocation per row (64 rows per workgroup): the row maxima, the row sums of
// exp(x - max), then the output; exp(x - max) is inlined into the last two.
#include <webtx/generator.hpp>

#include "ops/softmax.hpp"

using namespace webtx;

WEBTX_MODEL(softmax, ctx) {
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  auto Y = ops::softmax(X);

  auto& s = ctx.schedule(Y);
  for (auto& st : s.stages()) {
    if (st->is_placeholder()) continue;
    if (st->name() == "softmax_exp") {
      st->compute_inline();
    } else {  // softmax_max, softmax_sum, softmax: rows over invocations
      auto [rows, row] = st->split(st->axis(0), 64);
      st->bind(rows, ir::ThreadAxis::WorkgroupId, 0).bind(row, ir::ThreadAxis::LocalId, 0);
    }
  }
  ctx.output("Y", Y);
}
