// demo: the model `scripts/webtx demo` runs in headless Chromium. Two independent graphs in
// one module: a tiled matmul C = A B (all extents bound at run time) and the two-layer MLP
// y = relu(relu(x W1 + b1) W2 + b2) over a run-time batch, both on the tiled schedule.
#include <webtx/generator.hpp>

#include "matmul/tiled_matmul.hpp"
#include "ops/matmul.hpp"
#include "ops/mlp.hpp"

using namespace webtx;

WEBTX_MODEL(demo, ctx) {
  Var M("M"), N("N"), K("K"), batch("batch");
  auto A = ctx.input<f32>("A", {M, K});
  auto B = ctx.input<f32>("B", {K, N});
  auto C = ops::matmul(A, B);
  auto x = ctx.input<f32>("x", {batch, 64});
  auto y = ops::mlp(x, ctx.weight<f32>("w1", {64, 48}), ctx.weight<f32>("b1", {48}),
                    ctx.weight<f32>("w2", {48, 10}), ctx.weight<f32>("b2", {10}));

  auto& s = ctx.schedule(C, y);
  auto& acc = s.cache_write(C.op(), ir::MemScope::Private);
  examples::schedule_tiled_matmul(s, s[C.op()], acc, A.op(), B.op());
  examples::schedule_dense_layers(s, {"layer1", "layer2"});
  ctx.output("C", C);
  ctx.output("y", y);
}
