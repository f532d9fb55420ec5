// The ready-made schedules (parallelize, tile_2d) on matmul, batched matmul, conv2d,
// elementwise ops and softmax, against the unscheduled graph.
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

ir::Operation matmul(const ir::Operation& a, const ir::Operation& b, Expr m, Expr n, Expr kk) {
  auto k = reduce_axis(kk, "k");
  return compute("C", {m, n}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(a, {v[0], k->var}), at(b, {k->var, v[1]})), {k});
  });
}

TEST(ScheduleHelpers, Tile2DMatmul) {
  struct Case {
    Expr m, n, k;
    int64_t vm, vn, vk;
  };
  Tile2D cfg{16, 16, 2, 4, 4};
  for (auto c : {Case{32, 32, 16, 32, 32, 16}, Case{21, 13, 10, 21, 13, 10},
                 Case{sym("M"), sym("N"), sym("K"), 18, 7, 9}}) {
    auto a = placeholder("A", {c.m, c.k}), b = placeholder("B", {c.k, c.n});
    auto mm = matmul(a, b, c.m, c.n, c.k);
    auto s = create_schedule({mm});
    tile_2d(s, mm, cfg);
    auto p = check_schedule(
        s, {a, b}, {mm},
        {{"A", random_tensor({c.vm, c.vk}, 1)}, {"B", random_tensor({c.vk, c.vn}, 2)}});
    auto& k = p.kernels.at(0);
    EXPECT_EQ(k.workgroup_size, (std::array<int64_t, 3>{4, 8, 1}));
    EXPECT_EQ(k.workgroup_bytes, (16 * 4 + 4 * 16) * 4);
  }
}

// A dense layer with a fused bias + erf-GELU epilogue: one kernel, the matmul in registers,
// numbers equal to the graph; tile_2d returns the stages and axes it made.
TEST(ScheduleHelpers, Tile2DWithEpilogue) {
  for (Expr m : {Expr(20), sym("M")}) {
    auto a = placeholder("A", {m, 12}), b = placeholder("B", {12, 10}),
         bias = placeholder("b", {10});
    auto mm = matmul(a, b, m, 10, 12);
    auto biased = compute(
        "bias", {m, 10}, [&](const Vars& v) { return ir::Add::make(at(mm, v), at(bias, {v[1]})); });
    auto gelu = compute("gelu", {m, 10}, [&](const Vars& v) {
      Expr x = at(biased, v);
      Expr e = ir::Call::make(ir::Intrinsic::Erf, {ir::Mul::make(x, Expr(0.70710678f))});
      return ir::Mul::make(ir::Mul::make(Expr(0.5f), x), ir::Add::make(Expr(1.0f), e));
    });
    auto s = create_schedule({gelu});
    Tile2DStages t = tile_2d(s, mm, {8, 8, 2, 2, 4}, {biased, gelu});
    EXPECT_EQ(t.out, &s[gelu]);
    EXPECT_EQ(t.accumulator, &s[mm]);
    ASSERT_EQ(t.inlined.size(), 1u);
    EXPECT_EQ(t.inlined[0], &s[biased]);
    EXPECT_EQ(t.inputs.size(), 2u);
    EXPECT_EQ(s[gelu].attr_of(t.thread_x)->thread, ir::ThreadAxis::LocalId);
    EXPECT_EQ(s[mm].attach_axis(), t.thread_x);
    EXPECT_TRUE(t.k_outer && t.k_inner && !t.batch);
    auto p = check_schedule(s, {a, b, bias}, {gelu},
                            {{"A", random_tensor({20, 12}, 5)},
                             {"B", random_tensor({12, 10}, 6)},
                             {"b", random_tensor({10}, 7)}},
                            {{"M", 20}}, 1e-5);
    // The epilogue is fused: every kernel is a version of the output stage (the interior and
    // edge workgroups of the tiling, partition_loops.hpp), none computes the matmul alone.
    for (auto& kern : p.kernels) EXPECT_EQ(kern.name.rfind(s[gelu].name(), 0), 0u) << kern.name;
  }
}

