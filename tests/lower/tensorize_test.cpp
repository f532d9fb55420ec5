// tensorize: a matmul-like reduction computed with subgroup matrices. run_program (which
// evaluates MatrixOps exactly, 32-invocation subgroups) must give exactly the numbers of the
// unscheduled graph on exactly-representable inputs, for every layout, accumulation type,
// buffering, shape and symbolic extents; every misuse is a UserError naming stage and axis.
#include "test_util.hpp"
#include "webtx/codegen/wgsl.hpp"

namespace webtx::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const Target kTarget = target_by_name("webgpu-subgroup-matrix");

struct Mm {
  ir::Operation a, b, c;
  ir::IterVar k;
};

// C[i, j] = sum_k A[i, k] * B[k, j] (or B[j, k] when nt), f16 inputs, `acc` result.
Mm matmul(Expr m, Expr n, Expr k, bool nt, ir::DType acc) {
  Mm g;
  g.a = placeholder("A", {m, k}, ir::DType::f16());
  g.b = placeholder("B", nt ? std::vector<Expr>{n, k} : std::vector<Expr>{k, n}, ir::DType::f16());
  g.k = reduce_axis(k, "k");
  g.c = compute("C", {m, n}, [&](const Vars& v) {
    Expr x = at(g.a, {v[0], g.k->var});
    Expr y = nt ? at(g.b, {v[1], g.k->var}) : at(g.b, {g.k->var, v[1]});
    if (acc != ir::DType::f16()) x = ir::Cast::make(acc, x), y = ir::Cast::make(acc, y);
    return sum(ir::Mul::make(x, y), {g.k});
  });
  return g;
}

// Multiples of 1/step in [-1, 1]: every product and partial sum below is exact in f32 (and,
// for step 4 and K <= 64, in f16).
eval::HostTensor exact(std::vector<int64_t> shape, unsigned seed, int step) {
  eval::HostTensor h(ir::DType::f16(), std::move(shape));
  std::mt19937 g(seed);
  std::uniform_int_distribution<int> d(-step, step);
  for (int64_t i = 0; i < h.size(); ++i) h.set_f(i, static_cast<double>(d(g)) / step);
  return h;
}

TensorizeConfig small_config() {
  TensorizeConfig c;
  c.block_m = 32, c.block_n = 32, c.block_k = 32;
  c.subgroups_m = 1, c.subgroups_n = 2;  // 64 invocations; each subgroup 32 x 16
  c.group_m = 2;
  return c;
}

struct Case {
  int64_t m, n, k;
  bool nt, f16acc, symbolic;
  TensorizeConfig cfg;
};

ir::Program run_case(const Case& c) {
  Expr M = c.symbolic ? sym("M") : Expr(static_cast<int>(c.m));
  Expr N = c.symbolic ? sym("N") : Expr(static_cast<int>(c.n));
  Expr K = c.symbolic ? sym("K") : Expr(static_cast<int>(c.k));
  const ir::DType acc = c.f16acc ? ir::DType::f16() : ir::DType::f32();
  Mm g = matmul(M, N, K, c.nt, acc);
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), c.cfg);
  const int step = c.f16acc ? 4 : 32;
  eval::TensorMap in;
  in["A"] = exact({c.m, c.k}, 1, step);
  in["B"] = exact(c.nt ? std::vector<int64_t>{c.n, c.k} : std::vector<int64_t>{c.k, c.n}, 2, step);
  // Exactly the unscheduled graph's numbers (tolerance 0).
  ir::Program p = check_schedule(s, {g.a, g.b}, {g.c}, in, {}, 0.0, kTarget);
  EXPECT_EQ(p.kernels.size(), 1u);
  EXPECT_EQ(p.kernels[0].subgroup_matrix_size, 32);
  return p;
}

TEST(Tensorize, OneBlockF32Accumulation) {
  TensorizeConfig c;
  c.block_m = 16, c.block_n = 16, c.block_k = 16, c.subgroups_m = 1, c.subgroups_n = 1;
  c.pad = 0;
  // 16x16x16: one fragment, one multiply-accumulate, 32 invocations copy one vector each.
  ir::Program p = run_case({16, 16, 16, false, false, false, c});
  EXPECT_EQ(p.kernels[0].workgroup_size[0], 32);
}

