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

namespace webtx::testing {
namespace {

using ir::MemScope;
using ir::ThreadAxis;

// C(i, j) = A(i, j) * 2 + B(j)
struct Elementwise2D {
  ir::Operation a, b, c;
  Elementwise2D(Expr m, Expr n) {
    a = placeholder("A", {m, n});
    b = placeholder("B", {n});
    c = compute("C", {m, n}, [&](const Vars& v) {
      return ir::Add::make(ir::Mul::make(at(a, {v[0], v[1]}), Expr(2.0f)), at(b, {v[1]}));
    });
  }
  eval::TensorMap inputs(int64_t m, int64_t n) {
    return {{"A", random_tensor({m, n}, 3)}, {"B", random_tensor({n}, 4)}};
  }
};

TEST(LowerBasic, FuseThenSplitBind) {
  Elementwise2D g(7, 9);
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  auto f = st.fuse(st.axis(0), st.axis(1));
  auto [o, i] = st.split(f, 32);
  st.bind(o, ThreadAxis::WorkgroupId, 0).bind(i, ThreadAxis::LocalId, 0);
  check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(7, 9));
}

TEST(LowerBasic, FuseSymbolic) {
  Elementwise2D g(sym("m"), sym("n"));
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  auto f = st.fuse(st.axis(0), st.axis(1));
  auto [o, i] = st.split(f, 16);
  st.bind(o, ThreadAxis::WorkgroupId, 0).bind(i, ThreadAxis::LocalId, 0);
  check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(5, 11));
  check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(1, 16));
}

TEST(LowerBasic, ReorderSerial) {
  Elementwise2D g(6, 5);
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  st.reorder({st.axis(1), st.axis(0)});
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(6, 5));
  // j is now the outer loop.
  auto text = kernel_text(p);
  EXPECT_LT(text.find("for (j"), text.find("for (i"));
}

TEST(LowerBasic, TileBind2D) {
  Elementwise2D g(19, 23);
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  auto t = st.tile(st.axis(0), st.axis(1), 4, 8);
  st.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  st.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(19, 23));
  EXPECT_EQ(p.kernels[0].workgroup_size, (std::array<int64_t, 3>{8, 4, 1}));
  EXPECT_EQ(ir::to_string(p.kernels[0].grid[0]), "3");
  EXPECT_EQ(ir::to_string(p.kernels[0].grid[1]), "5");
}

// tile() given references into leaf_axes(), which its first split shifts and may reallocate
// (found by the program fuzzer: a crash, or the wrong axis tiled).
TEST(LowerBasic, TileOfLeafReferences) {
  Elementwise2D g(19, 23);
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  st.split(st.axis(1), 23);  // leaves i, j_outer, j_inner
  auto t = st.tile(st.leaf_axes()[0], st.leaf_axes()[2], 4, 8);
  EXPECT_EQ(axis_name(t.xo), "i_outer");
  EXPECT_EQ(axis_name(t.yo), "j_inner_outer");
  ASSERT_EQ(st.leaf_axes().size(), 5u);
  EXPECT_EQ(st.leaf_axes()[0], t.xo);
  EXPECT_EQ(st.leaf_axes()[3], t.xi);
  EXPECT_EQ(st.leaf_axes()[4], t.yi);
  check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(19, 23));
}

// Splits a stage's second axis by 4 and vectorizes the lanes.
void vectorize_columns(Stage& st) {
  auto lanes = st.split(st.axis(1), 4).second;
  st.vectorize(lanes);
}

TEST(LowerBasic, UnrollAndVectorize) {
  Elementwise2D g(6, 10);
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  vectorize_columns(st);
  auto [io, ii] = st.split(st.axis(0), 2);
  st.unroll(ii);
  st.bind(io, ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(6, 10));
  auto text = kernel_text(p);
  EXPECT_THAT(text, ::testing::HasSubstr("vectorized (j_inner"));
  EXPECT_THAT(text, ::testing::HasSubstr("unrolled (i_inner"));
}

// Elementwise code in a vectorized loop (vectorize.hpp): A and B read as vec4, C written as
// one vec4 of four scalar lanes; numbers through run_program against the graph reference.
TEST(LowerBasic, VectorizedElementwiseLanes) {
  Elementwise2D g(6, 12);
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  vectorize_columns(st);
  st.bind(st.axis(0), ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(6, 12));
  auto text = kernel_text(p);
  EXPECT_THAT(text, ::testing::HasSubstr("let A_vec0 = A["));
  EXPECT_THAT(text, ::testing::HasSubstr(" +: 4]"));
  EXPECT_THAT(text, ::testing::HasSubstr("A_vec0.w"));
  EXPECT_THAT(text, ::testing::HasSubstr("B_vec1.y"));
  EXPECT_THAT(text, ::testing::HasSubstr("= vec4("));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("vectorized (")));
}

// Where the stored buffer cannot take vectors (f16 elements, 2 bytes), the loads still can:
// four scalar stores share them. Where no access can (rows of 10: a vector would cross rows),
// the loop stays as it was.
TEST(LowerBasic, VectorizedLoopsWithScalarAccesses) {
  {
    Elementwise2D g(6, 12);
    auto h = compute("H", {6, 12}, [&](const Vars& v) {
      return ir::Cast::make(ir::DType::f16(), at(g.c, {v[0], v[1]}));
    });
    auto s = create_schedule({h});
    s[g.c].compute_inline();
    auto& st = s[h];
    vectorize_columns(st);
    auto p =
        check_schedule(s, {g.a, g.b}, {h}, g.inputs(6, 12), {}, 1e-2, target_by_name("webgpu-f16"));
    auto text = kernel_text(p);
    EXPECT_THAT(text, ::testing::HasSubstr("A_vec0.z"));
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("vec4(")));
  }
  {
    Elementwise2D g(6, 10);
    auto s = create_schedule({g.c});
    auto& st = s[g.c];
    vectorize_columns(st);
    auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(6, 10));
    EXPECT_THAT(kernel_text(p), ::testing::HasSubstr("vectorized ("));
    EXPECT_THAT(kernel_text(p), ::testing::Not(::testing::HasSubstr("+: 4]")));
  }
}

