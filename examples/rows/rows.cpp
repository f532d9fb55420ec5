// rows: softmax and layernorm over the rows of X [M, N], both extents bound at run time and
// nothing scheduled by hand. auto_schedule's row rule picks a kernel version per call
// (docs/schedule.md, "Row reductions"); on the default target (256 invocations) rows of
// 2049-4096 elements are read once into registers (16 per invocation) and the reductions and
// the written row read those, shorter rows are re-read. The reference shapes cover both, at
// dividing, non-dividing and size-1 extents, through Dawn in Node and headless Chromium.
#include <webtx/generator.hpp>
#include <webtx/ops.hpp>

using namespace webtx;

WEBTX_MODEL(rows, ctx) {
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  auto gamma = ctx.input<f32>("gamma", {N}), beta = ctx.input<f32>("beta", {N});
  ctx.output("Y", ops::softmax(X, "softmax"));
  ctx.output("Z", ops::layer_norm(X, gamma, beta, 1e-5, "layernorm"));
}
