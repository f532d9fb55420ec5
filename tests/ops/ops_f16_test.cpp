// f16 as a compute type (target webgpu-large-f16 + subgroups, what lavapipe offers): the ops,
// every math call, casts and mixed precision (f16 inputs, f32 accumulation), lowered, compiled
// to SPIR-V and run on lavapipe against evaluate_graph (which rounds to half after every
// operation, docs/numerics.md), and evaluate_graph against the f32 loop references. Every
// kernel's WGSL is written to WEBTX_WGSL_DIR for Dawn's null backend (ops.f16_wgsl_dawn_null).
#include <filesystem>
#include <fstream>

#include "ops_util.hpp"
#include "vk_test_util.hpp"
#include "webtx/codegen/wgsl.hpp"

namespace webtx::ops::testing {
namespace {

namespace st = webtx::spirv_test;

// Writes <WEBTX_WGSL_DIR>/<tag>_<i>_<kernel>.wgsl for every kernel of `p`.
void write_wgsl(const ir::Program& p, const std::string& tag, const Target& target) {
  std::filesystem::create_directories(WEBTX_WGSL_DIR);
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    std::ofstream(std::string(WEBTX_WGSL_DIR) + "/" + tag + "_" + std::to_string(i) + "_" +
                  p.kernels[i].name + ".wgsl")
        << codegen::emit_wgsl(p.kernels[i], target);
  }
}

// Lavapipe vs evaluate_graph for the default and the auto schedule; returns evaluate_graph's.
eval::HostTensor run_both(const Case& k, const ir::Operation& out, const std::string& tag,
                          double tol) {
  if (!st::device().info().shader_float16 || !st::device().info().storage_buffer_16bit)
    ADD_FAILURE() << "lavapipe offers shaderFloat16 and 16-bit storage; this device does not";
  auto graph = eval::evaluate_graph({out}, k.values, k.symbols).at(out->name);
  const Target target = st::test_target();
  int variant = 0;
  for (const ir::Program& p : {k.lower_default(out, target), k.lower_auto(out, target)}) {
    const std::string t = tag + (variant++ ? "_auto" : "_default");
    bool f16 = false;
    for (auto& kern : p.kernels) f16 = f16 || kern.uses_f16;
    EXPECT_TRUE(f16) << t << ": no kernel uses f16";
    write_wgsl(p, t, target);
    eval::TensorMap tensors = k.values;
    st::rt::RunOptions o;
    o.symbols = k.symbols;
    st::run(p, t, tensors, o);
    EXPECT_EQ(tensors.at(out->name).dtype, out->type) << t;
    expect_close(tensors.at(out->name), from_host(graph), t + " (lavapipe vs evaluate_graph)", tol);
  }
  return graph;
}

// Values exactly representable in f16 whose products and sums stay exact in f32: k/8.
ref::Tensor eighths(std::vector<int64_t> shape, unsigned seed) {
  ref::Tensor t(std::move(shape));
  std::mt19937 g(seed);
  std::uniform_int_distribution<int> d(-16, 16);
  for (auto& v : t.data) v = static_cast<float>(d(g)) / 8.0f;
  return t;
}

ref::Tensor matmul_ref(const ref::Tensor& a, const ref::Tensor& b) {
  const int64_t M = a.dim(0), K = a.dim(1), N = b.dim(1);
  ref::Tensor y({M, N});
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t q = 0; q < K; ++q) acc += double{a.data[i * K + q]} * b.data[q * N + j];
      y.data[i * N + j] = static_cast<float>(acc);
    }
  return y;
}

TEST(OpsF16, MixedPrecisionMatmulIsExact) {
  // sum(cast<f32>(a) * cast<f32>(b)): f16 inputs, f32 products and accumulator. On k/8 inputs
  // every product and partial sum is exact in f32, so all engines agree with the loop exactly.
  auto av = eighths({13, 40}, 1), bv = eighths({40, 9}, 2);
  Var m("m");
  Case k;
  auto a = k.input<f16>("a", {m, 40}, av);
  auto b = k.input<f16>("b", {40, 9}, bv);
  RVar r(40, "rk");
  auto y = compute(
      {m, 9}, [&](Var i, Var j) { return sum(cast<f32>(a(i, r)) * cast<f32>(b(r, j)), r); },
      "mixed");
  auto want = matmul_ref(av, bv);
  auto graph = run_both(k, y.op(), "f16_mixed", 0.0);
  expect_close(graph, want, "mixed (evaluate_graph vs loop)", 0.0);
  // The same rounded to f16 once, in a stage of its own (the reduction is its stage's body).
  Case k2 = k;
  auto y16 = compute(
      {m, 9}, [&](Var i, Var j) { return cast<f16>(y(i, j)); }, "mixed_out16");
  ref::Tensor want16 = want;
  for (auto& v : want16.data) v = round_half(v);
  expect_close(run_both(k2, y16.op(), "f16_mixed_out16", 0.0), want16, "mixed_out16", 0.0);
}

