// The typed DSL's graphs through schedule, lower and run_program, against evaluate_graph.
#include <webtx/webtx.hpp>

#include "test_util.hpp"

namespace {

using namespace webtx;
using webtx::testing::check_schedule;
using webtx::testing::random_tensor;

TEST(LowerDsl, DenseReluTiledShared) {
  webtx::Var batch("batch");
  auto x = placeholder<f32>("x", {batch, 12});
  auto w = placeholder<f32>("w", {12, 10});
  auto b = placeholder<f32>("b", {10});
  RVar k(12, "k");
  auto mm = compute(
      {batch, 10}, [&](webtx::Var i, webtx::Var j) { return sum(x(i, k) * w(k, j), k); }, "matmul");
  auto y = compute(
      {batch, 10}, [&](webtx::Var i, webtx::Var j) { return max(mm(i, j) + b(j), 0.0f); }, "relu");

  auto s = create_schedule({y.op()});
  // matmul into private accumulators inside relu's tiles, x and w staged in workgroup memory.
  auto& ml = s[mm];  // a Tensor finds its stage
  auto& st = s[y.op()];
  auto t = st.tile(st.axis(0), st.axis(1), 4, 4);
  st.bind(t.xo, ir::ThreadAxis::WorkgroupId, 1).bind(t.yo, ir::ThreadAxis::WorkgroupId, 0);
  st.bind(t.xi, ir::ThreadAxis::LocalId, 1).bind(t.yi, ir::ThreadAxis::LocalId, 0);
  ml.compute_at(st, t.yi);
  auto [ko, ki] = ml.split(ml.reduce_axis(0), 4);
  auto& xs = s.cache_read(x.op(), ir::MemScope::Workgroup, {mm.op()});
  xs.compute_at(ml, ko);
  auto p = check_schedule(s, {x.op(), w.op(), b.op()}, {y.op()},
                          {{"x", random_tensor({5, 12}, 1)},
                           {"w", random_tensor({12, 10}, 2)},
                           {"b", random_tensor({10}, 3)}});
  ASSERT_EQ(p.kernels.size(), 1u);
  ASSERT_EQ(p.symbols.size(), 1u);
  EXPECT_EQ(p.symbols[0].as<ir::Variable>()->name, "batch");
}

}  // namespace
