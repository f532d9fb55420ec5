// A model written with the typed DSL and lowered by webtx::lower (default schedule): the
// host test checks that the stub derived from the lowered program binds `n` and dispatches.
#include "webtx/generator.hpp"

using namespace webtx;

WEBTX_MODEL(host_dsl_model, ctx) {
  Var n("n");
  auto a = ctx.input<f32>("a", {n, 4});
  auto b = ctx.weight<f32>("scale.0.weight", {4});  // a PyTorch-style name
  auto c = compute(
      {n, 4}, [&](Var i, Var j) { return a(i, j) * b(j); }, "scaled");
  auto d = compute(
      {n, 4}, [&](Var i, Var j) { return c(i, j) + 1.0f; }, "plus_one");
  auto& s = ctx.schedule(d);
  (void)s;
  ctx.output("out", d);
}