TEST(Tensorize, ManyWorkgroupsNN) { run_case({96, 64, 96, false, false, false, small_config()}); }

TEST(Tensorize, TransposedB) { run_case({64, 96, 64, true, false, false, small_config()}); }

TEST(Tensorize, F16Accumulation) { run_case({64, 64, 64, false, true, false, small_config()}); }

TEST(Tensorize, DoubleBuffer) {
  TensorizeConfig c = small_config();
  c.double_buffer = true;
  run_case({64, 64, 128, false, false, false, c});
  run_case({64, 64, 96, true, false, false, c});
}

TEST(Tensorize, Shape16x8x16AndFourSubgroups) {
  TensorizeConfig c = small_config();
  c.n = 8, c.subgroups_m = 2, c.subgroups_n = 2;  // each subgroup 16 x 16 = two 16x8 results
  run_case({64, 64, 64, false, false, false, c});
  c.k = 8;
  run_case({32, 64, 64, true, false, false, c});
}

TEST(Tensorize, SymbolicExtents) {
  ir::Program p = run_case({96, 64, 64, false, false, true, small_config()});
  EXPECT_EQ(p.symbols.size(), 3u);
  // M, N, K multiples of the tile, rows of A and B multiples of 8: checked per call.
  ASSERT_EQ(p.checks.size(), 5u);
  eval::TensorMap in;
  in["A"] = exact({80, 64}, 1, 32);
  in["B"] = exact({64, 64}, 2, 32);
  EXPECT_USER_ERROR(eval::run_program(p, in),
                    AllOf(HasSubstr("stage 'C' (tensorized) needs axis 'i' extent M to be a "
                                    "multiple of block_m 32"),
                          HasSubstr("= 16, must be <= 0")));
}

TEST(Tensorize, WgslUsesSlicesWithConstantOffsets) {
  TensorizeConfig c = small_config();
  Mm g = matmul(4096, 4096, 4096, false, ir::DType::f32());
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), TensorizeConfig{});
  LowerOptions lo;
  lo.target = kTarget;
  ir::Program p = lower(s, "mm", {g.a, g.b}, {g.c}, lo);
  std::string w = codegen::emit_wgsl(p.kernels.at(0), kTarget);
  EXPECT_THAT(
      w,
      AllOf(HasSubstr("enable f16;"), HasSubstr("enable chromium_experimental_subgroup_matrix;"),
            HasSubstr("array<vec4<u32>>"),                   // A, B: 8 halves per element
            HasSubstr(": array<array<vec4<u32>, 346>, 2>"),  // A: 2 slices
            HasSubstr("subgroup_matrix_result<f32, 16, 16>()"),
            HasSubstr("subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, "
                      "row_major>(&C_As[a_slice], 0u, 5u)"),
            HasSubstr("subgroupMatrixMultiplyAccumulate("), HasSubstr("(&C_As[a_slice], 82u, 5u)"),
            HasSubstr("subgroupMatrixStore<row_major>(&C,")));
  (void)c;
}

// A dense layer: x [M, K] f16 times w [N, K] f16 (NT), then bias and a scale in f32 as stages of
// their own, scheduled by auto_schedule around the tensorized stage (which it leaves alone).
TEST(Tensorize, DenseLayerWithAutoScheduledEpilogue) {
  auto x = placeholder("x", {64, 64}, ir::DType::f16());
  auto w = placeholder("w", {64, 64}, ir::DType::f16());
  auto b = placeholder("b", {64});
  auto k = reduce_axis(64, "k");
  auto f32 = ir::DType::f32();
  auto mm = compute("dense", {64, 64}, [&](const Vars& v) {
    return sum(ir::Mul::make(ir::Cast::make(f32, at(x, {v[0], k->var})),
                             ir::Cast::make(f32, at(w, {v[1], k->var}))),
               {k});
  });
  auto y = compute("y", {64, 64}, [&](const Vars& v) {
    return ir::Mul::make(ir::Add::make(at(mm, {v[0], v[1]}), at(b, {v[1]})), Expr(0.5f));
  });
  auto s = create_schedule({y});
  auto& st = s[mm];
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), small_config());
  auto_schedule(s);
  eval::TensorMap in;
  in["x"] = exact({64, 64}, 3, 32);
  in["w"] = exact({64, 64}, 4, 32);
  in["b"] = random_tensor({64}, 5);
  ir::Program p = check_schedule(s, {x, w, b}, {y}, in, {}, 1e-6, kTarget);
  ASSERT_EQ(p.kernels.size(), 2u);
  EXPECT_EQ(p.kernels[0].subgroup_matrix_size, 32);  // dense, then the epilogue
  EXPECT_EQ(p.kernels[1].subgroup_matrix_size, 0);
}

