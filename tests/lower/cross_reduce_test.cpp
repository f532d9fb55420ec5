// Reductions across the invocations of a workgroup (a reduction axis bound to local_id) and
// rfactor: run_program (lockstep, race-checked) against evaluate_graph at dividing,
// non-dividing, size-1 and symbolic shapes; the invalid combinations name stage and axis.
#include "../common/user_error_of.hpp"
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::ThreadAxis;

struct RowReduce {
  ir::Operation a, out;
  ir::IterVar k;
  RowReduce(Expr m, Expr n, ir::ReduceOp op = ir::ReduceOp::Sum) {
    a = placeholder("A", {m, n});
    k = reduce_axis(n, "k");
    out = compute("rows", {m}, [&](const Vars& v) {
      return ir::Reduce::make(op, at(a, {v[0], k->var}), {k});
    });
  }
};

// One workgroup per row; `threads` invocations split the row (strided: neighbours read
// neighbouring elements).
Schedule row_per_workgroup(const RowReduce& g, int64_t threads) {
  auto s = create_schedule({g.out});
  auto& st = s[g.out];
  auto [ko, ki] = st.split(g.k, threads);
  st.reorder({ki, ko});  // the bound axis may sit anywhere among the reduction loops
  st.bind(st.axis(0), ThreadAxis::WorkgroupId, 0).bind(ki, ThreadAxis::LocalId, 0);
  return s;
}

TEST(CrossReduce, RowSumShapes) {
  struct C {
    int64_t m, n, threads;
  };
  for (C c : {C{3, 64, 16}, C{3, 50, 16}, C{1, 1, 8}, C{2, 7, 12}, C{4, 1000, 64}}) {
    SCOPED_TRACE("m=" + std::to_string(c.m) + " n=" + std::to_string(c.n));
    RowReduce g(static_cast<int>(c.m), static_cast<int>(c.n));
    auto s = row_per_workgroup(g, c.threads);
    check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({c.m, c.n}, 7)}}, {}, 1e-5);
  }
}

TEST(CrossReduce, RowMaxMinSymbolic) {
  for (auto op : {ir::ReduceOp::Max, ir::ReduceOp::Min}) {
    RowReduce g(sym("m"), sym("n"), op);
    auto s = row_per_workgroup(g, 32);
    for (int64_t n : {1, 31, 32, 100}) {
      auto p = check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({3, n}, 8)}}, {}, 0);
      EXPECT_THAT(kernel_text(p), ::testing::HasSubstr("barrier"));
    }
  }
}

// Several rows per workgroup: local_id.y picks the row, local_id.x splits it.
TEST(CrossReduce, RowsPerWorkgroup) {
  RowReduce g(sym("m"), sym("n"));
  auto s = create_schedule({g.out});
  auto& st = s[g.out];
  auto [io, ii] = st.split(st.axis(0), 4);
  auto [ko, ki] = st.split(g.k, 8);
  st.bind(io, ThreadAxis::WorkgroupId, 0).bind(ii, ThreadAxis::LocalId, 1);
  st.bind(ki, ThreadAxis::LocalId, 0);
  for (int64_t m : {1, 4, 6})
    check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({m, 19}, 9)}}, {}, 1e-5);
}

// A 2-d reduction (both axes over invocations) into a rank-0-like [1] output.
TEST(CrossReduce, TwoBoundReduceAxes) {
  auto a = placeholder("A", {5, 9});
  auto k1 = reduce_axis(5, "k1"), k2 = reduce_axis(9, "k2");
  auto out = compute("total", {1}, [&](const Vars&) {
    return sum(at(a, {k1->var, k2->var}), {k1, k2});
  });
  auto s = create_schedule({out});
  auto& st = s[out];
  auto [k2o, k2i] = st.split(k2, 4);
  st.bind(k1, ThreadAxis::LocalId, 1).bind(k2i, ThreadAxis::LocalId, 0);
  check_schedule(s, {a}, {out}, {{"A", random_tensor({5, 9}, 10)}}, {}, 1e-5);
}

// Softmax, a workgroup per row: both row reductions over the workgroup's invocations, their
// results computed at the row (private: broadcast to every invocation; or workgroup memory).
TEST(CrossReduce, SoftmaxRowPerWorkgroup) {
  for (auto scope : {ir::MemScope::Private, ir::MemScope::Workgroup}) {
    SoftmaxGraph g = softmax_graph(sym("n"));
    auto s = create_schedule({g.out});
    s[g.e].compute_inline();
    auto& o = s[g.out];
    auto [jo, ji] = o.split(o.axis(1), 4);
    o.bind(o.axis(0), ThreadAxis::WorkgroupId, 0).bind(ji, ThreadAxis::LocalId, 0);
    for (auto r : {g.mx, g.sm}) {
      auto& st = s[r];
      st.set_scope(scope).compute_at(o, o.axis(0));
      auto [ko, ki] = st.split(st.reduce_axis(0), 4);
      st.bind(ki, ThreadAxis::LocalId, 0);
    }
    for (int64_t n : {1, 3})
      check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({n, 11}, 11)}}, {}, 1e-5);
  }
}

