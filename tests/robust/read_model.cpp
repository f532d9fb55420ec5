// Models whose reads the generator cannot prove inside their input: each carries a run-time
// read check (ModelSpec::read_checks) that the host stub and the JS runtime evaluate per call.
#include "webtx/generator.hpp"

using namespace webtx;

// c[i] = a[i] + 1 for i < m: m is passed in `symbols`, nothing ties it to a's extent n.
WEBTX_MODEL(robust_read_model, ctx) {
  Var n("n"), m("m");
  auto a = ctx.input<f32>("a", {n});
  auto c = compute(
      {m}, [&](Var i) { return a(i) + 1.0f; }, "c");
  ctx.output("c", c);
}