TEST(OpsF16, DenseWithF16Accumulator) {
  // Everything in f16: products and the running sum rounded to half. The CPU reference does
  // the same, so lavapipe agrees within a few half ulps of the sum's size; against the f32
  // loop the accumulator's rounding shows (64 terms of |x| <= 1: |error| <= ~0.03).
  Var batch("batch");
  auto xv = random({5, 64}, 3), wv = random({12, 64}, 4), bv = random({12}, 5);
  Case k;
  auto x = k.input<f16>("x", {batch, 64}, xv);
  auto w = k.input<f16>("fc.weight", {12, 64}, wv);
  auto b = k.input<f16>("fc.bias", {12}, bv);
  auto y = relu(dense(x, w, b, "fc"), "fc.act");
  auto graph = run_both(k, y.op(), "f16_dense", 1e-2);
  expect_close(graph, ref::relu(ref::dense(xv, wv, bv)), "dense f16 vs f32 loop", 3e-2);
}

TEST(OpsF16, DenseMixedPrecision) {
  // dense<f16, f32>: f16 in and out, products, sum and bias in f32, one rounding at the end.
  // Against the f64 loop over the same (half-rounded) values only that rounding remains:
  // within half an f16 ulp, 2^-11 (1 + |y|), where an f16 accumulator is ~10x further off.
  Var batch("batch");
  auto xv = random({5, 64}, 3), wv = random({12, 64}, 4), bv = random({12}, 5);
  for (auto* t : {&xv, &wv, &bv})
    for (auto& v : t->data) v = round_half(v);
  Case k;
  auto x = k.input<f16>("x", {batch, 64}, xv);
  auto w = k.input<f16>("fc.w", {12, 64}, wv);
  auto b = k.input<f16>("fc.b", {12}, bv);
  auto y = dense<f16, f32>(x, w, b, "fc");
  EXPECT_EQ(y.op()->type, ir::DType::f16());
  auto graph = run_both(k, y.op(), "f16_dense_mixed", 1e-3);
  expect_close(graph, ref::dense(xv, wv, bv), "dense<f16, f32> vs f64 loop", 1.0 / 2048);
  Case k2 = k;
  auto split = dense<f16, f32>(x, w, b, "fc", /*split_k=*/4);
  expect_close(run_both(k2, split.op(), "f16_dense_mixed_split", 1e-3), ref::dense(xv, wv, bv),
               "dense<f16, f32> split_k 4 vs f64 loop", 1.0 / 2048);
}

TEST(OpsF16, Conv2dMixedPrecision) {
  // conv2d<f16, f32>: the sum in f32 ("<name>.acc"), rounded to f16 once ("<name>"): within
  // half an f16 ulp of the f64 loop over the same half-rounded values. A 1x1 conv (MobileNetV2's
  // pointwise layers), the same with split_k, and a padded strided 3x3 conv.
  auto half = [](ref::Tensor t) {
    for (auto& v : t.data) v = round_half(v);
    return t;
  };
  auto xv = half(random({2, 16, 5, 5}, 20)), pv = half(random({8, 16, 1, 1}, 21));
  auto wv = half(random({6, 16, 3, 3}, 22, -0.5f, 0.5f));
  const double tol = 1.0 / 2048;
  {
    Case k;
    auto x = k.input<f16>("x", {2, 16, 5, 5}, xv);
    auto y = conv2d<f16, f32>(x, k.input<f16>("pw.w", {8, 16, 1, 1}, pv), {}, "pw");
    EXPECT_EQ(y.op()->type, ir::DType::f16());
    expect_close(run_both(k, y.op(), "f16_conv_pw", 1e-3), ref::conv2d(xv, pv), "pw", tol);
  }
  {
    Case k;
    auto x = k.input<f16>("x", {2, 16, 5, 5}, xv);
    auto y = conv2d<f16, f32>(x, k.input<f16>("pw.w", {8, 16, 1, 1}, pv), {.split_k = 4}, "pw");
    expect_close(run_both(k, y.op(), "f16_conv_pw_split", 1e-3), ref::conv2d(xv, pv), "split", tol);
  }
  {
    Case k;
    auto x = k.input<f16>("x", {2, 16, 5, 5}, xv);
    auto y = conv2d<f16, f32>(x, k.input<f16>("conv.w", {6, 16, 3, 3}, wv),
                              {.stride = {2, 2}, .padding = {1, 1}}, "conv");
    expect_close(run_both(k, y.op(), "f16_conv_3x3", 1e-3),
                 ref::conv2d(xv, wv, {{2, 2}, {1, 1}, {1, 1}, 1}), "3x3", tol);
  }
}

