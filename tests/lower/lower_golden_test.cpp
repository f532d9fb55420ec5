// The printed structure of lowered kernels: exact text for a small case, and the features
// backends rely on (barriers outside branches, guards only where a split does not divide).
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::MemScope;
using ir::ThreadAxis;
using ::testing::HasSubstr;
using ::testing::Not;

ir::Program vector_add(Expr n, int64_t factor) {
  auto a = placeholder("A", {n}), b = placeholder("B", {n});
  auto c =
      compute("C", {n}, [&](const Vars& v) { return ir::Add::make(at(a, {v[0]}), at(b, {v[0]})); });
  auto s = create_schedule({c});
  auto [o, i] = s[c].split(s[c].axis(0), factor);
  s[c].bind(o, ThreadAxis::WorkgroupId, 0).bind(i, ThreadAxis::LocalId, 0);
  return lower(s, "vadd", {a, b}, {c});
}

TEST(LowerGolden, VectorAddDividing) {
  EXPECT_EQ(kernel_text(vector_add(64, 16)),
            "kernel C(A: f32 r, B: f32 r, C: f32 rw) workgroup_size(16, 1, 1) grid(4, 1, 1) {\n"
            "let i_outer = workgroup_id.x\n"
            "let i_inner = local_id.x\n"
            "C[((i_outer * 16) + i_inner)] = (A[((i_outer * 16) + i_inner)] + B[((i_outer * 16) + "
            "i_inner)])\n"
            "}\n");
}

TEST(LowerGolden, VectorAddNonDividingAndSymbolic) {
  EXPECT_THAT(kernel_text(vector_add(50, 16)),
              HasSubstr("if ((((i_outer * 16) + i_inner) < 50)) {"));
  auto p = vector_add(sym("n"), 16);
  EXPECT_THAT(kernel_text(p), HasSubstr("if ((((i_outer * 16) + i_inner) < n)) {"));
  EXPECT_EQ(ir::to_string(p.kernels[0].grid[0]), "((n + 15) / 16)");
  ASSERT_EQ(p.kernels[0].scalars.size(), 1u);
  EXPECT_EQ(p.kernels[0].scalars[0].as<ir::Variable>()->name, "n");
  ASSERT_EQ(p.symbols.size(), 1u);
  // Contract: inputs first, then outputs; buffers in that order with access flags.
  ASSERT_EQ(p.tensors.size(), 3u);
  EXPECT_EQ(p.tensors[0].role, ir::TensorRole::Input);
  EXPECT_EQ(p.tensors[2].role, ir::TensorRole::Output);
  auto& k = p.kernels[0];
  ASSERT_EQ(k.buffers.size(), 3u);
  EXPECT_TRUE(k.buffers[0].read && !k.buffers[0].written);
  EXPECT_TRUE(k.buffers[2].written && !k.buffers[2].read);
}

// Counts barriers and checks none is inside a branch.
struct BarrierCount : ir::IRVisitor {
  int total = 0, in_branch = 0, depth = 0;
  void visit_Barrier(const ir::Barrier&) override { ++total, in_branch += depth > 0; }
  void visit_IfThenElse(const ir::IfThenElse& op) override {
    ++depth;
    ir::IRVisitor::visit_IfThenElse(op);
    --depth;
  }
};

ir::Program shared_matmul(int m, int n, int kk) {
  auto a = placeholder("A", {m, kk}), b = placeholder("B", {kk, n});
  auto k = reduce_axis(kk, "k");
  auto c = compute("C", {m, n}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(a, {v[0], k->var}), at(b, {k->var, v[1]})), {k});
  });
  auto s = create_schedule({c});
  auto& aa = s.cache_read(a, MemScope::Workgroup, {c});
  auto& bb = s.cache_read(b, MemScope::Workgroup, {c});
  auto& st = s[c];
  auto t = st.tile(st.axis(0), st.axis(1), 4, 4);
  st.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  st.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  auto [ko, ki] = st.split(st.reduce_axis(0), 4);
  for (Stage* x : {&aa, &bb}) {
    x->compute_at(st, ko);
    x->bind(x->axis(0), ThreadAxis::LocalId, 1).bind(x->axis(1), ThreadAxis::LocalId, 0);
  }
  auto p = lower(s, "mm", {a, b}, {c});
  auto got =
      eval::run_program(p, {{"A", random_tensor({m, kk}, 1)}, {"B", random_tensor({kk, n}, 2)}});
  auto want = eval::evaluate_graph(
      {c}, {{"A", random_tensor({m, kk}, 1)}, {"B", random_tensor({kk, n}, 2)}});
  expect_close(got.at("C"), want.at("C"), "C");
  return p;
}

TEST(LowerGolden, SharedMatmulBarriersAndGuards) {
  auto p = shared_matmul(8, 8, 8);
  BarrierCount bc;
  bc.visit(p.kernels[0].body);
  EXPECT_EQ(bc.total, 2);  // before the fetch (previous step's reads) and after it
  EXPECT_EQ(bc.in_branch, 0);
  EXPECT_THAT(kernel_text(p), Not(HasSubstr("if (")));  // 4x4 tiles, K step 4: all divide
  EXPECT_EQ(p.kernels[0].workgroup_bytes, 2 * 4 * 4 * 4);

  auto q = shared_matmul(7, 9, 6);
  BarrierCount bq;
  bq.visit(q.kernels[0].body);
  // K = 6 in steps of 4: loop partitioning runs one guard-free step and a guarded tail step,
  // each with its two barriers.
  EXPECT_EQ(bq.total, 4);
  EXPECT_EQ(bq.in_branch, 0);
  EXPECT_THAT(kernel_text(q), HasSubstr("if ("));
}

TEST(LowerGolden, DumpAfterEachPass) {
  auto a = placeholder("A", {8});
  auto c = compute(
      "C", {8}, [&](const Vars& v) { return ir::Call::make(ir::Intrinsic::Erf, {at(a, {v[0]})}); });
  auto s = create_schedule({c});
  std::ostringstream os;
  LowerOptions o;
  o.dump_ir = true, o.dump = &os;
  lower(s, "m", {a}, {c}, o);
  for (const char* pass : {"schedule_ops", "bind_threads", "storage_flatten", "simplify",
                           "insert_barriers", "legalize_intrinsics"})
    EXPECT_THAT(os.str(), HasSubstr(std::string("after ") + pass));
  EXPECT_THAT(os.str(), HasSubstr("erf_arg"));
}

}  // namespace
}  // namespace webtx::testing
