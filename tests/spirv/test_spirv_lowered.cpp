// The example ops through schedule -> lower() -> SPIR-V -> lavapipe, compared with the CPU
// reference evaluator on the unscheduled graph (evaluate_graph), for shapes that divide the
// tiles and shapes that don't, with symbolic extents bound at run time.
// eval/lower first: their unqualified `Var` (ir::Variable) is ambiguous once the DSL's webtx::Var
// is declared.
// clang-format off
#include "tests/lower/test_util.hpp"
#include "webtx/eval.hpp"
#include "webtx/lower.hpp"
#include <examples/ops/conv2d.hpp>
#include <examples/ops/matmul.hpp>
#include <examples/ops/mlp.hpp>
#include <examples/ops/softmax.hpp>
#include <examples/ops/vector_add.hpp>
// clang-format on
#include <array>
#include <random>

#include "vk_test_util.hpp"

namespace webtx::spirv_test {
namespace {

using ir::ThreadAxis;

using webtx::testing::random_tensor;  // tests/lower/test_util.hpp

// Lowers, runs on Vulkan and compares every output with evaluate_graph.
void check_on_vulkan(const Schedule& s, const std::string& tag,
                     const std::vector<ir::Operation>& inputs,
                     const std::vector<ir::Operation>& outputs, const eval::TensorMap& values,
                     const eval::SymbolMap& syms = {}, double tol = 1e-5,
                     const Target& target = {}) {
  LowerOptions lo;
  lo.target = target;
  ir::Program p = lower(s, tag, inputs, outputs, lo);
  eval::TensorMap t = values;
  rt::RunOptions o;
  o.symbols = syms;
  run(p, tag, t, o);
  auto want = eval::evaluate_graph(outputs, values, syms);
  for (auto& out : outputs) {
    const auto& got = t.at(out->name);
    const auto& ref = want.at(out->name);
    ASSERT_EQ(got.shape, ref.shape) << tag << " " << out->name;
    int bad = 0;
    for (int64_t i = 0; i < got.size(); ++i) {
      double g = got.get_f(i), w = ref.get_f(i);
      if (!(std::abs(g - w) <= tol * (1 + std::abs(w))) && ++bad <= 5) {
        ADD_FAILURE() << tag << " " << out->name << "[" << i << "]: got " << g << ", want " << w;
      }
    }
    EXPECT_EQ(bad, 0) << tag << ": " << bad << " of " << got.size() << " differ";
  }
}

TEST(SpirvLowered, VectorAddSplitBindSymbolic) {
  Var n("n");
  auto a = placeholder<f32>("a", {n}), b = placeholder<f32>("b", {n});
  auto c = ops::vector_add(a, b);
  auto s = create_schedule({c.op()});
  auto [xo, xi] = s[c.op()].split(s[c.op()].axis(0), 64);
  s[c.op()].bind(xo, ThreadAxis::WorkgroupId, 0).bind(xi, ThreadAxis::LocalId, 0);
  for (int64_t len : {1, 64, 100}) {
    check_on_vulkan(s, "lowered_vector_add", {a.op(), b.op()}, {c.op()},
                    {{"a", random_tensor({len}, 1)}, {"b", random_tensor({len}, 2)}});
  }
}

TEST(SpirvLowered, MatmulTileBindUnrolledReduction) {
  Var M("M"), K("K"), N("N");
  auto A = placeholder<f32>("A", {M, K}), B = placeholder<f32>("B", {K, N});
  auto C = ops::matmul(A, B);
  auto s = create_schedule({C.op()});
  auto& st = s[C.op()];
  auto t = st.tile(st.axis(0), st.axis(1), 8, 8);
  auto [ko, ki] = st.split(st.reduce_axis(0), 4);
  st.reorder({t.xo, t.yo, t.xi, t.yi, ko, ki});
  st.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  st.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  st.unroll(ki);
  for (auto [m, k, nn] : std::vector<std::array<int64_t, 3>>{{16, 16, 16}, {13, 7, 21}}) {
    check_on_vulkan(s, "lowered_matmul", {A.op(), B.op()}, {C.op()},
                    {{"A", random_tensor({m, k}, 3)}, {"B", random_tensor({k, nn}, 4)}}, {}, 1e-4);
  }
}

// Workgroup-cached tiles (cache_read + compute_at), fetched cooperatively, with barriers.
TEST(SpirvLowered, MatmulWorkgroupCached) {
  Var M("M"), K("K"), N("N");
  auto A = placeholder<f32>("A", {M, K}), B = placeholder<f32>("B", {K, N});
  auto C = ops::matmul(A, B);
  auto s = create_schedule({C.op()});
  webtx::testing::schedule_shared_matmul(s, A.op(), B.op(), C.op());
  for (auto [m, k, nn] : std::vector<std::array<int64_t, 3>>{{16, 8, 16}, {13, 11, 19}}) {
    check_on_vulkan(s, "lowered_matmul_wg", {A.op(), B.op()}, {C.op()},
                    {{"A", random_tensor({m, k}, 15)}, {"B", random_tensor({k, nn}, 16)}}, {},
                    1e-4);
  }
}

// Register blocking: a 2x2 private accumulator per invocation (cache_write), A/B tiles in
// workgroup memory inside its K loop.
TEST(SpirvLowered, MatmulRegisterBlocked) {
  for (auto [m, k, nn] : std::vector<std::array<int64_t, 3>>{{16, 8, 16}, {15, 7, 10}}) {
    auto A = placeholder<f32>("A", {m, k}), B = placeholder<f32>("B", {k, nn});
    auto C = ops::matmul(A, B);
    auto s = create_schedule({C.op()});
    auto& cl = s.cache_write(C.op(), ir::MemScope::Private);
    auto& st = s[C.op()];
    cl.compute_at(st, testing::register_blocks(st).jt);
    auto [ko, ki] = cl.split(cl.reduce_axis(0), 4);
    cl.reorder({ko, ki, cl.axis(0), cl.axis(1)});
    cl.unroll(cl.axis(0)).unroll(cl.axis(1));
    auto& aa = s.cache_read(A.op(), ir::MemScope::Workgroup, {cl.op()});
    auto& bb = s.cache_read(B.op(), ir::MemScope::Workgroup, {cl.op()});
    for (Stage* c : {&aa, &bb}) {
      c->compute_at(cl, ko);
      auto f = c->fuse(c->axis(0), c->axis(1));
      auto [fo, fi] = c->split(f, 4);
      auto [foo, foi] = c->split(fo, 4);
      c->bind(fi, ThreadAxis::LocalId, 0).bind(foi, ThreadAxis::LocalId, 1);
    }
    check_on_vulkan(s, "lowered_matmul_regblock", {A.op(), B.op()}, {C.op()},
                    {{"A", random_tensor({m, k}, 17)}, {"B", random_tensor({k, nn}, 18)}}, {},
                    1e-4);
  }
}

TEST(SpirvLowered, VectorizedAndUnrolledInnerAxes) {
  // Rows symbolic (bound to workgroups); columns constant (bound to invocations): the
  // workgroup size must be a constant.
  for (int64_t cols : {8, 7}) {
    Var M("M");
    auto A = placeholder<f32>("A", {M, cols}), B = placeholder<f32>("B", {M, cols});
    auto C = compute(
        {Extent(M), Extent(cols)}, [&](Var i, Var j) { return A(i, j) * B(i, j) + A(i, j); },
        "fma");
    auto s = create_schedule({C.op()});
    auto& st = s[C.op()];
    auto [jo, ji] = st.split(st.axis(1), 4);
    auto [io, ii] = st.split(st.axis(0), 2);
    st.reorder({io, jo, ii, ji});
    st.bind(io, ThreadAxis::WorkgroupId, 0).bind(jo, ThreadAxis::LocalId, 0);
    st.unroll(ii).vectorize(ji);
    for (int64_t rows : {6, 5}) {
      check_on_vulkan(
          s, "lowered_vec_unroll", {A.op(), B.op()}, {C.op()},
          {{"A", random_tensor({rows, cols}, 5)}, {"B", random_tensor({rows, cols}, 6)}});
    }
  }
}

// Multi-kernel ops with intermediates, default (serial) schedules except a bound output.
TEST(SpirvLowered, SoftmaxMlpConv2d) {
  {
    Var M("M"), N("N");
    auto X = placeholder<f32>("X", {M, N});
    auto Y = ops::softmax(X);
    auto s = create_schedule({Y.op()});
    auto [o, i] = s[Y.op()].split(s[Y.op()].axis(0), 4);
    s[Y.op()].bind(o, ThreadAxis::WorkgroupId, 0).bind(i, ThreadAxis::LocalId, 0);
    check_on_vulkan(s, "lowered_softmax", {X.op()}, {Y.op()}, {{"X", random_tensor({5, 9}, 7)}});
  }
  {
    Var batch("batch");
    auto x = placeholder<f32>("x", {batch, 12});
    auto w1 = placeholder<f32>("w1", {12, 8}), w2 = placeholder<f32>("w2", {8, 3});
    auto b1 = placeholder<f32>("b1", {8}), b2 = placeholder<f32>("b2", {3});
    auto y = ops::mlp(x, w1, b1, w2, b2);
    auto s = create_schedule({y.op()});
    check_on_vulkan(s, "lowered_mlp", {x.op(), w1.op(), b1.op(), w2.op(), b2.op()}, {y.op()},
                    {{"x", random_tensor({3, 12}, 8)},
                     {"w1", random_tensor({12, 8}, 9)},
                     {"b1", random_tensor({8}, 10)},
                     {"w2", random_tensor({8, 3}, 11)},
                     {"b2", random_tensor({3}, 12)}},
                    {}, 1e-4);
  }
  {
    auto X = placeholder<f32>("X", {1, 2, 6, 5});
    auto W = placeholder<f32>("W", {3, 2, 3, 3});
    auto Y = ops::conv2d_3x3(X, W);
    auto s = create_schedule({Y.op()});
    check_on_vulkan(
        s, "lowered_conv2d", {X.op(), W.op()}, {Y.op()},
        {{"X", random_tensor({1, 2, 6, 5}, 13)}, {"W", random_tensor({3, 2, 3, 3}, 14)}}, {}, 1e-4);
  }
}

// Reductions across invocations (a reduction axis bound to local_id): the workgroup-memory tree
// with its barriers on a real driver, at dividing, non-dividing, size-1 and symbolic shapes.
// auto_schedule's specializations on Vulkan: the GEMV versions of a symbolic-M matmul (M <= 1,
// M <= 64; the general rule past that), and an elementwise op whose grid needs a second
// dimension (1 invocation per workgroup, so 70001 elements pass 65535 workgroups).
TEST(SpirvLowered, AutoScheduleSpecializations) {
  Var M("M"), N("N"), K("K");
  auto A = placeholder<f32>("A", {M, K});
  auto B = placeholder<f32>("B", {K, N});
  auto C = ops::matmul(A, B);
  auto s = create_schedule({C.op()});
  auto_schedule(s);
  for (auto [m, n, k] : {std::array<int64_t, 3>{1, 64, 256}, {5, 33, 129}, {70, 8, 3}})
    check_on_vulkan(s, "lowered_auto_gemv", {A.op(), B.op()}, {C.op()},
                    {{"A", random_tensor({m, k}, 21)}, {"B", random_tensor({k, n}, 22)}});

  Var L("L");
  auto X = placeholder<f32>("X", {L});
  auto Y = compute(
      {L}, [&](Var i) { return max(X(i), 0.0f); }, "relu");
  auto s2 = create_schedule({Y.op()});
  auto_schedule(s2, {.injective_threads = 1});
  for (int64_t len : {100, 70001})
    check_on_vulkan(s2, "lowered_auto_wide", {X.op()}, {Y.op()}, {{"X", random_tensor({len}, 23)}});
}

TEST(SpirvLowered, SoftmaxRowPerWorkgroupCrossInvocation) {
  Var M("M"), N("N");
  auto X = placeholder<f32>("X", {M, N});
  auto Y = ops::softmax(X);
  auto s = create_schedule({Y.op()});
  auto& o = s[Y.op()];
  auto [jo, ji] = o.split(o.axis(1), 32);
  o.bind(o.axis(0), ThreadAxis::WorkgroupId, 0).bind(ji, ThreadAxis::LocalId, 0);
  for (auto& st : s.stages()) {
    if (st->name() == "softmax_exp") st->compute_inline();
    if (st->name() != "softmax_max" && st->name() != "softmax_sum") continue;
    // The max in workgroup memory, the sum in each invocation's registers (both are valid).
    if (st->name() == "softmax_max") st->set_scope(ir::MemScope::Workgroup);
    st->compute_at(o, o.axis(0));
    auto [ko, ki] = st->split(st->reduce_axis(0), 32);
    st->bind(ki, ThreadAxis::LocalId, 0);
  }
  for (auto [m, n] : {std::pair<int64_t, int64_t>{5, 64}, {3, 45}, {1, 1}, {2, 300}})
    check_on_vulkan(s, "lowered_softmax_xinv", {X.op()}, {Y.op()},
                    {{"X", random_tensor({m, n}, 15)}});
}

// Rows kept in each invocation's registers (auto_schedule's row_cache: a private cache whose
// per-invocation region is every 32nd element of the row), softmax and layernorm at dividing,
// non-dividing, size-1 and too-long (re-reading version) symbolic shapes; and the same with
// each row written by two workgroups (row_groups: each reduces the whole row, then writes
// its half, 64 elements).
TEST(SpirvLowered, RowsCachedInRegisters) {
  Var M("M"), N("N");
  auto X = placeholder<f32>("X", {M, N});
  auto G = placeholder<f32>("G", {N});
  auto B = placeholder<f32>("B", {N});
  auto S = ::ops::softmax(X);
  // Layer normalization as webtx::ops::layer_norm writes it (whose namespace this file's
  // ::ops calls would clash with): two row reductions, then the normalized row.
  RVar j1(N, "j"), j2(N, "j");
  auto total = compute(
      {M}, [&](Var i) { return sum(X(i, j1), j1); }, "ln.sum");
  auto sqdev = compute(
      {M},
      [&](Var i) {
        auto d = X(i, j2) - total(i) / cast<f32>(N);
        return sum(d * d, j2);
      },
      "ln.sqdev");
  auto L = compute(
      {M, N},
      [&](Var i, Var j) {
        return (X(i, j) - total(i) / cast<f32>(N)) * rsqrt(sqdev(i) / cast<f32>(N) + 1e-5f) * G(j) +
               B(j);
      },
      "ln");
  for (int64_t groups : {1, 2}) {
    SCOPED_TRACE(::testing::Message() << "row_groups " << groups);
    const AutoScheduleOptions o{.row_threads = 32, .row_cache = 4, .row_groups = groups};
    auto s = create_schedule({S.op()});
    auto_schedule(s, o);
    auto s2 = create_schedule({L.op()});
    auto_schedule(s2, o);
    const std::string tag = groups > 1 ? "_groups" : "";
    for (auto [m, n] : {std::pair<int64_t, int64_t>{5, 128}, {3, 45}, {1, 1}, {2, 300}, {2, 65}}) {
      check_on_vulkan(s, "lowered_rows_cached" + tag, {X.op()}, {S.op()},
                      {{"X", random_tensor({m, n}, 24)}}, {}, 1e-5);
      check_on_vulkan(s2, "lowered_rows_cached_ln" + tag, {X.op(), G.op(), B.op()}, {L.op()},
                      {{"X", random_tensor({m, n}, 25)},
                       {"G", random_tensor({n}, 26)},
                       {"B", random_tensor({n}, 27)}},
                      {}, 1e-4);
    }
  }
}

TEST(SpirvLowered, RowSumRowsPerWorkgroupCrossInvocation) {
  Var M("M"), N("N");
  auto X = placeholder<f32>("X", {M, N});
  RVar k(N, "k");
  auto Y = compute(
      {M}, [&](Var i) { return sum(X(i, k), k); }, "rowsum");
  auto s = create_schedule({Y.op()});
  auto& st = s[Y.op()];
  auto [io, ii] = st.split(st.axis(0), 4);
  auto [ko, ki] = st.split(st.reduce_axis(0), 24);  // not a power of two
  st.bind(io, ThreadAxis::WorkgroupId, 0).bind(ii, ThreadAxis::LocalId, 1);
  st.bind(ki, ThreadAxis::LocalId, 0);
  for (auto [m, n] : {std::pair<int64_t, int64_t>{8, 48}, {6, 100}, {1, 1}})
    check_on_vulkan(s, "lowered_rowsum_xinv", {X.op()}, {Y.op()},
                    {{"X", random_tensor({m, n}, 16)}}, {}, 1e-5);
}

// rfactor: partial sums per invocation ("rowsum.rf", computed at the bound axis), then across
// the workgroup; and a long row split over workgroups (two kernels).
TEST(SpirvLowered, RfactorOnVulkan) {
  Var M("M"), N("N");
  auto X = placeholder<f32>("X", {M, N});
  RVar k(N, "k");
  auto Y = compute(
      {M}, [&](Var i) { return sum(X(i, k), k); }, "rowsum");
  {
    auto s = create_schedule({Y.op()});
    auto [ko, ki] = s[Y.op()].split(s[Y.op()].reduce_axis(0), 32);
    Stage& rf = s.rfactor(Y.op(), ki);
    auto& st = s[Y.op()];
    st.bind(st.axis(0), ThreadAxis::WorkgroupId, 0).bind(st.reduce_axis(0), ThreadAxis::LocalId, 0);
    rf.compute_at(st, st.reduce_axis(0));
    for (auto [m, n] : {std::pair<int64_t, int64_t>{4, 64}, {3, 70}, {1, 1}})
      check_on_vulkan(s, "lowered_rfactor_local", {X.op()}, {Y.op()},
                      {{"X", random_tensor({m, n}, 17)}}, {}, 1e-5);
  }
  {
    auto s = create_schedule({Y.op()});
    auto [ko, ki] = s[Y.op()].split(s[Y.op()].reduce_axis(0), 64);
    Stage& rf = s.rfactor(Y.op(), ko);
    rf.bind(rf.axis(0), ThreadAxis::WorkgroupId, 1).bind(rf.axis(1), ThreadAxis::WorkgroupId, 0);
    for (auto [m, n] : {std::pair<int64_t, int64_t>{1, 1000}, {2, 64}, {1, 1}})
      check_on_vulkan(s, "lowered_rfactor_grid", {X.op()}, {Y.op()},
                      {{"X", random_tensor({m, n}, 18)}}, {}, 1e-5);
  }
}

// The same with subgroup operations (lavapipe has subgroups of 8 with arithmetic).
TEST(SpirvLowered, SoftmaxAndRowSumWithSubgroups) {
  const Target t = target_by_name("webgpu-large-subgroups");
  Var M("M"), N("N");
  auto X = placeholder<f32>("X", {M, N});
  auto Y = ops::softmax(X);
  auto s = create_schedule({Y.op()});
  auto& o = s[Y.op()];
  auto [jo, ji] = o.split(o.axis(1), 128);
  o.bind(o.axis(0), ThreadAxis::WorkgroupId, 0).bind(ji, ThreadAxis::LocalId, 0);
  for (auto& st : s.stages()) {
    if (st->name() == "softmax_exp") st->compute_inline();
    if (st->name() != "softmax_max" && st->name() != "softmax_sum") continue;
    st->compute_at(o, o.axis(0));
    auto [ko, ki] = st->split(st->reduce_axis(0), 128);
    st->bind(ki, ThreadAxis::LocalId, 0);
  }
  for (auto [m, n] : {std::pair<int64_t, int64_t>{3, 128}, {2, 45}, {1, 1}, {2, 1000}})
    check_on_vulkan(s, "lowered_softmax_subgroups", {X.op()}, {Y.op()},
                    {{"X", random_tensor({m, n}, 19)}}, {}, 1e-5, t);
  RVar k(N, "k");
  auto R = compute(
      {M}, [&](Var i) { return max(X(i, k), k); }, "rowmax");
  auto s2 = create_schedule({R.op()});
  auto [ko, ki] = s2[R.op()].split(s2[R.op()].reduce_axis(0), 256);
  s2[R.op()].bind(s2[R.op()].axis(0), ThreadAxis::WorkgroupId, 0).bind(ki, ThreadAxis::LocalId, 0);
  for (auto [m, n] : {std::pair<int64_t, int64_t>{3, 300}, {1, 1}})
    check_on_vulkan(s2, "lowered_rowmax_subgroups", {X.op()}, {R.op()},
                    {{"X", random_tensor({m, n}, 20)}}, {}, 0, t);
}

}  // namespace
}  // namespace webtx::spirv_test
