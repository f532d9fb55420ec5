// The IR utilities every pass shares: the one list of binary nodes (BinaryExpr, make_binary,
// visit_binary/mutate_binary), structural equality, substitution, the folding operators, and
// the split/fuse relations as a variant.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "webtx/ir.hpp"
#include "webtx/lower/hoist_guards.hpp"
#include "webtx/lower/merge_guards.hpp"
#include "webtx/schedule.hpp"

namespace webtx::testing {
namespace {

using ir::DType, ir::Expr, ir::ExprKind;

Expr ivar(const char* n) { return ir::Variable::make(DType::i32(), n); }

std::vector<ExprKind> binary_kinds() {
  return {
#define WEBTX_X(n) ExprKind::n,
      WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
  };
}

TEST(IrUtils, EveryBinaryKindRoundTripsThroughTheCommonBase) {
  Expr x = ivar("x"), y = ivar("y");
  Expr p = ir::LT::make(x, y), q = ir::GT::make(x, y);  // bools for And/Or
  std::set<ExprKind> seen;
  for (ExprKind k : binary_kinds()) {
    bool logic = k == ExprKind::And || k == ExprKind::Or;
    Expr e = ir::make_binary(k, logic ? p : x, logic ? q : y);
    ASSERT_EQ(e.kind(), k);
    EXPECT_TRUE(ir::is_binary(k));
    const ir::BinaryExpr* b = e.as_binary();
    ASSERT_NE(b, nullptr);
    EXPECT_TRUE(b->a.same_as(logic ? p : x));
    EXPECT_TRUE(b->b.same_as(logic ? q : y));
    EXPECT_EQ(e.type(), ir::is_comparison(k) || logic ? DType::boolean() : DType::i32());
    // The printer goes through visit_binary: infix operators, min/max as calls.
    std::string text = ir::to_string(e);
    if (const char* sym = ir::binary_infix(k)) {
      EXPECT_NE(text.find(std::string(" ") + sym + " "), std::string::npos) << text;
    } else {
      EXPECT_EQ(text, k == ExprKind::Min ? "min(x, y)" : "max(x, y)");
    }
    seen.insert(k);
  }
  EXPECT_EQ(seen.size(), 15u);
  EXPECT_EQ(ir::Expr(3).as_binary(), nullptr);
  EXPECT_EQ(ir::Not::make(p).as_binary(), nullptr);
}

TEST(IrUtils, DefaultMutatorRebuildsOnlyChangedBinaryNodes) {
  struct Rename : ir::IRMutator {
    const ir::ExprNode* from;
    Expr to;
    Expr mutate_Variable(const Expr& e, const ir::Variable&) override {
      return e.get() == from ? to : e;
    }
  };
  Expr x = ivar("x"), y = ivar("y"), z = ivar("z");
  for (ExprKind k : binary_kinds()) {
    if (k == ExprKind::And || k == ExprKind::Or) continue;
    Expr e = ir::make_binary(k, x, y);
    Rename r;
    r.from = z.get(), r.to = x;
    EXPECT_TRUE(r.mutate(e).same_as(e)) << "unchanged nodes are kept";
    r.from = x.get(), r.to = z;
    Expr m = r.mutate(e);
    ASSERT_EQ(m.kind(), k);
    EXPECT_TRUE(m.as_binary()->a.same_as(z));
  }
}

TEST(IrUtils, DeepEqualIsStructuralWithVariablesByIdentity) {
  Expr x = ivar("x"), x2 = ivar("x");
  EXPECT_TRUE(ir::deep_equal(ir::Add::make(x, 1), ir::Add::make(x, 1)));
  EXPECT_FALSE(ir::deep_equal(ir::Add::make(x, 1), ir::Add::make(x2, 1)));  // same name only
  EXPECT_FALSE(ir::deep_equal(ir::Add::make(x, 1), ir::Sub::make(x, 1)));
  EXPECT_FALSE(ir::deep_equal(ir::Mod::make(x, 4), ir::Div::make(x, 4)));
  EXPECT_FALSE(ir::deep_equal(Expr(1), Expr(1.0f)));
  EXPECT_TRUE(ir::deep_equal(ir::Select::make(ir::LT::make(x, 3), x, Expr(0)),
                             ir::Select::make(ir::LT::make(x, 3), x, Expr(0))));
  EXPECT_FALSE(ir::deep_equal(Expr(), x));
}

TEST(IrUtils, SubstituteReachesReductionRangesAndKeepsUntouchedNodes) {
  Expr n = ivar("n"), k = ivar("k"), i = ivar("i");
  auto ax = ir::make_iter_var(k, 0, n, ir::IterKind::Reduce);
  Expr red = ir::Reduce::make(ir::ReduceOp::Sum, ir::Cast::make(DType::f32(), k), {ax});
  Expr e = red;
  ir::VarMap m{{n.get(), Expr(8)}};
  Expr s = ir::substitute(e, m);
  ASSERT_FALSE(s.same_as(e));
  EXPECT_EQ(ir::to_string(s.as<ir::Reduce>()->axes[0]->extent), "8");
  ir::VarMap other{{i.get(), Expr(1)}};
  EXPECT_TRUE(ir::substitute(e, other).same_as(e));
  EXPECT_TRUE(ir::uses_var(ir::Mul::make(i, n), n.get()));
  EXPECT_FALSE(ir::uses_var(ir::Mul::make(i, 2), n.get()));
}

// contains<Nodes...> finds a node of any listed kind, expression or statement, at any depth;
// contains_if<N> only one with the property asked.
TEST(IrUtils, ContainsFindsNodesOfAKindAndWithAProperty) {
  Expr x = ivar("x"), i = ivar("i");
  ir::Buffer g = ir::make_buffer("g", DType::f32(), ir::MemScope::Global, {Expr(8)});
  ir::Buffer w = ir::make_buffer("w", DType::f32(), ir::MemScope::Workgroup, {Expr(8)});
  Expr local = ir::ThreadIndex::make(ir::ThreadAxis::LocalId, 0);
  Expr e = ir::Add::make(ir::Load::make(w, ir::Mul::make(x, local)), Expr(1.0f));
  ir::Stmt body = ir::For::make(i, Expr(0), Expr(4), ir::ForKind::Serial,
                                ir::Seq::make({ir::Store::make(g, e, i), ir::Barrier::make()}));
  EXPECT_TRUE(ir::contains<ir::Load>(e));
  EXPECT_FALSE(ir::contains<ir::ProducerLoad>(e));
  EXPECT_TRUE((ir::contains<ir::ProducerLoad, ir::ThreadIndex>(e)));
  EXPECT_TRUE(ir::contains<ir::Barrier>(body));
  EXPECT_TRUE(ir::contains<ir::Load>(body));  // expressions inside statements
  EXPECT_FALSE(ir::contains<ir::Barrier>(ir::Store::make(g, e, i)));
  auto global = [](const ir::Load& l) { return l.buffer->scope == ir::MemScope::Global; };
  EXPECT_FALSE(ir::contains_if<ir::Load>(body, global));
  EXPECT_TRUE(ir::contains_if<ir::Load>(ir::Add::make(e, ir::Load::make(g, x)), global));
  EXPECT_TRUE(
      ir::contains_if<ir::Variable>(e, [&](const ir::Variable& v) { return &v == x.get(); }));
  EXPECT_FALSE(
      ir::contains_if<ir::Variable>(e, [&](const ir::Variable& v) { return &v == i.get(); }));
  EXPECT_TRUE(ir::uses_var(e, x.get()));
  EXPECT_TRUE(ir::reads_memory(e));
  EXPECT_FALSE(ir::reads_memory(ir::Mul::make(x, local)));
}

TEST(IrUtils, FoldingOperatorsFoldConstantsAndIdentities) {
  namespace f = ir::fold;
  Expr x = ivar("x");
  EXPECT_EQ(ir::as_const(f::add(Expr(2), Expr(3))), 5);
  EXPECT_TRUE(f::add(x, Expr(0)).same_as(x));
  EXPECT_TRUE(f::mul(Expr(1), x).same_as(x));
  EXPECT_TRUE(ir::is_const(f::mul(x, Expr(0)), 0));
  EXPECT_EQ(ir::as_const(f::div(Expr(-7), Expr(2))), -3);  // truncates like Div
  EXPECT_EQ(ir::as_const(f::mod(Expr(-7), Expr(2))), -1);
  EXPECT_EQ(ir::to_string(f::ceil_div(x, Expr(4))), "((x + 3) / 4)");
  EXPECT_TRUE(f::logical_and(Expr(), ir::LT::make(x, 2)).defined());
}

TEST(IrUtils, RelationsAreAVariantReplayedPerKind) {
  auto a = ir::make_placeholder("A", DType::f32(), {Expr(8), Expr(6)});
  auto ax = [](const char* n, int e) {
    return ir::make_iter_var(ivar(n), 0, Expr(e), ir::IterKind::DataPar);
  };
  auto i = ax("i", 8), j = ax("j", 6);
  auto c = ir::make_compute("C", {i, j}, ir::ProducerLoad::make(a, {i->var, j->var}));
  Schedule s({c});
  Stage& st = s[c];
  auto fused = st.fuse(st.axis(0), st.axis(1));
  st.split(fused, 4);
  ASSERT_EQ(st.relations().size(), 2u);
  int splits = 0, fuses = 0;
  for (auto& rel : st.relations())
    std::visit(Overloaded{[&](const SplitRel& r) { splits += r.factor == 4; },
                          [&](const FuseRel& r) { fuses += r.fused == fused; }},
               rel);
  EXPECT_EQ(splits, 1);
  EXPECT_EQ(fuses, 1);
  EXPECT_TRUE(std::holds_alternative<FuseRel>(st.relations()[0]));
}

// merge_adjacent_guards (webtx/lower/merge_guards.hpp): `if (c) A; if (c) B` becomes one
// guard; a different condition, a barrier between, an else branch or a condition that reads
// memory keep them apart.
TEST(MergeGuards, AdjacentEqualConditionsBecomeOneGuard) {
  Expr x = ivar("x");
  auto buf =
      ir::make_buffer("b", DType::f32(), ir::MemScope::Global, {ir::IntImm::make(DType::i32(), 8)});
  auto k = [](int64_t v) { return ir::IntImm::make(DType::i32(), v); };
  auto store = [&](int64_t at) {
    return ir::Store::make(buf, ir::FloatImm::make(DType::f32(), 1.0), k(at));
  };
  Expr c = ir::LT::make(x, k(5)), c_again = ir::LT::make(x, k(5)), other = ir::LT::make(x, k(6));
  Expr reads = ir::LT::make(ir::Load::make(buf, k(0)), ir::FloatImm::make(DType::f32(), 0.5));
  auto guard = [](Expr e, ir::Stmt s) { return ir::IfThenElse::make(e, s); };
  ir::Stmt body = ir::Seq::make(
      {guard(c, store(0)), guard(c_again, store(1)), guard(c, store(2)), guard(other, store(3)),
       ir::Barrier::make(), guard(other, store(4)), guard(reads, store(5)), guard(reads, store(6)),
       ir::IfThenElse::make(c, store(7), store(0)), guard(c, store(1))});
  ir::Stmt merged = lowering::merge_adjacent_guards(body);
  auto* seq = merged.as<ir::Seq>();
  ASSERT_NE(seq, nullptr);
  // [c: 0 1 2] [other: 3] barrier [other: 4] [reads: 5] [reads: 6] [c: 7 else 0] [c: 1]
  ASSERT_EQ(seq->stmts.size(), 8u) << ir::to_string(merged);
  auto* first = seq->stmts[0].as<ir::IfThenElse>();
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(ir::deep_equal(first->cond, c));
  const std::string text = ir::to_string(seq->stmts[0]);
  for (const char* at : {"b[0]", "b[1]", "b[2]"})
    EXPECT_NE(text.find(at), std::string::npos) << text;
  EXPECT_NE(seq->stmts[2].as<ir::Barrier>(), nullptr);
  EXPECT_EQ(ir::to_string(lowering::merge_adjacent_guards(merged)), ir::to_string(merged));
}

// A loop-invariant guard under the lets bind_threads puts in a loop body (`let k_inner =
// local_id.x`) leaves the loop; a conjunct naming a let or the loop variable stays (GPU fuzz
// seed 30996: 8 unrolled copies of a guard on workgroup_id / n, 17 s per kernel on SwiftShader).
TEST(HoistGuards, InvariantGuardUnderLetsLeavesTheLoop) {
  auto k = [](int64_t v) { return ir::IntImm::make(DType::i32(), v); };
  Expr i = ivar("i"), t = ivar("t"), n = ivar("n"), w = ivar("w");
  auto buf = ir::make_buffer("b", DType::f32(), ir::MemScope::Global, {k(64)});
  ir::Stmt store = ir::Store::make(buf, ir::FloatImm::make(DType::f32(), 1.0), ir::Add::make(i, t));
  Expr invariant = ir::LT::make(ir::Div::make(w, n), k(2)), varying = ir::LT::make(t, i);
  ir::Stmt body = ir::LetStmt::make(t, ir::ThreadIndex::make(ir::ThreadAxis::LocalId, 0),
                                    ir::IfThenElse::make(ir::And::make(invariant, varying), store));
  ir::Stmt loop = ir::For::make(i, k(0), k(8), ir::ForKind::Unrolled, body);
  ir::Stmt out = lowering::hoist_invariant_guards(loop);
  auto* outer = out.as<ir::IfThenElse>();
  ASSERT_NE(outer, nullptr) << ir::to_string(out);
  EXPECT_TRUE(ir::deep_equal(outer->cond, invariant)) << ir::to_string(out);
  auto* f = outer->then_case.as<ir::For>();
  ASSERT_NE(f, nullptr) << ir::to_string(out);
  auto* let = f->body.as<ir::LetStmt>();
  ASSERT_NE(let, nullptr) << ir::to_string(out);
  auto* inner = let->body.as<ir::IfThenElse>();
  ASSERT_NE(inner, nullptr) << ir::to_string(out);
  EXPECT_TRUE(ir::deep_equal(inner->cond, varying)) << ir::to_string(out);
}

// An invariant if/else in a loop body, under an invariant one-sided guard, is unswitched:
// one loop per side, the test out of every step (GPU fuzz seed 62915: a padded reduction
// tail's `if (in) acc += x else acc = 0` in 38 unrolled steps, over 120 s on SwiftShader). A
// condition that names the loop variable keeps its if/else inside.
TEST(HoistGuards, InvariantIfElseIsUnswitched) {
  auto k = [](int64_t v) { return ir::IntImm::make(DType::i32(), v); };
  Expr i = ivar("i"), z = ivar("z"), n = ivar("n");
  auto buf = ir::make_buffer("b", DType::f32(), ir::MemScope::Workgroup, {k(8)});
  auto one = ir::FloatImm::make(DType::f32(), 1.0), zero = ir::FloatImm::make(DType::f32(), 0.0);
  auto side = [&](Expr cond) {
    return ir::IfThenElse::make(
        ir::EQ::make(z, k(0)),
        ir::IfThenElse::make(cond, ir::Store::make(buf, one, i), ir::Store::make(buf, zero, i)));
  };
  Expr invariant = ir::LT::make(z, n);
  ir::Stmt out = lowering::hoist_invariant_guards(
      ir::For::make(i, k(0), k(8), ir::ForKind::Unrolled, side(invariant)));
  // if (z == 0) { if (z < n) for {b[i] = 1} else for {b[i] = 0} }
  auto* outer = out.as<ir::IfThenElse>();
  ASSERT_NE(outer, nullptr) << ir::to_string(out);
  auto* sw = outer->then_case.as<ir::IfThenElse>();
  ASSERT_NE(sw, nullptr) << ir::to_string(out);
  EXPECT_TRUE(ir::deep_equal(sw->cond, invariant)) << ir::to_string(out);
  ASSERT_NE(sw->then_case.as<ir::For>(), nullptr) << ir::to_string(out);
  ASSERT_NE(sw->else_case.as<ir::For>(), nullptr) << ir::to_string(out);
  EXPECT_NE(sw->then_case.as<ir::For>()->body.as<ir::Store>(), nullptr) << ir::to_string(out);
  EXPECT_NE(sw->else_case.as<ir::For>()->body.as<ir::Store>(), nullptr) << ir::to_string(out);

  Expr varying = ir::LT::make(i, n);
  ir::Stmt kept = lowering::hoist_invariant_guards(
      ir::For::make(i, k(0), k(8), ir::ForKind::Unrolled, side(varying)));
  auto* g = kept.as<ir::IfThenElse>();
  ASSERT_NE(g, nullptr) << ir::to_string(kept);
  auto* f = g->then_case.as<ir::For>();
  ASSERT_NE(f, nullptr) << ir::to_string(kept);
  auto* inner = f->body.as<ir::IfThenElse>();
  ASSERT_NE(inner, nullptr) << ir::to_string(kept);
  EXPECT_TRUE(inner->else_case.defined()) << ir::to_string(kept);
}

}  // namespace
}  // namespace webtx::testing