TEST(ScheduleHelpers, Tile2DEpilogueErrors) {
  auto a = placeholder("A", {8, 4}), b = placeholder("B", {4, 8});
  auto mm = matmul(a, b, 8, 8, 4);
  auto relu =
      compute("relu", {8, 8}, [&](const Vars& v) { return ir::Max::make(at(mm, v), Expr(0.0f)); });
  auto other = compute("other", {8, 8}, [&](const Vars& v) { return at(a, {v[0], Expr(0)}); });
  auto k = reduce_axis(8, "k2");
  auto rowsum = compute("rowsum", {8}, [&](const Vars& v) {
    return sum(at(relu, {v[0], k->var}), {k});
  });
  auto s = create_schedule({rowsum, other});
  EXPECT_USER_ERROR(tile_2d(s, mm, {4, 4, 2, 2, 2}, {other}),
                    AllOf(HasSubstr("epilogue stage 'other' does not read 'C'"),
                          HasSubstr("schedule_helpers_test.cpp")));
  EXPECT_USER_ERROR(tile_2d(s, mm, {4, 4, 2, 2, 2}, {relu, rowsum}),
                    HasSubstr("epilogue stage 'rowsum' of 'C' must be elementwise"));
  EXPECT_USER_ERROR(tile_2d(s, relu, {4, 4, 2, 2, 2}, {rowsum}),
                    HasSubstr("stage 'relu' is not a reduction"));
}

TEST(ScheduleHelpers, Tile2DBatchedMatmulAndElementwise) {
  auto a = placeholder("A", {3, 10, 6}), b = placeholder("B", {3, 6, 9});
  auto k = reduce_axis(6, "k");
  auto c = compute("C", {3, 10, 9}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(a, {v[0], v[1], k->var}), at(b, {v[0], k->var, v[2]})), {k});
  });
  auto d =
      compute("D", {3, 10, 9}, [&](const Vars& v) { return ir::Max::make(at(c, v), Expr(0.0f)); });
  auto s = create_schedule({d});
  tile_2d(s, c, {8, 8, 2, 2, 4});
  tile_2d(s, d, {8, 8, 2, 2, 4});
  auto p = check_schedule(
      s, {a, b}, {d}, {{"A", random_tensor({3, 10, 6}, 3)}, {"B", random_tensor({3, 6, 9}, 4)}});
  // C's and D's 10x9 outputs in 8x8 tiles, one guard-free interior workgroup per batch
  // (partition_loops.hpp). C computes into private accumulators, so its edge tiles are padded
  // (pad_tiles.hpp) and share C's kernel; D writes global memory only: its edge workgroups are
  // a kernel of their own (D_boundary).
  ASSERT_EQ(p.kernels.size(), 3u);
  EXPECT_EQ(p.kernels[0].name, "C");
  EXPECT_EQ(p.kernels[1].name, "D");
  EXPECT_EQ(p.kernels[2].name, "D_boundary");
  EXPECT_EQ(ir::to_string(p.kernels[0].grid[2]), "3");
  EXPECT_THAT(kernel_text(p, 1), HasSubstr("unrolled"));
  EXPECT_THAT(kernel_text(p, 1), Not(HasSubstr("if (")));
}

TEST(ScheduleHelpers, Tile2DConvWithInlinedPadding) {
  const int c = 3, h = 9, w = 7, kf = 5;
  auto a = placeholder("A", {c, h, w});
  auto wt = placeholder("W", {kf, c, 3, 3});
  auto pad = compute("pad", {c, h + 2, w + 2}, [&](const Vars& v) {
    Expr in =
        ir::And::make(ir::And::make(ir::GE::make(v[1], Expr(1)), ir::LT::make(v[1], Expr(h + 1))),
                      ir::And::make(ir::GE::make(v[2], Expr(1)), ir::LT::make(v[2], Expr(w + 1))));
    return ir::Select::make(
        in, at(a, {v[0], ir::Sub::make(v[1], Expr(1)), ir::Sub::make(v[2], Expr(1))}), Expr(0.0f));
  });
  auto rc = reduce_axis(c, "rc"), ry = reduce_axis(3, "ry"), rx = reduce_axis(3, "rx");
  auto conv = compute("conv", {kf, h, w}, [&](const Vars& v) {
    Expr pv = at(pad, {rc->var, ir::Add::make(v[1], ry->var), ir::Add::make(v[2], rx->var)});
    return sum(ir::Mul::make(pv, at(wt, {v[0], rc->var, ry->var, rx->var})), {rc, ry, rx});
  });
  auto s = create_schedule({conv});
  s[pad].compute_inline();
  tile_2d(s, conv, {4, 4, 2, 2, 1});
  check_schedule(s, {a, wt}, {conv},
                 {{"A", random_tensor({c, h, w}, 5)}, {"W", random_tensor({kf, c, 3, 3}, 6)}});
}

TEST(ScheduleHelpers, ParallelizeUnscheduledSoftmax) {
  auto g = softmax_graph(sym("n"));
  auto& [a, mx, e, sm, out] = g;
  auto s = create_schedule({out});
  parallelize_unscheduled(s, 16);
  auto p = check_schedule(s, {a}, {out}, {{"A", random_tensor({7, 11}, 7)}});
  ASSERT_EQ(p.kernels.size(), 4u);
  for (auto& k : p.kernels) EXPECT_EQ(k.workgroup_size[0], 16);
}

}  // namespace
}  // namespace webtx::testing