// The reduction computed inside an injective consumer that uses two dimensions of invocations:
// each row (local_id.y) runs its own reduction over local_id.x.
TEST(CrossReduce, PrivateResultPerRowOfInvocations) {
  SoftmaxGraph g = softmax_graph(sym("n"));
  auto s = create_schedule({g.out});
  s[g.e].compute_inline();
  auto& o = s[g.out];
  auto [io, ii] = o.split(o.axis(0), 2);
  auto [jo, ji] = o.split(o.axis(1), 8);
  o.reorder({io, ii, jo, ji});
  o.bind(io, ThreadAxis::WorkgroupId, 0).bind(ii, ThreadAxis::LocalId, 1);
  o.bind(ji, ThreadAxis::LocalId, 0);
  for (auto r : {g.mx, g.sm}) {
    auto& st = s[r];
    st.compute_at(o, ii);
    auto [ko, ki] = st.split(st.reduce_axis(0), 8);
    st.bind(ki, ThreadAxis::LocalId, 0);
  }
  for (int64_t n : {1, 2, 5})
    check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({n, 11}, 12)}}, {}, 1e-5);
}

// TVM's cross-invocation pattern: split the row, factor the inner part out (each invocation
// reduces its strided share into "rows.rf"), and reduce the factored axis across invocations.
TEST(Rfactor, PartialsPerInvocationThenAcrossTheWorkgroup) {
  RowReduce g(sym("m"), sym("n"));
  auto s = create_schedule({g.out});
  auto [ko, ki] = s[g.out].split(g.k, 16);
  Stage& rf = s.rfactor(g.out, ki);
  EXPECT_EQ(rf.name(), "rows.rf");
  auto& st = s[g.out];
  st.bind(st.axis(0), ThreadAxis::WorkgroupId, 0).bind(st.reduce_axis(0), ThreadAxis::LocalId, 0);
  rf.compute_at(st, st.reduce_axis(0));
  for (int64_t n : {1, 16, 50, 160})
    check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({3, n}, 13)}}, {}, 1e-5);
}

// Two kernels for one long row: "rows.rf" spreads the row's parts over workgroups, then the
// parts are summed.
TEST(Rfactor, PartsOverWorkgroupsThenASecondKernel) {
  for (auto op : {ir::ReduceOp::Sum, ir::ReduceOp::Max}) {
    RowReduce g(1, sym("n"), op);
    auto s = create_schedule({g.out});
    auto [ko, ki] = s[g.out].split(g.k, 64);
    auto [kio, kii] = s[g.out].split(ki, 8);  // nested, and dividing
    Stage& rf = s.rfactor(g.out, ko);
    auto [po, pi] = rf.split(rf.axis(0), 4);
    rf.bind(po, ThreadAxis::WorkgroupId, 0).bind(pi, ThreadAxis::LocalId, 0);
    for (int64_t n : {1, 64, 200, 1000}) {
      auto p = check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({1, n}, 14)}}, {}, 1e-5);
      EXPECT_EQ(p.kernels.size(), 2u);
    }
  }
}

TEST(RfactorErrors, NamesStageAndAxis) {
  RowReduce g(4, 32);
  auto s = create_schedule({g.out});
  EXPECT_THAT(user_error_of([&] { s.rfactor(g.out, g.k); }),
              ::testing::AllOf(::testing::HasSubstr("stage 'rows'"), ::testing::HasSubstr("'k'"),
                               ::testing::HasSubstr("only reduction axis")));
  EXPECT_THAT(user_error_of([&] { s.rfactor(g.out, s[g.out].axis(0)); }),
              ::testing::AllOf(::testing::HasSubstr("stage 'rows'"), ::testing::HasSubstr("'i'"),
                               ::testing::HasSubstr("data-parallel")));
  EXPECT_THAT(
      user_error_of([&] { s.rfactor(g.a, g.k); }),
      ::testing::AllOf(::testing::HasSubstr("'A'"), ::testing::HasSubstr("not a reduction")));
}

