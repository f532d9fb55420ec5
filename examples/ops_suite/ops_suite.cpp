// ops_suite: a small network built only from the op library (webtx::ops), to check every op on
// WebGPU (Dawn in Node, headless Chromium), on lavapipe (the shipped model) and against the
// CPU reference: a strided padded conv + batch norm + relu6, a depthwise conv + bias + relu6,
// a 1x1 conv, a grouped dilated conv + gelu, a residual add, then global average pool, flatten,
// dense and softmax. No schedule: every stage gets the default one (lower_model's
// parallelize_unscheduled), as a network does until the graph-level scheduler lands.
#include <webtx/generator.hpp>
#include <webtx/ops.hpp>

using namespace webtx;

WEBTX_MODEL(ops_suite, ctx) {
  Var batch("batch");
  auto x = ctx.input<f32>("x", {batch, 3, 9, 9});
  // stem: 3 -> 8 channels, 3x3, stride 2, padding 1: [batch, 8, 5, 5]
  auto stem = ops::conv2d(x, ctx.weight<f32>("stem.weight", {8, 3, 3, 3}),
                          {.stride = {2, 2}, .padding = {1, 1}}, "stem.conv");
  // The reference fills every input in [-1, 1); a variance must be positive, so the model
  // takes |v| + 0.5 (one small stage outside the op library).
  auto raw_var = ctx.weight<f32>("stem.bn.var", {8});
  auto var = compute(
      {8}, [&](Var c) { return abs(raw_var(c)) + 0.5f; }, "stem.bn.var_pos");
  auto bn = ops::batch_norm(stem, ctx.weight<f32>("stem.bn.weight", {8}),
                            ctx.weight<f32>("stem.bn.bias", {8}),
                            ctx.weight<f32>("stem.bn.mean", {8}), var, 1e-5, "stem.bn");
  auto a0 = ops::relu6(bn, "stem.act");
  // depthwise 3x3 + bias + relu6
  auto dw = ops::conv2d(a0, ctx.weight<f32>("dw.weight", {8, 1, 3, 3}),
                        {.padding = {1, 1}, .groups = 8}, "dw.conv");
  auto a1 = ops::relu6(ops::bias_add(dw, ctx.weight<f32>("dw.bias", {8}), "dw.bias_add"), "dw.act");
  // 1x1 projection 8 -> 4
  auto pw = ops::conv2d(a1, ctx.weight<f32>("pw.weight", {4, 8, 1, 1}), {}, "pw.conv");
  // grouped (2) dilated (2) 3x3 conv 8 -> 4 on the same input, gelu, then the residual add
  auto gd = ops::conv2d(a1, ctx.weight<f32>("gd.weight", {4, 4, 3, 3}),
                        {.padding = {2, 2}, .dilation = {2, 2}, .groups = 2}, "gd.conv");
  auto res = ops::add(pw, ops::gelu(gd, "gd.act"), "res.add");
  auto pooled = ops::global_avg_pool(res, "pool");
  // the head reads the flattened features (4 * 5 * 5 = 100) as well as the pooled ones
  auto flat = ops::flatten(res, "flatten");
  auto logits = ops::dense(flat, ctx.weight<f32>("fc.weight", {6, 100}),
                           ctx.weight<f32>("fc.bias", {6}), "fc");
  auto prob = ops::softmax(logits, "prob");
  ctx.output("prob", prob);
  ctx.output("pooled", pooled);
  ctx.output("features", ops::relu(res, "features.relu"));
}
