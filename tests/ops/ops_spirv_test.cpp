// Op graphs default-scheduled, lowered, compiled to SPIR-V and run on lavapipe (the native
// Vulkan runtime), compared with evaluate_graph and the loop references: a padded strided conv,
// a depthwise conv, a 1x1 conv, pool + dense, softmax and an inverted-residual block.
#include "ops_util.hpp"
#include "vk_test_util.hpp"

namespace webtx::ops::testing {
namespace {

namespace st = webtx::spirv_test;

void check_on_vulkan(const Case& k, const ir::Operation& out, const ref::Tensor& want,
                     const std::string& tag, double tol = 1e-5) {
  auto graph = eval::evaluate_graph({out}, k.values, k.symbols).at(out->name);
  expect_close(graph, want, tag + " (evaluate_graph vs loop reference)", tol);
  ir::Program p = k.lower_default(out, st::test_target());
  eval::TensorMap t = k.values;
  st::rt::RunOptions o;
  o.symbols = k.symbols;
  st::run(p, tag, t, o);
  expect_close(t.at(out->name), from_host(graph), tag + " (lavapipe vs evaluate_graph)", tol);
}

TEST(OpsOnVulkan, Conv2dStridePad) {
  Var batch("batch");
  auto xv = random({2, 3, 13, 11}, 1), wv = random({5, 3, 3, 3}, 2);
  Case k;
  auto x = k.input<f32>("x", {batch, 3, 13, 11}, xv);
  auto w = k.input<f32>("features.0.0.weight", {5, 3, 3, 3}, wv);
  auto y = conv2d(x, w, {.stride = {2, 2}, .padding = {1, 1}}, "features.0.0");
  check_on_vulkan(k, y.op(), ref::conv2d(xv, wv, {{2, 2}, {1, 1}, {1, 1}, 1}), "ops_conv_s2p1");
}

TEST(OpsOnVulkan, DepthwiseDilatedAndPointwise) {
  auto xv = random({1, 6, 9, 9}, 3), dv = random({6, 1, 3, 3}, 4), pv = random({4, 6, 1, 1}, 5);
  {
    Case k;
    auto x = k.input<f32>("x", {1, 6, 9, 9}, xv);
    auto d = k.input<f32>("dw.weight", {6, 1, 3, 3}, dv);
    auto y = conv2d(x, d, {.padding = {2, 2}, .dilation = {2, 2}, .groups = 6}, "dw");
    check_on_vulkan(k, y.op(), ref::conv2d(xv, dv, {{1, 1}, {2, 2}, {2, 2}, 6}), "ops_dw");
  }
  {
    Case k;
    auto x = k.input<f32>("x", {1, 6, 9, 9}, xv);
    auto p = k.input<f32>("pw.weight", {4, 6, 1, 1}, pv);
    auto y = relu6(conv2d(x, p, {}, "pw"), "pw.act");
    check_on_vulkan(k, y.op(), ref::relu6(ref::conv2d(xv, pv)), "ops_pw");
  }
}

TEST(OpsOnVulkan, PoolDenseSoftmax) {
  Var batch("batch");
  auto xv = random({3, 8, 5, 5}, 6), wv = random({10, 8}, 7), bv = random({10}, 8);
  Case k;
  auto x = k.input<f32>("x", {batch, 8, 5, 5}, xv);
  auto w = k.input<f32>("fc.weight", {10, 8}, wv);
  auto b = k.input<f32>("fc.bias", {10}, bv);
  auto y = softmax(dense(global_avg_pool(x, "pool"), w, b, "classifier.1"), "prob");
  check_on_vulkan(k, y.op(), ref::softmax(ref::dense(ref::global_avg_pool(xv), wv, bv)),
                  "ops_head");
}

TEST(OpsOnVulkan, SoftmaxNanAndInfRows) {
  // docs/numerics.md: the same NaN rows as the CPU (and Dawn/SwiftShader, whose exp(NaN) is
  // +Inf: robust.softmax_nan_inf_node), whatever lavapipe's max() does with NaN.
  const float inf = INFINITY, nan = NAN;
  ref::Tensor xv({7, 4});
  xv.data = {1,    2,    nan, 3,   1, inf, 2,   0,   -inf, 1,   2,    -inf,  -inf,  -inf,
             -inf, -inf, inf, inf, 1, 2,   nan, nan, nan,  nan, 0.5f, -0.5f, 0.25f, 1};
  Var m("m");
  Case k;
  auto x = k.input<f32>("x", {m, 4}, xv);
  check_on_vulkan(k, softmax(x, "prob").op(), ref::softmax(xv), "ops_softmax_nan");
}

TEST(OpsOnVulkan, BlockWithBatchNormGeluAdd) {
  auto xv = random({2, 4, 6, 6}, 9), wv = random({4, 4, 3, 3}, 10, -0.5f, 0.5f);
  auto g = random({4}, 11), b = random({4}, 12), m = random({4}, 13);
  auto v = random({4}, 14, 0.5f, 1.5f);
  Case k;
  auto x = k.input<f32>("x", {2, 4, 6, 6}, xv);
  auto w = k.input<f32>("conv.weight", {4, 4, 3, 3}, wv);
  auto bn = batch_norm(conv2d(x, w, {.padding = {1, 1}}, "conv"), k.input<f32>("g", {4}, g),
                       k.input<f32>("b", {4}, b), k.input<f32>("m", {4}, m),
                       k.input<f32>("v", {4}, v), 1e-5, "bn");
  auto y = flatten(add(gelu(bn, "act"), x, "residual"), "flat");
  auto want = ref::flatten(
      ref::add(ref::gelu(ref::batch_norm(ref::conv2d(xv, wv, {{1, 1}, {1, 1}, {1, 1}, 1}), g, b, m,
                                         v, 1e-5)),
               xv));
  check_on_vulkan(k, y.op(), want, "ops_block", 2e-5);
}

}  // namespace
}  // namespace webtx::ops::testing