TEST(OpsF16, ConvBatchNormPoolSoftmax) {
  auto xv = random({2, 4, 7, 7}, 6), wv = random({6, 4, 3, 3}, 7, -0.5f, 0.5f);
  auto g = random({6}, 8), be = random({6}, 9), mu = random({6}, 10);
  auto var = random({6}, 11, 0.5f, 1.5f), fw = random({5, 6}, 12), fb = random({5}, 13);
  Case k;
  auto x = k.input<f16>("x", {2, 4, 7, 7}, xv);
  auto w = k.input<f16>("conv.weight", {6, 4, 3, 3}, wv);
  auto bn = batch_norm(conv2d(x, w, {.padding = {1, 1}}, "conv"), k.input<f16>("g", {6}, g),
                       k.input<f16>("b", {6}, be), k.input<f16>("m", {6}, mu),
                       k.input<f16>("v", {6}, var), 1e-5, "bn");
  auto pooled = global_avg_pool(relu6(bn, "act"), "pool");
  auto y = softmax(
      dense(pooled, k.input<f16>("fc.w", {5, 6}, fw), k.input<f16>("fc.b", {5}, fb), "fc"), "prob");
  auto want = ref::softmax(
      ref::dense(ref::global_avg_pool(ref::relu6(ref::batch_norm(
                     ref::conv2d(xv, wv, {{1, 1}, {1, 1}, {1, 1}, 1}), g, be, mu, var, 1e-5))),
                 fw, fb));
  auto graph = run_both(k, y.op(), "f16_cnn", 1e-2);
  expect_close(graph, want, "cnn f16 vs f32 loop", 2e-2);
}

TEST(OpsF16, LayerNormAndGelu) {
  Var m("m");
  auto xv = random({3, 40}, 14), g = random({40}, 15), b = random({40}, 16);
  Case k;
  auto x = k.input<f16>("x", {m, 40}, xv);
  auto y = gelu(layer_norm(x, k.input<f16>("g", {40}, g), k.input<f16>("b", {40}, b), 1e-5, "ln"),
                "act");
  auto graph = run_both(k, y.op(), "f16_ln", 1e-2);
  expect_close(graph, ref::gelu(ref::layer_norm(xv, g, b, 1e-5)), "ln f16 vs f32 loop", 2e-2);
}

// One stage applying `fn` to f16 x, on lavapipe against evaluate_graph (the CPU's std::
// function rounded to half) within the drivers' f16 accuracy.
template <typename Fn>
void check_math(const std::string& name, Fn fn, float lo, float hi) {
  SCOPED_TRACE(name);
  Var n("n");
  auto xv = random({61}, 17, lo, hi);
  Case k;
  auto x = k.input<f16>("x", {n}, xv);
  auto y = compute(
      {n}, [&](Var i) { return fn(x(i)); }, "f16_" + name);
  run_both(k, y.op(), "f16_math_" + name, 4e-3);
}

TEST(OpsF16, EveryMathCall) {
  check_math(
      "exp", [](auto v) { return exp(v); }, -4, 4);
  check_math(
      "log", [](auto v) { return log(v); }, 0.05f, 20);
  check_math(
      "sqrt", [](auto v) { return sqrt(v); }, 0, 30);
  check_math(
      "rsqrt", [](auto v) { return rsqrt(v); }, 0.1f, 30);
  check_math(
      "tanh", [](auto v) { return tanh(v); }, -4, 4);
  check_math(
      "erf", [](auto v) { return erf(v); }, -3, 3);
  check_math(
      "floor", [](auto v) { return floor(v); }, -9, 9);
  check_math(
      "ceil", [](auto v) { return ceil(v); }, -9, 9);
  check_math(
      "sin", [](auto v) { return sin(v); }, -3, 3);
  check_math(
      "cos", [](auto v) { return cos(v); }, -3, 3);
  check_math(
      "sigmoid", [](auto v) { return sigmoid(v); }, -8, 8);
  check_math(
      "abs", [](auto v) { return abs(v); }, -8, 8);
  check_math(
      "pow", [](auto v) { return pow(v, constant<f16>(1.5)); }, 0.1f, 6);
  check_math(
      "arith", [](auto v) { return (v * v - v / constant<f16>(3) + 1.0f) * 0.5f; }, -6, 6);
  check_math(
      "minmax", [](auto v) { return min(max(v, constant<f16>(-1)), constant<f16>(2)); }, -4, 4);
  check_math(
      "select", [](auto v) { return select(v > 0.5f, v, -v); }, -2, 2);
}

TEST(OpsF16, Casts) {
  // f16 -> f32 is exact; f32 -> f16 rounds to nearest even; f16 <-> i32 truncate.
  Var n("n");
  auto xv = random({50}, 18, -100, 100);
  Case k;
  auto x = k.input<f32>("x", {n}, xv);
  auto h = compute(
      {n}, [&](Var i) { return cast<f16>(x(i)); }, "to_f16");
  auto y = compute(
      {n},
      [&](Var i) {
        return cast<f32>(h(i)) + cast<f32>(cast<i32>(h(i))) * 1000.0f +
               cast<f32>(cast<f16>(cast<i32>(x(i)))) * 1e6f;
      },
      "from_f16");
  ref::Tensor want({50});
  for (int i = 0; i < 50; ++i) {
    float r = round_half(xv.data[i]);
    want.data[i] = r + static_cast<float>(static_cast<int>(r)) * 1000.0f +
                   round_half(static_cast<float>(static_cast<int>(xv.data[i]))) * 1e6f;
  }
  expect_close(run_both(k, y.op(), "f16_casts", 0.0), want, "casts vs loop", 1e-7);
}

}  // namespace
}  // namespace webtx::ops::testing
