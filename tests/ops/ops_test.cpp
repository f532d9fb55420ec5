// The non-conv ops against their loop references (evaluate_graph) and, default-scheduled,
// under run_program: bias_add, batch_norm, the activations, add, global_avg_pool, dense,
// softmax, flatten and reshape, at dividing, non-dividing, size-1 and symbolic shapes; and a
// MobileNetV2-style block chained from them.
#include "ops_util.hpp"

namespace webtx::ops::testing {
namespace {

TEST(BiasAdd, PerChannelAndPerColumn) {
  for (std::vector<int64_t> s : {std::vector<int64_t>{2, 5, 3, 7}, {1, 1, 1, 1}}) {
    auto xv = random(s, 1), bv = random({s[1]}, 2);
    Case k;
    auto x = k.input<f32>("x", {s[0], s[1], s[2], s[3]}, xv);
    auto b = k.input<f32>("b", {s[1]}, bv);
    k.check(bias_add(x, b, "conv.bias").op(), ref::bias_add(xv, bv));
  }
  Var m("m");
  auto xv = random({37, 45}, 3), bv = random({45}, 4);
  Case k;
  k.symbols = {{"m", 37}};
  auto x = k.input<f32>("x", {m, 45}, xv);
  auto b = k.input<f32>("b", {45}, bv);
  k.check(bias_add(x, b, "fc.bias").op(), ref::bias_add(xv, bv));
}

TEST(BatchNorm, Inference) {
  Var n("n");
  auto xv = random({3, 6, 5, 4}, 1), g = random({6}, 2), b = random({6}, 3);
  auto mean = random({6}, 4), var = random({6}, 5, 0.1f, 2.0f);
  Case k;
  auto x = k.input<f32>("x", {n, 6, 5, 4}, xv);
  auto y = batch_norm(x, k.input<f32>("bn.weight", {6}, g), k.input<f32>("bn.bias", {6}, b),
                      k.input<f32>("bn.running_mean", {6}, mean),
                      k.input<f32>("bn.running_var", {6}, var), 1e-3, "bn");
  k.check(y.op(), ref::batch_norm(xv, g, b, mean, var, 1e-3), 1e-5);
}

TEST(Activations, Rank4AndRank2) {
  auto xv = random({2, 3, 5, 7}, 1, -8.0f, 8.0f);  // reaches past relu6's and clip's bounds
  {
    Case k;
    auto x = k.input<f32>("x", {2, 3, 5, 7}, xv);
    k.check(relu(x, "a.relu").op(), ref::relu(xv));
  }
  {
    Case k;
    auto x = k.input<f32>("x", {2, 3, 5, 7}, xv);
    k.check(relu6(x, "a.relu6").op(), ref::relu6(xv));
  }
  {
    Case k;
    auto x = k.input<f32>("x", {2, 3, 5, 7}, xv);
    k.check(clip(x, -1.5, 2.25, "a.clip").op(), ref::clip(xv, -1.5f, 2.25f));
  }
  auto mv = random({5, 33}, 2, -5.0f, 5.0f);
  {
    Case k;
    auto x = k.input<f32>("x", {5, 33}, mv);
    // Lowering replaces erf with a polynomial good to ~1.5e-7 absolute.
    k.check(gelu(x, "a.gelu").op(), ref::gelu(mv), 2e-6);
  }
  {
    Case k;
    auto x = k.input<f32>("x", {5, 33}, mv);
    k.check(relu(x, "m.relu").op(), ref::relu(mv));
  }
}

TEST(Add, Residual) {
  Var n("n");
  auto av = random({2, 4, 3, 5}, 1), bv = random({2, 4, 3, 5}, 2);
  Case k;
  auto a = k.input<f32>("a", {n, 4, 3, 5}, av);
  auto b = k.input<f32>("b", {n, 4, 3, 5}, bv);
  k.check(add(a, b, "block.add").op(), ref::add(av, bv));
}

TEST(GlobalAvgPool, Shapes) {
  for (std::vector<int64_t> s :
       {std::vector<int64_t>{2, 5, 7, 7}, {1, 3, 1, 1}, {2, 3, 1, 5}, {1, 4, 6, 1}}) {
    auto xv = random(s, 1);
    Case k;
    auto x = k.input<f32>("x", {s[0], s[1], s[2], s[3]}, xv);
    auto y = global_avg_pool(x, "pool");
    k.check(y.op(), ref::global_avg_pool(xv));
    size_t want_axes = (s[2] > 1) + (s[3] > 1);
    EXPECT_EQ(reduce_axes(y.op()).size(), want_axes);
  }
  Var n("n"), h("h"), w("w");
  auto xv = random({2, 3, 5, 4}, 2);
  Case k;
  auto x = k.input<f32>("x", {n, 3, h, w}, xv);
  k.check(global_avg_pool(x, "pool").op(), ref::global_avg_pool(xv));
}

TEST(Dense, MatmulPlusBias) {
  Var m("batch");
  struct S {
    int64_t M, K, N;
  };
  for (S s : {S{4, 16, 8}, S{5, 37, 11}, S{3, 1, 7}, S{1, 64, 1}}) {
    auto xv = random({s.M, s.K}, 1), wv = random({s.N, s.K}, 2), bv = random({s.N}, 3);
    Case k;
    auto x = k.input<f32>("x", {m, s.K}, xv);
    // The op named "classifier.1" has stages "classifier.1" and "classifier.1.bias", so the
    // PyTorch parameter names "classifier.1.{weight,bias}" can't be used for the inputs too.
    auto w = k.input<f32>("fc.weight", {s.N, s.K}, wv);
    auto b = k.input<f32>("fc.bias", {s.N}, bv);
    auto y = dense(x, w, b, "classifier.1");
    EXPECT_EQ(y.name(), "classifier.1.bias");
    k.check(y.op(), ref::dense(xv, wv, bv));
  }
}

TEST(Dense, SplitK) {
  // The sum over k as split_k partial sums, then their sum: the same numbers.
  Var m("batch");
  for (int64_t split : {2, 4, 16}) {
    auto xv = random({3, 16}, 4), wv = random({5, 16}, 5), bv = random({5}, 6);
    Case k;
    auto x = k.input<f32>("x", {m, 16}, xv);
    auto y =
        dense(x, k.input<f32>("fc_w", {5, 16}, wv), k.input<f32>("fc_b", {5}, bv), "fc", split);
    k.check(y.op(), ref::dense(xv, wv, bv));
  }
}

TEST(Softmax, StableOverLastAxis) {
  Var m("m");
  for (auto [M, N] : {std::pair<int64_t, int64_t>{4, 10}, {3, 1}, {7, 45}}) {
    auto xv = random({M, N}, 1, -60.0f, 60.0f);  // exp would overflow without the max
    Case k;
    auto x = k.input<f32>("x", {m, N}, xv);
    k.check(softmax(x, "prob").op(), ref::softmax(xv), 1e-5);
  }
}

TEST(Softmax, NanAndInfRows) {
  // docs/numerics.md: a row with a NaN or +Inf, or only -Inf, is NaN; -Inf elements of
  // other rows are 0. Both evaluators (and the default schedule) follow it.
  const float inf = INFINITY, nan = NAN;
  ref::Tensor xv({6, 4});
  xv.data = {1,    2,    nan,  3,    1,   inf, 2, 0, -inf, 1,     2,     -inf,
             -inf, -inf, -inf, -inf, inf, inf, 1, 2, 0.5f, -0.5f, 0.25f, 1};
  Var m("m");
  Case k;
  auto x = k.input<f32>("x", {m, 4}, xv);
  auto want = ref::softmax(xv);
  for (int j = 0; j < 4; ++j) {
    EXPECT_TRUE(std::isnan(want.data[0 * 4 + j]) && std::isnan(want.data[1 * 4 + j]) &&
                std::isnan(want.data[3 * 4 + j]) && std::isnan(want.data[4 * 4 + j]));
  }
  EXPECT_EQ(want.data[2 * 4 + 0], 0.0f);
  k.check(softmax(x, "prob").op(), want, 1e-5);
}

// Rows long enough for the row-reduction rule (symbolic N, or 40 >= 32) and too short for it.
TEST(Softmax, LongRowsSymbolic) {
  Var m("m"), n("n");
  for (auto [M, N] : {std::pair<int64_t, int64_t>{2, 300}, {1, 1}, {3, 64}}) {
    auto xv = random({M, N}, 2, -30.0f, 30.0f);
    Case k;
    auto x = k.input<f32>("x", {m, n}, xv);
    auto y = softmax(x, "prob");
    k.check(y.op(), ref::softmax(xv), 1e-5);
    Schedule s({y.op()});
    EXPECT_EQ(to_string(auto_schedule(s)), "prob <- prob.max, prob.sum (row-reduction)\n");
  }
}

TEST(LayerNorm, OverLastAxis) {
  Var m("m"), n("n");
  for (auto [M, N] : {std::pair<int64_t, int64_t>{3, 100}, {1, 1}, {4, 64}, {2, 7}}) {
    auto xv = random({M, N}, 3, -3.0f, 5.0f), gv = random({N}, 4), bv = random({N}, 5);
    for (bool symbolic : {true, false}) {
      Case k;
      auto x = symbolic ? k.input<f32>("x", {m, n}, xv) : k.input<f32>("x", {M, N}, xv);
      Extent len = symbolic ? Extent(n) : Extent(ir::make_int(N));
      auto y = layer_norm(x, k.input<f32>("ln.weight", {len}, gv),
                          k.input<f32>("ln.bias", {len}, bv), 1e-5, "ln");
      k.check(y.op(), ref::layer_norm(xv, gv, bv, 1e-5), 2e-5);
    }
  }
}

TEST(Reshape, FlattenAndRemaps) {
  Var n("n");
  auto xv = random({2, 3, 4, 5}, 1);
  {
    Case k;
    auto x = k.input<f32>("x", {n, 3, 4, 5}, xv);
    auto y = flatten(x, "flatten");
    EXPECT_EQ(ir::as_const(y.op()->shape[1]), 60);
    k.check(y.op(), ref::flatten(xv));
  }
  {
    Case k;
    auto x = k.input<f32>("x", {2, 3, 4, 5}, xv);
    auto y = reshape(x, {6, 10, 2}, "r3");
    k.check(y.op(), ref::reshape(xv, {6, 10, 2}));
  }
  {
    Case k;
    auto pv = random({2, 7, 1, 1}, 2);
    auto x = k.input<f32>("x", {n, 7, 1, 1}, pv);
    auto y = reshape(x, {n, 7}, "squeeze");
    k.check(y.op(), ref::reshape(pv, {2, 7}));
  }
  {
    Case k;
    auto mv = random({3, 12}, 3);
    auto x = k.input<f32>("x", {n, 12}, mv);
    auto y = reshape(x, {n, 3, 2, 2}, "unflatten");
    k.check(y.op(), ref::reshape(mv, {3, 3, 2, 2}));
  }
}

// A MobileNetV2 inverted residual (expand 1x1, depthwise 3x3, project 1x1, residual) and the
// classifier head, chained: the reference chains the loop references the same way.
TEST(Chain, InvertedResidualAndHead) {
  Var batch("batch");
  const int64_t C = 4, E = 12, H = 7, K = 5;
  ref::Tensor xv = random({2, C, H, H}, 1);
  Case k;
  auto x = k.input<f32>("x", {batch, C, H, H}, xv);
  int seed = 10;
  auto param = [&](const std::string& n, std::vector<int64_t> s, float lo = -1, float hi = 1) {
    auto v = random(s, ++seed, lo, hi);
    return std::pair{v, k.input<f32>(n, {s[0]}, v)};
  };
  auto weight4 = [&](const std::string& n, std::vector<int64_t> s) {
    auto v = random(s, ++seed, -0.5f, 0.5f);
    return std::pair{v, k.input<f32>(n, {s[0], s[1], s[2], s[3]}, v)};
  };
  auto conv_bn = [&](const Tensor<f32, 4>& in, const ref::Tensor& in_ref, const std::string& n,
                     std::vector<int64_t> ws, Conv2dOptions o, bool act) {
    auto [wv, w] = weight4(n + ".0.weight", ws);
    auto [g, gt] = param(n + ".1.weight", {ws[0]});
    auto [b, bt] = param(n + ".1.bias", {ws[0]});
    auto [m, mt] = param(n + ".1.running_mean", {ws[0]});
    auto [v, vt] = param(n + ".1.running_var", {ws[0]}, 0.5f, 1.5f);
    auto y = batch_norm(conv2d(in, w, o, n + ".0"), gt, bt, mt, vt, 1e-5, n + ".1");
    auto r = ref::batch_norm(ref::conv2d(in_ref, wv, {o.stride, o.padding, o.dilation, o.groups}),
                             g, b, m, v, 1e-5);
    if (act) return std::pair{relu6(y, n + ".2"), ref::relu6(r)};
    return std::pair{y, r};
  };
  auto [e, er] = conv_bn(x, xv, "conv.0", {E, C, 1, 1}, {}, true);
  auto [d, dr] = conv_bn(e, er, "conv.1", {E, 1, 3, 3}, {.padding = {1, 1}, .groups = E}, true);
  auto [p, pr] = conv_bn(d, dr, "conv.2", {C, E, 1, 1}, {}, false);
  auto res = add(x, p, "block.add");
  auto wv = random({K, C}, 99);
  auto wt = k.input<f32>("fc.weight", {K, C}, wv);
  auto [bv, bt] = param("fc.bias", {K});
  auto out = softmax(dense(global_avg_pool(res, "pool"), wt, bt, "fc"), "prob");
  auto want = ref::softmax(ref::dense(ref::global_avg_pool(ref::add(xv, pr)), wv, bv));
  k.check(out.op(), want, 1e-5);
}

}  // namespace
}  // namespace webtx::ops::testing
