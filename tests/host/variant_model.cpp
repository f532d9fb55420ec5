// One source built for two targets (add_webgpu_model(... TARGETS webgpu-f16 webgpu)): where the
// target has shader-f16 the products are taken in f16 (summed in f32), elsewhere in f32. Inputs
// and outputs are f32 in both variants, so either serves the same caller; on inputs that are
// multiples of 1/8 in [-2, 2] both are exact (web/test/variants_node.mjs).
#include "webtx/generator.hpp"
#include "webtx/generator_target.hpp"

using namespace webtx;

WEBTX_MODEL(host_variant_model, ctx) {
  Var n("n");
  auto a = ctx.input<f32>("a", {n, 16});
  auto b = ctx.input<f32>("b", {16, 8});
  RVar k(16, "k");
  const bool use_f16 = generator_target().has(Feature::ShaderF16);
  auto y = use_f16 ? compute(
                         {n, 8},
                         [&](Var i, Var j) {
                           return sum(cast<f32>(cast<f16>(a(i, k)) * cast<f16>(b(k, j))), k);
                         },
                         "dot")
                   : compute(
                         {n, 8}, [&](Var i, Var j) { return sum(a(i, k) * b(k, j), k); }, "dot");
  ctx.output("y", y);
}
