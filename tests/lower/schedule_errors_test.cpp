// Every invalid schedule is rejected with a message naming the stage and the axis: at the
// primitive when it can tell, otherwise when lowering.
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::MemScope;
using ir::ThreadAxis;
using ::testing::AllOf;
using ::testing::HasSubstr;

struct Graph {
  ir::Operation a, b, c, d;
  ir::IterVar k;
  Graph(Expr n = 16) {
    a = placeholder("A", {n, 8});
    b = compute("B", {n, 8}, [&](const Vars& v) {
      return ir::Mul::make(at(a, {v[0], v[1]}), Expr(2.0f));
    });
    k = reduce_axis(8, "k");
    c = compute("C", {n}, [&](const Vars& v) { return sum(at(b, {v[0], k->var}), {k}); });
    d = compute("D", {n}, [&](const Vars& v) { return ir::Add::make(at(c, {v[0]}), Expr(1.0f)); });
  }
};

TEST(ScheduleErrors, SplitAxisAlreadySplit) {
  Graph g;
  auto s = create_schedule({g.d});
  auto i = s[g.d].axis(0);
  s[g.d].split(i, 4);
  EXPECT_USER_ERROR(s[g.d].split(i, 2), AllOf(HasSubstr("stage 'D'"), HasSubstr("axis 'i'"),
                                              HasSubstr("already split or fused")));
}

TEST(ScheduleErrors, SplitAxisAlreadyFused) {
  Graph g;
  auto s = create_schedule({g.d});
  auto& st = s[g.b];
  auto i = st.axis(0);
  st.fuse(i, st.axis(1));
  EXPECT_USER_ERROR(st.split(i, 2), AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'i'"),
                                          HasSubstr("no longer exists")));
}

TEST(ScheduleErrors, AxisOfAnotherStage) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(
      s[g.d].split(s[g.b].axis(1), 2),
      AllOf(HasSubstr("stage 'D'"), HasSubstr("axis 'j'"), HasSubstr("not an axis of this stage")));
}

TEST(ScheduleErrors, NonPositiveFactor) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(
      s[g.d].split(s[g.d].axis(0), 0),
      AllOf(HasSubstr("stage 'D'"), HasSubstr("axis 'i'"), HasSubstr("must be positive, got 0")));
  EXPECT_USER_ERROR(s[g.d].split(s[g.d].axis(0), -3), HasSubstr("got -3"));
}

TEST(ScheduleErrors, BindSameHardwareAxisTwice) {
  Graph g;
  auto s = create_schedule({g.d});
  auto& st = s[g.b];
  st.bind(st.axis(0), ThreadAxis::LocalId, 0);
  EXPECT_USER_ERROR(st.bind(st.axis(1), ThreadAxis::LocalId, 0),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'j'"), HasSubstr("local_id.x"),
                          HasSubstr("axis 'i' is already bound")));
}

TEST(ScheduleErrors, BindSameAxisTwice) {
  // The second bind used to replace the first silently (workgroup_id.x dropped).
  Graph g;
  auto s = create_schedule({g.d});
  auto& st = s[g.b];
  st.bind(st.axis(0), ThreadAxis::WorkgroupId, 0);
  EXPECT_USER_ERROR(st.bind(st.axis(0), ThreadAxis::LocalId, 1),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'i'"), HasSubstr("local_id.y"),
                          HasSubstr("already bound to workgroup_id.x")));
  EXPECT_USER_ERROR(st.bind(st.axis(0), ThreadAxis::WorkgroupId, 1),
                    AllOf(HasSubstr("axis 'i'"), HasSubstr("already bound to workgroup_id.x")));
  // The schedule still lowers with the first binding.
  st.bind(st.axis(1), ThreadAxis::WorkgroupId, 1);
}

TEST(ScheduleErrors, BindBadDimensionOrReductionToWorkgroups) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(s[g.b].bind(s[g.b].axis(0), ThreadAxis::WorkgroupId, 3),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'i'"), HasSubstr("dimension 3")));
  // Over invocations a reduction axis is fine (tests/lower/cross_reduce_test.cpp); over
  // workgroups it is not.
  EXPECT_USER_ERROR(
      s[g.c].bind(s[g.c].reduce_axis(0), ThreadAxis::WorkgroupId, 0),
      AllOf(HasSubstr("stage 'C'"), HasSubstr("reduction axis 'k'"), HasSubstr("rfactor")));
}

TEST(ScheduleErrors, ReorderAcrossStages) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(
      s[g.c].reorder({s[g.c].reduce_axis(0), s[g.b].axis(0)}),
      AllOf(HasSubstr("stage 'C'"), HasSubstr("axis 'i'"), HasSubstr("not an axis of this stage")));
  EXPECT_USER_ERROR(s[g.b].reorder({s[g.b].axis(0), s[g.b].axis(0)}),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'i' twice")));
}