// With Feature::Subgroups: subgroup reductions, then one slot per subgroup (run_program's
// subgroups have 4 lanes, so a 128-invocation row leaves 32 slots, 8 per lane to gather).
TEST(CrossReduce, SubgroupsWhenTheTargetHasThem) {
  Target t = target_by_name("webgpu-large-subgroups");
  for (auto op : {ir::ReduceOp::Sum, ir::ReduceOp::Max, ir::ReduceOp::Min}) {
    RowReduce g(sym("m"), sym("n"), op);
    auto s = row_per_workgroup(g, 128);
    for (int64_t n : {1, 100, 128, 1000}) {
      auto p = check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({3, n}, 20)}}, {}, 1e-5, t);
      EXPECT_TRUE(p.kernels[0].uses_subgroups);
      EXPECT_THAT(kernel_text(p), ::testing::HasSubstr("subgroup_"));
    }
  }
  // Softmax: both reductions at the row, every invocation keeps the result.
  SoftmaxGraph g = softmax_graph(sym("n"));
  auto s = create_schedule({g.out});
  s[g.e].compute_inline();
  auto& o = s[g.out];
  auto [jo, ji] = o.split(o.axis(1), 128);
  o.bind(o.axis(0), ThreadAxis::WorkgroupId, 0).bind(ji, ThreadAxis::LocalId, 0);
  for (auto r : {g.mx, g.sm}) {
    s[r].compute_at(o, o.axis(0));
    auto [ko, ki] = s[r].split(s[r].reduce_axis(0), 128);
    s[r].bind(ki, ThreadAxis::LocalId, 0);
  }
  auto p = check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({2, 11}, 21)}}, {}, 1e-5, t);
  EXPECT_TRUE(p.kernels[0].uses_subgroups);
  // Without the feature, or when rows of invocations could share a subgroup: the tree only.
  RowReduce h(sym("m"), sym("n"));
  EXPECT_FALSE(
      check_schedule(row_per_workgroup(h, 128), {h.a}, {h.out}, {{"A", random_tensor({2, 5}, 22)}})
          .kernels[0]
          .uses_subgroups);
  EXPECT_FALSE(check_schedule(row_per_workgroup(h, 96), {h.a}, {h.out},
                              {{"A", random_tensor({2, 5}, 22)}}, {}, 1e-5, t)
                   .kernels[0]
                   .uses_subgroups);
}

TEST(CrossReduceErrors, NamesStageAndAxis) {
  {
    RowReduce g(8, 8);
    auto s = create_schedule({g.out});
    EXPECT_THAT(user_error_of([&] { s[g.out].bind(g.k, ThreadAxis::WorkgroupId, 0); }),
                ::testing::AllOf(::testing::HasSubstr("stage 'rows'"),
                                 ::testing::HasSubstr("reduction axis 'k'"),
                                 ::testing::HasSubstr("workgroup_id.x")));
  }
  {
    // The enclosing stage binds local_id.x around the attach point: the reduction cannot use it.
    SoftmaxGraph g = softmax_graph(4);
    auto s = create_schedule({g.out});
    s[g.e].compute_inline();
    auto& o = s[g.out];
    o.bind(o.axis(1), ThreadAxis::LocalId, 0);
    auto& st = s[g.sm];
    st.compute_at(o, o.axis(1));
    auto [ko, ki] = st.split(st.reduce_axis(0), 4);
    st.bind(ki, ThreadAxis::LocalId, 0);
    EXPECT_THAT(
        user_error_of([&] { lower(s, "t", {g.a}, {g.out}); }),
        ::testing::AllOf(::testing::HasSubstr("stage 'sm'"), ::testing::HasSubstr("'k2_inner'"),
                         ::testing::HasSubstr("local_id.x")));
  }
  {
    // A workgroup-memory stage computed inside the bound reduction axis.
    SoftmaxGraph g = softmax_graph(4);
    auto s = create_schedule({g.out});
    s[g.e].compute_inline();
    auto& st = s[g.sm];
    auto [ko, ki] = st.split(st.reduce_axis(0), 4);
    st.bind(ki, ThreadAxis::LocalId, 0);
    st.reorder({ki, ko});
    s.cache_read(g.a, ir::MemScope::Workgroup, {g.sm}).compute_at(st, ko);
    EXPECT_THAT(user_error_of([&] { lower(s, "t", {g.a}, {g.out}); }),
                ::testing::AllOf(::testing::HasSubstr("stage 'A_workgroup'"),
                                 ::testing::HasSubstr("stage 'sm'"),
                                 ::testing::HasSubstr("axis 'k2_outer'")));
  }
}

}  // namespace
}  // namespace webtx::testing
