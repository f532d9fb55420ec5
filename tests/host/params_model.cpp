// One model built twice with different build-time parameters (add_webgpu_model PARAMS):
// y[i] = x[i] * scale (+ relu), i < N. The manifest records the parameters; both variants run
// the same generator executable.
#include "webtx/generator.hpp"

using namespace webtx;

WEBTX_MODEL(host_params_model, ctx) {
  const int n = ctx.param("N", 8);
  const float scale = ctx.param("scale", 1.0f);
  const bool relu = ctx.param("relu", false);
  const std::string out = ctx.param<std::string>("output", "y");
  auto x = ctx.input<f32>("x", {n});
  auto y = relu ? compute(
                      {n}, [&](Var i) { return max(x(i) * scale, 0.0f); }, "scaled")
                : compute(
                      {n}, [&](Var i) { return x(i) * scale; }, "scaled");
  ctx.output(out, y);
}