TEST(ScheduleErrors, FuseNotAdjacent) {
  Graph g;
  auto s = create_schedule({g.d});
  auto& st = s[g.b];
  EXPECT_USER_ERROR(st.fuse(st.axis(1), st.axis(0)),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'j'"), HasSubstr("axis 'i'"),
                          HasSubstr("adjacent")));
  EXPECT_USER_ERROR(s[g.c].fuse(s[g.c].axis(0), s[g.c].reduce_axis(0)),
                    AllOf(HasSubstr("stage 'C'"), HasSubstr("data-parallel and reduction")));
}

TEST(ScheduleErrors, UnrollNonConstantExtent) {
  Graph g(sym("n"));
  auto s = create_schedule({g.d});
  // A symbolic extent may be unrolled where a specialization bounds it; lowering rejects an
  // unbounded one.
  {
    auto s2 = create_schedule({g.d});
    s2[g.d].unroll(s2[g.d].axis(0));
    EXPECT_USER_ERROR(lower(s2, "m", {g.a}, {g.d}),
                      AllOf(HasSubstr("stage 'D'"), HasSubstr("unroll axis 'i'"),
                            HasSubstr("extent n is not a constant and has no bound")));
  }
  auto [o, i] = s[g.d].split(s[g.d].axis(0), 4);
  EXPECT_USER_ERROR(s[g.d].vectorize(o),
                    AllOf(HasSubstr("vectorize axis 'i_outer'"), HasSubstr("not a constant")));
  s[g.d].vectorize(i);  // the inner part of a split has a constant extent
  EXPECT_USER_ERROR(s[g.c].vectorize(s[g.c].reduce_axis(0)),
                    AllOf(HasSubstr("stage 'C'"), HasSubstr("reduction axis 'k'")));
}

TEST(ScheduleErrors, ComputeInlineInvalid) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(s[g.c].compute_inline(),
                    AllOf(HasSubstr("stage 'C'"), HasSubstr("reduction (axis 'k')")));
  EXPECT_USER_ERROR(s[g.d].compute_inline(), AllOf(HasSubstr("stage 'D'"), HasSubstr("output")));
  EXPECT_USER_ERROR(s[g.a].compute_inline(),
                    AllOf(HasSubstr("stage 'A'"), HasSubstr("placeholder")));
  const int first_line = __LINE__ + 1;
  s[g.b].compute_inline();
  EXPECT_USER_ERROR(s[g.b].split(s[g.b].axis(0), 2),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("inlined")));
  // Twice: an error naming the stage and where it was inlined first.
  EXPECT_USER_ERROR(s[g.b].compute_inline(),
                    AllOf(HasSubstr("stage 'B': compute_inline() called twice (first (at "),
                          HasSubstr("schedule_errors_test.cpp:" + std::to_string(first_line))));
}

// Errors of the primitives end with the caller's file and line (std::source_location).
TEST(ScheduleErrors, ErrorsNameTheCallersLine) {
  Graph g;
  auto s = create_schedule({g.d});
  auto i = s[g.d].axis(0);
  s[g.d].split(i, 4);
  const int line = __LINE__ + 1;
  EXPECT_USER_ERROR(s[g.d].split(i, 2),
                    AllOf(HasSubstr("stage 'D': cannot split axis 'i'"), HasSubstr("(at "),
                          HasSubstr("schedule_errors_test.cpp:" + std::to_string(line) + ")")));
  const int tile_line = __LINE__ + 1;
  EXPECT_USER_ERROR(s[g.c].tile(s[g.c].reduce_axis(0), s[g.c].reduce_axis(0), 2, 2),
                    HasSubstr("schedule_errors_test.cpp:" + std::to_string(tile_line) + ")"));
}

TEST(ScheduleErrors, ComputeAtInvalid) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(s[g.b].compute_at(s[g.c], s[g.d].axis(0)),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'i'"),
                          HasSubstr("not a current axis of stage 'C'")));
  EXPECT_USER_ERROR(s[g.d].compute_at(s[g.c], s[g.c].axis(0)),
                    AllOf(HasSubstr("stage 'D'"), HasSubstr("output")));
  EXPECT_USER_ERROR(s[g.c].compute_at(s[g.c], s[g.c].axis(0)), HasSubstr("itself"));
}

TEST(ScheduleErrors, CacheInvalid) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(s.cache_read(g.a, MemScope::Workgroup, {g.d}),
                    AllOf(HasSubstr("cache_read of 'A'"), HasSubstr("stage 'D' does not read it")));
  EXPECT_USER_ERROR(s.cache_read(g.a, MemScope::Global, {g.b}), HasSubstr("workgroup or private"));
  s[g.c].split(s[g.c].axis(0), 2);
  EXPECT_USER_ERROR(
      s.cache_write(g.c, MemScope::Private),
      AllOf(HasSubstr("cache_write of 'C'"), HasSubstr("before scheduling stage 'C'")));
}

