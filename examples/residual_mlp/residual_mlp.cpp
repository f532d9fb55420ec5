// A residual MLP: four dense+ReLU layers with a skip connection from the first to the fourth,
// then a classifier layer. Its five intermediates have overlapping and disjoint lifetimes, so
// the memory plan (docs/abi.md, "The memory plan") puts them in three buffers: the example
// that runs buffer sharing end to end (WebGPU in Node and Chromium, native Vulkan).
#include <webtx/generator.hpp>

#include "matmul/tiled_matmul.hpp"
#include "ops/mlp.hpp"

using namespace webtx;

WEBTX_MODEL(residual_mlp, ctx) {
  Var batch("batch");
  auto x = ctx.input<f32>("x", {batch, 32});
  auto w1 = ctx.weight<f32>("w1", {32, 64});
  auto b1 = ctx.weight<f32>("b1", {64});
  auto w2 = ctx.weight<f32>("w2", {64, 64});
  auto b2 = ctx.weight<f32>("b2", {64});
  auto w3 = ctx.weight<f32>("w3", {64, 64});
  auto b3 = ctx.weight<f32>("b3", {64});
  auto w4 = ctx.weight<f32>("w4", {64, 64});
  auto b4 = ctx.weight<f32>("b4", {64});
  auto w5 = ctx.weight<f32>("w5", {64, 10});
  auto b5 = ctx.weight<f32>("b5", {10});

  auto h1 = ops::dense_relu(x, w1, b1, "layer1");
  auto h2 = ops::dense_relu(h1, w2, b2, "layer2");
  auto h3 = ops::dense_relu(h2, w3, b3, "layer3");
  auto h4 = ops::dense_relu(h3, w4, b4, "layer4");
  auto [M, N] = h4.shape();
  auto r = compute(
      {M, N}, [&](Var i, Var j) { return h1(i, j) + h4(i, j); }, "skip");
  auto y = ops::dense_relu(r, w5, b5, "layer5");

  auto& s = ctx.schedule(y);
  examples::schedule_dense_layers(s, {"layer1", "layer2", "layer3", "layer4", "layer5"});
  auto& add = s[r];
  auto [jo, ji] = add.split(add.axis(1), 64);
  add.bind(ji, ir::ThreadAxis::LocalId, 0)
      .bind(jo, ir::ThreadAxis::WorkgroupId, 0)
      .bind(add.axis(0), ir::ThreadAxis::WorkgroupId, 1);
  ctx.output("y", y);
}