TEST(LowerBasic, ReductionMultiAxisSplit) {
  // S(i) = sum over (r, q) of A(i, r, q) * (r - q)
  auto a = placeholder("A", {5, 7, 6});
  auto r = reduce_axis(7, "r"), q = reduce_axis(6, "q");
  auto c = compute("S", {5}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(a, {v[0], r->var, q->var}),
                             ir::Cast::make(ir::DType::f32(), ir::Sub::make(r->var, q->var))),
               {r, q});
  });
  auto s = create_schedule({c});
  auto& st = s[c];
  auto [ro, ri] = st.split(st.reduce_axis(0), 3);
  st.reorder({ro, st.axis(0), ri});
  st.unroll(ri);
  check_schedule(s, {a}, {c}, {{"A", random_tensor({5, 7, 6}, 5)}}, {}, 1e-4);
}

TEST(LowerBasic, ReductionSymbolicBound) {
  Expr n = sym("n"), k = sym("k");
  auto a = placeholder("A", {n, k});
  auto r = reduce_axis(k, "r");
  auto c = compute("M", {n}, [&](const Vars& v) { return rmax(at(a, {v[0], r->var}), {r}); });
  auto s = create_schedule({c});
  auto& st = s[c];
  auto [o, i] = st.split(st.axis(0), 4);
  st.bind(o, ThreadAxis::WorkgroupId, 0).bind(i, ThreadAxis::LocalId, 0);
  check_schedule(s, {a}, {c}, {{"A", random_tensor({9, 5}, 6)}});
}

TEST(LowerBasic, MultipleOutputsAndIntermediate) {
  auto a = placeholder("A", {10});
  auto b = compute("B", {10},
                   [&](const Vars& v) { return ir::Mul::make(at(a, {v[0]}), at(a, {v[0]})); });
  auto c =
      compute("C", {10}, [&](const Vars& v) { return ir::Add::make(at(b, {v[0]}), Expr(1.0f)); });
  auto d = compute("D", {10},
                   [&](const Vars& v) { return ir::Sub::make(at(b, {v[0]}), at(a, {v[0]})); });
  auto s = create_schedule({c, d});
  auto [o, i] = s[b].split(s[b].axis(0), 4);
  s[b].bind(i, ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {a}, {c, d}, {{"A", random_tensor({10}, 7)}});
  ASSERT_EQ(p.kernels.size(), 3u);
  ASSERT_EQ(p.tensors.size(), 4u);
  EXPECT_EQ(p.tensors[3].role, ir::TensorRole::Intermediate);
  EXPECT_EQ(p.tensors[3].buffer->name, "B");
}

TEST(LowerBasic, InlineChain) {
  auto a = placeholder("A", {12});
  auto b =
      compute("B", {12}, [&](const Vars& v) { return ir::Mul::make(at(a, {v[0]}), Expr(3.0f)); });
  auto c =
      compute("C", {12}, [&](const Vars& v) { return ir::Add::make(at(b, {v[0]}), Expr(1.0f)); });
  auto d = compute("D", {12}, [&](const Vars& v) {
    return ir::Call::make(ir::Intrinsic::Exp, {ir::Sub::make(at(c, {v[0]}), at(b, {v[0]}))});
  });
  auto s = create_schedule({d});
  s[b].compute_inline();
  s[c].compute_inline();
  auto p = check_schedule(s, {a}, {d}, {{"A", random_tensor({12}, 8)}});
  EXPECT_EQ(p.kernels.size(), 1u);
  EXPECT_EQ(p.tensors.size(), 2u);
}

TEST(LowerBasic, ErfLegalized) {
  auto a = placeholder("A", {64});
  auto c = compute("G", {64}, [&](const Vars& v) {
    Expr x = ir::Mul::make(at(a, {v[0]}), Expr(3.0f));
    return ir::Call::make(ir::Intrinsic::Erf, {x});
  });
  auto s = create_schedule({c});
  auto p = check_schedule(s, {a}, {c}, {{"A", random_tensor({64}, 9)}}, {}, 1e-6);
  EXPECT_THAT(kernel_text(p), ::testing::Not(::testing::HasSubstr("erf(")));
}

TEST(LowerBasic, Float16AndInt) {
  auto a = placeholder("A", {16}, ir::DType::f16());
  auto b = placeholder("B", {16}, ir::DType::i32());
  auto c = compute("C", {16}, [&](const Vars& v) {
    return ir::Add::make(at(a, {v[0]}),
                         ir::Cast::make(ir::DType::f16(), ir::Div::make(at(b, {v[0]}), Expr(7))));
  });
  auto s = create_schedule({c});
  s[c].bind(s[c].axis(0), ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {a, b}, {c},
                          {{"A", random_tensor({16}, 10, ir::DType::f16())},
                           {"B", random_tensor({16}, 11, ir::DType::i32())}},
                          {}, 1e-5, target_by_name("webgpu-f16"));
  EXPECT_TRUE(p.kernels[0].uses_f16);
}

}  // namespace
}  // namespace webtx::testing