TEST(ScheduleErrors, LowerComputeAtReadTwice) {
  Graph g;
  auto e = compute("E", {16},
                   [&](const Vars& v) { return ir::Mul::make(at(g.c, {v[0]}), at(g.d, {v[0]})); });
  auto s = create_schedule({e});
  const int line = __LINE__ + 1;
  s[g.c].compute_at(s[g.d], s[g.d].axis(0));
  // Found when lowering; the message names the compute_at call's line.
  EXPECT_USER_ERROR(
      lower(s, "m", {g.a}, {e}),
      AllOf(HasSubstr("stage 'C' is computed at stage 'D'"), HasSubstr("stage 'E' reads it too"),
            HasSubstr("schedule_errors_test.cpp:" + std::to_string(line) + ")")));
}

TEST(ScheduleErrors, LowerNonConstantRegion) {
  Graph g(sym("n"));
  auto s = create_schedule({g.d});
  auto& d = s[g.d];
  auto [o, i] = d.split(d.axis(0), 4);
  d.reorder({i, o});
  s[g.c].compute_at(d, i);  // o (extent (n + 3) / 4) is inside the attach point
  EXPECT_USER_ERROR(lower(s, "m", {g.a}, {g.d}),
                    AllOf(HasSubstr("stage 'C' computed at stage 'D' axis 'i_inner' (at "),
                          HasSubstr("axis 'i'"), HasSubstr("non-constant extent")));
}

TEST(ScheduleErrors, LowerBindingsOfAttachedStages) {
  Graph g;
  auto s = create_schedule({g.d});
  s[g.c].compute_at(s[g.d], s[g.d].axis(0));
  s[g.b].compute_at(s[g.c], s[g.c].axis(0));
  s[g.b].bind(s[g.b].axis(1), ThreadAxis::LocalId, 0);
  EXPECT_USER_ERROR(lower(s, "m", {g.a}, {g.d}),
                    AllOf(HasSubstr("stage 'B'"), HasSubstr("private"), HasSubstr("axis 'j'")));
  auto s2 = create_schedule({g.d});
  s2[g.b].compute_at(s2[g.c], s2[g.c].axis(0)).set_scope(MemScope::Workgroup);
  s2[g.b].bind(s2[g.b].axis(1), ThreadAxis::WorkgroupId, 0);
  EXPECT_USER_ERROR(
      lower(s2, "m", {g.a}, {g.d}),
      AllOf(HasSubstr("stage 'B'"), HasSubstr("axis 'j'"), HasSubstr("workgroup_id")));
}

TEST(ScheduleErrors, LowerLocalBindingNonConstant) {
  Graph g(sym("n"));
  auto s = create_schedule({g.d});
  s[g.d].bind(s[g.d].axis(0), ThreadAxis::LocalId, 0);
  EXPECT_USER_ERROR(lower(s, "m", {g.a}, {g.d}),
                    AllOf(HasSubstr("stage 'D'"), HasSubstr("axis 'i'"), HasSubstr("local_id.x"),
                          HasSubstr("not a constant")));
}

TEST(ScheduleErrors, LowerTooManyWorkgroups) {
  Graph g(70000);
  auto s = create_schedule({g.d});
  s[g.d].bind(s[g.d].axis(0), ThreadAxis::WorkgroupId, 0);
  EXPECT_USER_ERROR(
      lower(s, "m", {g.a}, {g.d}),
      AllOf(HasSubstr("stage 'D'"), HasSubstr("axis 'i'"), HasSubstr("extent 70000")));
}

TEST(ScheduleErrors, LowerMissingInput) {
  Graph g;
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(lower(s, "m", {}, {g.d}), HasSubstr("placeholder 'A' is read but not listed"));
}

// An input nothing reads was an InternalError ("no stage for X"; found by the program fuzzer).
TEST(ScheduleErrors, LowerUnreadInput) {
  Graph g;
  auto unused = placeholder("U", {4});
  auto s = create_schedule({g.d});
  EXPECT_USER_ERROR(lower(s, "m", {g.a, unused}, {g.d}),
                    HasSubstr("input 'U' is not read by any output"));
  EXPECT_NO_THROW(lower(s, "m", {g.a}, {g.d}));
}

TEST(ScheduleErrors, RunProgramBadInputs) {
  Graph g(sym("n"));
  auto s = create_schedule({g.d});
  auto p = lower(s, "m", {g.a}, {g.d});
  EXPECT_USER_ERROR(eval::run_program(p, {}), HasSubstr("symbol 'n' is not bound"));
  EXPECT_USER_ERROR(eval::run_program(p, {{"A", random_tensor({4, 7}, 1)}}),
                    HasSubstr("tensor 'A' axis 1 must have extent 8, got 7"));
}

}  // namespace
}  // namespace webtx::testing
