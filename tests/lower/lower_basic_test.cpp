// Each schedule primitive, lowered and run on the CPU, against the unscheduled graph.
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::MemScope;
using ir::ThreadAxis;

struct VecAdd {
  Expr n;
  ir::Operation a, b, c;
  explicit VecAdd(Expr len) : n(len) {
    a = placeholder("A", {n});
    b = placeholder("B", {n});
    c = compute("C", {n},
                [&](const Vars& v) { return ir::Add::make(at(a, {v[0]}), at(b, {v[0]})); });
  }
  eval::TensorMap inputs(int64_t len) {
    return {{"A", random_tensor({len}, 1)}, {"B", random_tensor({len}, 2)}};
  }
};

TEST(LowerBasic, UnscheduledIsSerial) {
  VecAdd g(37);
  auto s = create_schedule({g.c});
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(37));
  ASSERT_EQ(p.kernels.size(), 1u);
  EXPECT_EQ(p.kernels[0].workgroup_size, (std::array<int64_t, 3>{1, 1, 1}));
  EXPECT_EQ(p.kernels[0].buffers.size(), 3u);
}

TEST(LowerBasic, SplitBindDividing) {
  VecAdd g(64);
  auto s = create_schedule({g.c});
  auto [xo, xi] = s[g.c].split(s[g.c].axis(0), 16);
  s[g.c].bind(xo, ThreadAxis::WorkgroupId, 0).bind(xi, ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(64));
  EXPECT_EQ(p.kernels[0].workgroup_size[0], 16);
  EXPECT_EQ(ir::to_string(p.kernels[0].grid[0]), "4");
  EXPECT_THAT(kernel_text(p), ::testing::Not(::testing::HasSubstr("if (")));
}

TEST(LowerBasic, SplitBindNonDividing) {
  VecAdd g(50);
  auto s = create_schedule({g.c});
  auto [xo, xi] = s[g.c].split(s[g.c].axis(0), 16);
  s[g.c].bind(xo, ThreadAxis::WorkgroupId, 0).bind(xi, ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(50));
  EXPECT_THAT(kernel_text(p), ::testing::HasSubstr("if ("));
}

TEST(LowerBasic, SymbolicSplitBind) {
  VecAdd g(sym("n"));
  auto s = create_schedule({g.c});
  auto [xo, xi] = s[g.c].split(s[g.c].axis(0), 8);
  s[g.c].bind(xo, ThreadAxis::WorkgroupId, 0).bind(xi, ThreadAxis::LocalId, 0);
  for (int64_t len : {1, 8, 29}) {
    auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(len));
    ASSERT_EQ(p.symbols.size(), 1u);
    EXPECT_EQ(p.kernels[0].scalars.size(), 1u);
  }
}

}  // namespace
}  // namespace webtx::testing