// An operand computed by an injective stage (relu of an f16 input, symbolic rows): auto_schedule
// keeps it a kernel of its own, written to memory for the tensorized stage to copy (it would
// otherwise inline it into its reader), with its injective rule's grid: the symbolic rows on
// grid y, so a large M does not overflow grid x (mlp_f16_tc's layer1_relu at batch 4096).
TEST(Tensorize, OperandStageIsAKernelOfItsOwn) {
  Expr M = sym("M");
  Mm g = matmul(M, 64, 64, false, ir::DType::f32());
  auto xr = compute("xr", {M, 64}, [&](const Vars& v) {
    return ir::Max::make(at(g.a, {v[0], v[1]}), ir::Cast::make(ir::DType::f16(), Expr(0.0f)));
  });
  auto c = compute("C2", {M, 64}, [&](const Vars& v) {
    auto f32 = ir::DType::f32();
    return sum(ir::Mul::make(ir::Cast::make(f32, at(xr, {v[0], g.k->var})),
                             ir::Cast::make(f32, at(g.b, {g.k->var, v[1]}))),
               {g.k});
  });
  auto s = create_schedule({c});
  auto& st = s[c];
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), small_config());
  auto groups = auto_schedule(s);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].root, "xr");
  EXPECT_EQ(groups[0].rule, "injective");
  eval::TensorMap in;
  in["A"] = exact({96, 64}, 6, 32);
  in["B"] = exact({64, 64}, 7, 32);
  ir::Program p = check_schedule(s, {g.a, g.b}, {c}, in, {}, 0.0, kTarget);
  ASSERT_EQ(p.kernels.size(), 2u);
  EXPECT_EQ(p.kernels[0].subgroup_matrix_size, 0);  // xr, then the matmul
  EXPECT_EQ(p.kernels[1].subgroup_matrix_size, 32);
  EXPECT_TRUE(ir::as_const(p.kernels[0].grid[0]).has_value())
      << ir::to_string(p.kernels[0].grid[0]);
  EXPECT_THAT(ir::to_string(p.kernels[0].grid[1]), HasSubstr("M"));
}

// ---- errors -----------------------------------------------------------------------------------

