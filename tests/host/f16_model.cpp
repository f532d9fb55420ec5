// An f16 model built with add_webgpu_model(... TARGET webgpu-f16): its manifest must name the
// target and the shader-f16 feature, and building it for the default target must fail naming
// the feature (tests/host/CMakeLists.txt).
#include "webtx/generator.hpp"

using namespace webtx;

WEBTX_MODEL(host_f16_model, ctx) {
  Var n("n");
  auto a = ctx.input<f16>("a", {n});
  auto b = ctx.input<f16>("b", {n});
  auto c = compute(
      {n}, [&](Var i) { return a(i) * b(i) + a(i); }, "fma16");
  ctx.output("out", c);
}
