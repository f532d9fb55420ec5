// The consumer's generator: two models, each built in variants by add_webgpu_model(PARAMS).
#include <webtx/generator.hpp>

#include "my_ops.hpp"

using namespace webtx;

// dense_gelu: x [batch, K] -> [batch, N]; K and N are build-time parameters, batch is symbolic.
// tile=<t> schedules it by hand: a t x t output tile per workgroup, 2 x 2 per invocation, the
// bias and GELU fused after the matmul (tile_2d's epilogue); tile=0 leaves it to the default.
WEBTX_MODEL(dense_gelu, ctx) {
  const int64_t K = ctx.param<int64_t>("K", 64), N = ctx.param<int64_t>("N", 32);
  const int64_t tile = ctx.param<int64_t>("tile", 0);
  Var batch("batch");
  auto x = ctx.input<f32>("x", {batch, K});
  auto w = ctx.input<f32>("w", {N, K});
  auto b = ctx.input<f32>("b", {N});
  auto y = my::dense_gelu_parts(x, w, b);
  if (tile > 0) {
    auto& s = ctx.schedule(y.out);
    tile_2d(s, y.matmul.op(), {tile, tile, 2, 2, 8}, {y.bias.op(), y.out.op()});
  }
  ctx.output("y", y.out);
}

// layernorm: x [rows, D] -> [rows, D]; D is a build-time constant unless D=any (symbolic).
WEBTX_MODEL(layernorm, ctx) {
  const std::string d = ctx.param<std::string>("D", "any");
  const float eps = ctx.param("eps", 1e-5f);
  Var rows("rows");
  Extent D = d == "any" ? Extent(Var("D")) : Extent(std::stoll(d));
  auto x = ctx.input<f32>("x", {rows, D});
  auto g = ctx.input<f32>("g", {D});
  auto b = ctx.input<f32>("b", {D});
  ctx.output("y", my::layernorm(x, g, b, eps));
}