std::string lower_error(const Mm& g, const TensorizeConfig& c, const Target& t) {
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), c);
  LowerOptions lo;
  lo.target = t;
  try {
    lower(s, "test", {g.a, g.b}, {g.c}, lo);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(TensorizeErrors, TargetWithoutTheFeature) {
  Mm g = matmul(64, 64, 64, false, ir::DType::f32());
  EXPECT_THAT(
      lower_error(g, small_config(), target_by_name("webgpu-large-f16")),
      AllOf(HasSubstr("stage 'C': tensorize"), HasSubstr("webgpu-large-f16"),
            HasSubstr("chromium-experimental-subgroup-matrix"),
            HasSubstr("build for 'webgpu-subgroup-matrix'"), HasSubstr("tensorize_test.cpp")));
}

TEST(TensorizeErrors, ShapeTheTargetLacks) {
  Mm g = matmul(64, 64, 64, false, ir::DType::f32());
  TensorizeConfig c = small_config();
  c.m = 32, c.block_m = 64;
  EXPECT_THAT(lower_error(g, c, kTarget),
              AllOf(HasSubstr("stage 'C'"), HasSubstr("block 32x16x16"), HasSubstr("axis 'i'"),
                    HasSubstr("supported shapes (M x N x K): 16x16x16, 16x8x16, 16x8x8")));
  c = small_config();
  c.k = 8;  // 16x16x8: each size exists, the combination does not
  EXPECT_THAT(lower_error(g, c, kTarget),
              AllOf(HasSubstr("axis 'k' has 8 in this combination"), HasSubstr("16x8x8")));
  // A target whose only shape is f16->f16 16x16x16 rejects f32 results.
  Target t = kTarget;
  t.matrix_configs = {{"f16", "f16", 16, 16, 16}};
  EXPECT_THAT(lower_error(g, small_config(), t),
              AllOf(HasSubstr("for f16->f32"), HasSubstr("supported shapes (M x N x K): none")));
}

TEST(TensorizeErrors, WrongDtypesAndBodies) {
  Mm f32in;
  f32in.a = placeholder("A", {64, 64});
  f32in.b = placeholder("B", {64, 64});
  auto k = reduce_axis(64, "k");
  f32in.c = compute("C", {64, 64}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(f32in.a, {v[0], k->var}), at(f32in.b, {k->var, v[1]})), {k});
  });
  EXPECT_THAT(lower_error(f32in, small_config(), kTarget),
              AllOf(HasSubstr("tensor 'A' is f32"), HasSubstr("multiply f16 inputs")));

  Mm add = matmul(64, 64, 64, false, ir::DType::f32());
  auto k2 = reduce_axis(64, "k");
  add.c = compute("C", {64, 64}, [&](const Vars& v) {
    return sum(ir::Add::make(ir::Cast::make(ir::DType::f32(), at(add.a, {v[0], k2->var})),
                             ir::Cast::make(ir::DType::f32(), at(add.b, {k2->var, v[1]}))),
               {k2});
  });
  EXPECT_THAT(lower_error(add, small_config(), kTarget), HasSubstr("is not matmul-like"));

  Mm swapped = matmul(64, 64, 64, false, ir::DType::f32());
  auto k3 = reduce_axis(64, "k");
  swapped.c = compute("C", {64, 64}, [&](const Vars& v) {
    return sum(ir::Mul::make(ir::Cast::make(ir::DType::f32(), at(swapped.a, {k3->var, v[0]})),
                             ir::Cast::make(ir::DType::f32(), at(swapped.b, {k3->var, v[1]}))),
               {k3});
  });
  EXPECT_THAT(lower_error(swapped, small_config(), kTarget),
              AllOf(HasSubstr("no factor reads [i, k]"), HasSubstr("stage 'C'")));
}

TEST(TensorizeErrors, ExtentsTheTileDoesNotDivide) {
  Mm g = matmul(64, 48, 64, false, ir::DType::f32());
  EXPECT_THAT(lower_error(g, small_config(), kTarget),
              AllOf(HasSubstr("axis 'j' has extent 48, not a multiple of block_n 32")));
  Mm h = matmul(64, 64, 40, false, ir::DType::f32());
  EXPECT_THAT(lower_error(h, small_config(), kTarget),
              HasSubstr("axis 'k' has extent 40, not a multiple of block_k 32"));
}

TEST(TensorizeErrors, ScheduleCalls) {
  Mm g = matmul(64, 64, 64, false, ir::DType::f32());
  auto s = create_schedule({g.c});
  auto& st = s[g.c];
  TensorizeConfig bad = small_config();
  bad.block_n = 24;
  EXPECT_USER_ERROR(st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), bad),
                    AllOf(HasSubstr("stage 'C': tensorize: axis 'j': block_n 24"),
                          HasSubstr("tensorize_test.cpp")));
  EXPECT_USER_ERROR(st.tensorize(st.axis(1), st.axis(0), st.reduce_axis(0), small_config()),
                    HasSubstr("axis 'j' is not the stage's row axis 'i'"));
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), small_config());
  EXPECT_USER_ERROR(st.split(st.axis(0), 4), HasSubstr("stage 'C' is tensorized: cannot split"));

  auto s2 = create_schedule({g.c});
  auto& st2 = s2[g.c];
  st2.split(st2.axis(0), 16);
  EXPECT_USER_ERROR(st2.tensorize(st2.axis(0), st2.axis(1), st2.reduce_axis(0), small_config()),
                    HasSubstr("already scheduled"));
}

}  // namespace
}  // namespace webtx::testing
