// mlp_f16: the MLP example in f16. A source of its own, not mlp.cpp: tools that take every model
// a source registers lower them for one target (bench_generator: the default, without f16).
#include <webtx/generator.hpp>

#include "matmul/tiled_matmul.hpp"
#include "ops/mlp.hpp"

using namespace webtx;

// The same MLP as examples/mlp in f16 (target webgpu-f16): x, the weights and y are f16; each
// layer's products, sums, bias and relu are f32 (mixed precision) and its output is rounded to f16.
// Same tensor names as mlp, so the CPU references give both the same inputs and weights (on a
// 1/64 grid, exact in f16): the f16 error against the f32 model is tested and stated in
// docs/numerics.md. The schedule is the one line to swap (tensorized matmuls later).
WEBTX_MODEL(mlp_f16, ctx) {
  Var batch("batch");
  auto x = ctx.input<f16>("x", {batch, 64});
  auto w1 = ctx.weight<f16>("w1", {64, 48});
  auto b1 = ctx.weight<f16>("b1", {48});
  auto w2 = ctx.weight<f16>("w2", {48, 10});
  auto b2 = ctx.weight<f16>("b2", {10});
  auto y = ops::mlp<f16, f32>(x, w1, b1, w2, b2);

  auto& s = ctx.schedule(y);
  examples::schedule_dense_layers(s, {"layer1", "layer2"});
  ctx.output("y", y);
}
