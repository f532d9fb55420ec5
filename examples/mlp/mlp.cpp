// mlp: y = relu(relu(x W1 + b1) W2 + b2) for a batch bound at run time. Each layer is one
// kernel: the tiled matmul schedule with bias + relu applied as the accumulators are stored.
#include <webtx/generator.hpp>

#include "matmul/tiled_matmul.hpp"
#include "ops/mlp.hpp"

using namespace webtx;

WEBTX_MODEL(mlp, ctx) {
  Var batch("batch");
  auto x = ctx.input<f32>("x", {batch, 64});
  auto w1 = ctx.weight<f32>("w1", {64, 48});
  auto b1 = ctx.weight<f32>("b1", {48});
  auto w2 = ctx.weight<f32>("w2", {48, 10});
  auto b2 = ctx.weight<f32>("b2", {10});
  auto y = ops::mlp(x, w1, b1, w2, b2);

  auto& s = ctx.schedule(y);
  examples::schedule_dense_layers(s, {"layer1", "layer2"});
  ctx.output("y", y);
}
