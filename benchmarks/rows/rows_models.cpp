// Models for the row-reduction benchmark (benchmarks/web/bench_rows.mjs), every extent bound at
// run time and nothing scheduled by hand: what auto_schedule makes of them is what is measured.
//   rows_softmax    Y = softmax(X) over the last axis of X [M, N]   (rule: row-reduction)
//   rows_layernorm  Y = layer_norm(X, gamma, beta) over rows        (rule: row-reduction)
//   rows_elementwise Y[n] = X[n] * 1.5 + 0.25                       (rule: injective)
//   rows_rowsum     Y[m] = sum_n X[m, n]                            (rule: row-reduction)
//   rows_softmax_sg, rows_layernorm_sg: softmax and layernorm for a target with subgroups
#include <webtx/generator.hpp>
#include <webtx/ops.hpp>

using namespace webtx;

WEBTX_MODEL(rows_softmax, ctx) {
  Var M("M"), N("N");
  ctx.output("Y", ops::softmax(ctx.input<f32>("X", {M, N}), "softmax"));
}

// The same built for a target with subgroups (CMakeLists.txt): the reductions across a row's
// invocations start with subgroup operations.
WEBTX_MODEL(rows_softmax_sg, ctx) {
  Var M("M"), N("N");
  ctx.output("Y", ops::softmax(ctx.input<f32>("X", {M, N}), "softmax"));
}

WEBTX_MODEL(rows_layernorm, ctx) {
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  auto g = ctx.input<f32>("gamma", {N}), b = ctx.input<f32>("beta", {N});
  ctx.output("Y", ops::layer_norm(X, g, b, 1e-5, "layernorm"));
}

WEBTX_MODEL(rows_layernorm_sg, ctx) {
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  auto g = ctx.input<f32>("gamma", {N}), b = ctx.input<f32>("beta", {N});
  ctx.output("Y", ops::layer_norm(X, g, b, 1e-5, "layernorm"));
}

WEBTX_MODEL(rows_elementwise, ctx) {
  Var n("n");
  auto X = ctx.input<f32>("X", {n});
  ctx.output("Y", compute(
                      {n}, [&](Var i) { return X(i) * 1.5f + 0.25f; }, "scale_shift"));
}

WEBTX_MODEL(rows_rowsum, ctx) {
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  RVar k(N, "k");
  ctx.output("Y", compute(
                      {M}, [&](Var i) { return sum(X(i, k), k); }, "rowsum"));
}

// ---- candidates of the row rule (issue 11): the same ops, auto_schedule called by the model
// with the options given as build-time parameters (CMakeLists.txt, one model per set), so one
// benchmark run compares them side by side.
//   row_threads, row_rows, row_unroll, row_cache, row_groups, row_vector: AutoScheduleOptions
//   of the same names (0: the rule's per-call choice); threads, vec: injective_threads,
//   injective_vector.
namespace {
AutoScheduleOptions candidate_options(ModelContext& ctx) {
  AutoScheduleOptions o;
  o.max_invocations = 1024;  // webgpu-large, the candidates' target
  o.row_threads = ctx.param<int64_t>("row_threads", o.row_threads);
  o.row_rows = ctx.param<int64_t>("row_rows", o.row_rows);
  o.row_unroll = ctx.param<int64_t>("row_unroll", o.row_unroll);
  o.row_cache = ctx.param<int64_t>("row_cache", o.row_cache);
  o.row_groups = ctx.param<int64_t>("row_groups", o.row_groups);
  o.row_vector = ctx.param<int64_t>("row_vector", o.row_vector);
  o.injective_threads = ctx.param<int64_t>("threads", o.injective_threads);
  o.injective_vector = ctx.param<int64_t>("vec", o.injective_vector);
  return o;
}

template <typename T>
void output_scheduled(ModelContext& ctx, const T& y) {
  auto& s = ctx.schedule(y);
  auto_schedule(s, candidate_options(ctx));
  ctx.output("Y", y);
}
}  // namespace

WEBTX_MODEL(rows_softmax_cand, ctx) {
  Var M("M"), N("N");
  output_scheduled(ctx, ops::softmax(ctx.input<f32>("X", {M, N}), "softmax"));
}

WEBTX_MODEL(rows_layernorm_cand, ctx) {
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  auto g = ctx.input<f32>("gamma", {N}), b = ctx.input<f32>("beta", {N});
  output_scheduled(ctx, ops::layer_norm(X, g, b, 1e-5, "layernorm"));
}

WEBTX_MODEL(rows_rowsum_cand, ctx) {
  Var M("M"), N("N");
  auto X = ctx.input<f32>("X", {M, N});
  RVar k(N, "k");
  output_scheduled(ctx, compute(
                            {M}, [&](Var i) { return sum(X(i, k), k); }, "rowsum"));
}

WEBTX_MODEL(rows_elementwise_cand, ctx) {
  Var n("n");
  auto X = ctx.input<f32>("X", {n});
  output_scheduled(ctx, compute(
                            {n}, [&](Var i) { return X(i) * 1.5f + 0.25f; }, "scale_shift"));
}

// ---- the same ops with constant shapes (build-time parameters M, N; n for the elementwise
// op): the benchmark's reference for what a symbolic build gives up (issue 11: a gap between
// a symbolic build and the constant one is a bug). CMakeLists.txt builds one model per shape
// in WEBTX_ROW_CONSTANT_SHAPES.
WEBTX_MODEL(rows_softmax_const, ctx) {
  const int64_t M = ctx.param<int64_t>("M", 64), N = ctx.param<int64_t>("N", 1024);
  ctx.output("Y", ops::softmax(ctx.input<f32>("X", {M, N}), "softmax"));
}

WEBTX_MODEL(rows_layernorm_const, ctx) {
  const int64_t M = ctx.param<int64_t>("M", 64), N = ctx.param<int64_t>("N", 1024);
  auto X = ctx.input<f32>("X", {M, N});
  auto g = ctx.input<f32>("gamma", {N}), b = ctx.input<f32>("beta", {N});
  ctx.output("Y", ops::layer_norm(X, g, b, 1e-5, "layernorm"));
}

WEBTX_MODEL(rows_rowsum_const, ctx) {
  const int64_t M = ctx.param<int64_t>("M", 64), N = ctx.param<int64_t>("N", 1024);
  auto X = ctx.input<f32>("X", {M, N});
  RVar k(N, "k");
  ctx.output("Y", compute(
                      {M}, [&](Var i) { return sum(X(i, k), k); }, "rowsum"));
}

WEBTX_MODEL(rows_elementwise_const, ctx) {
  const int64_t n = ctx.param<int64_t>("n", 1024);
  auto X = ctx.input<f32>("X", {n});
  ctx.output("Y", compute(
                      {n}, [&](Var i) { return X(i) * 1.5f + 0.25f; }, "scale_shift"));
}
