// softmax: Y[M, N] = row-wise softmax of X, both extents bound at run time. One kernel with a
// workgroup per row: its 256 invocations split the row (invocation t takes elements t, t + 256,
// ..., so neighbours read neighbouring addresses), and the row maximum and the row sum are
// each reduced across them (a reduction axis bound to local_id: partial results combined in
// workgroup memory) and computed at the row in registers, so every invocation holds both.
// exp(x - max) is inlined into the sum and the output. auto_schedule's "row-reduction" rule
// makes the same schedule for an unscheduled softmax.
#include <webtx/generator.hpp>

#include "ops/softmax.hpp"

using namespace webtx;

WEBTX_MODEL(softmax, ctx) {
  constexpr int64_t kThreads = 256;
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  auto Y = ops::softmax(X);

  auto& s = ctx.schedule(Y);
  auto& out = s[Y];
  auto [jo, ji] = out.split(out.axis(1), kThreads);
  out.bind(out.axis(0), ir::ThreadAxis::WorkgroupId, 0).bind(ji, ir::ThreadAxis::LocalId, 0);
  for (auto& st : s.stages()) {
    if (st->name() == "softmax_exp") st->compute_inline();
    if (st->name() != "softmax_max" && st->name() != "softmax_sum") continue;
    st->compute_at(out, out.axis(0));
    auto [ko, ki] = st->split(st->reduce_axis(0), kThreads);
    st->bind(ki, ir::ThreadAxis::LocalId, 0);
  }
  ctx.output("Y", Y);
}
