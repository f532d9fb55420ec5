// Common-subexpression elimination (webtx/lower/cse.hpp): repeats bound once by a LetStmt,
// loads and index arithmetic left alone, numbers unchanged (erf-GELU against the graph).
#include "webtx/lower/cse.hpp"
#include "test_util.hpp"
#include "webtx/lower/legalize_intrinsics.hpp"

namespace webtx::testing {
namespace {

// How many tree positions of `s` hold a FloatImm equal to v (a shared node counts each time
// it is used, as a backend printing the expression would repeat it).
int count_constant(const ir::Stmt& s, double v) {
  struct V : ir::IRVisitor {
    double v;
    int n = 0;
    void visit_FloatImm(const ir::FloatImm& f) override { n += f.value == v; }
  } c;
  c.v = v;
  c.visit(s);
  return c.n;
}

int count_lets(const ir::Stmt& s, const std::string& name) {
  struct V : ir::IRVisitor {
    std::string name;
    int n = 0;
    void visit_LetStmt(const ir::LetStmt& l) override {
      n += l.var.as<ir::Variable>()->name == name;
      ir::IRVisitor::visit_LetStmt(l);
    }
  } c;
  c.name = name;
  c.visit(s);
  return c.n;
}

constexpr double kErfPolyCoefficient = 1.061405429;  // legalize_intrinsics.hpp

TEST(Cse, RepeatIsBoundOnceLargestFirst) {
  auto f = [](const char* n) { return ir::Variable::make(ir::DType::f32(), n); };
  Expr a = f("a"), b = f("b"), c = f("c");
  auto buf = ir::make_buffer("out", ir::DType::f32(), ir::MemScope::Global, {Expr(4)});
  auto sum1 = ir::Add::make(ir::Mul::make(a, b), c), sum2 = ir::Add::make(ir::Mul::make(a, b), c);
  ir::Stmt s = ir::Store::make(buf, ir::Mul::make(sum1, sum2), Expr(0));
  ir::Stmt out = lowering::common_subexpressions(s);
  auto* let = out.as<ir::LetStmt>();
  ASSERT_NE(let, nullptr) << ir::to_string(out);
  EXPECT_TRUE(ir::deep_equal(let->value, sum1));  // a*b + c, not a*b alone
  auto* st = let->body.as<ir::Store>();
  ASSERT_NE(st, nullptr);
  EXPECT_TRUE(ir::deep_equal(st->value, ir::Mul::make(let->var, let->var)));
  EXPECT_EQ(count_lets(out, "cse"), 1);
}

TEST(Cse, LoadsAndIndexArithmeticStay) {
  auto x = ir::make_buffer("x", ir::DType::f32(), ir::MemScope::Global, {Expr(16)});
  auto buf = ir::make_buffer("out", ir::DType::f32(), ir::MemScope::Global, {Expr(16)});
  Expr i = ir::Variable::make(ir::DType::i32(), "i");
  Expr idx = ir::Add::make(ir::Mul::make(i, Expr(4)), Expr(1));
  Expr load = ir::Load::make(x, idx);
  ir::Stmt s = ir::Store::make(buf, ir::Mul::make(load, ir::Load::make(x, idx)), idx);
  EXPECT_TRUE(lowering::common_subexpressions(s).same_as(s));
}

// gelu(v) = 0.5 v (1 + erf(v / sqrt 2)), v = A[i] * 3: the erf polynomial (shared by both arms
// of the expansion's select) is evaluated once, and the numbers match the graph.
TEST(Cse, ErfGeluPolynomialOnce) {
  auto a = placeholder("A", {64});
  auto g = compute("gelu", {64}, [&](const Vars& v) {
    Expr x = ir::Mul::make(at(a, {v[0]}), Expr(3.0f));
    Expr e = ir::Call::make(ir::Intrinsic::Erf, {ir::Mul::make(x, Expr(0.70710678f))});
    return ir::Mul::make(ir::Mul::make(Expr(0.5f), x), ir::Add::make(Expr(1.0f), e));
  });
  auto s = create_schedule({g});
  auto p = check_schedule(s, {a}, {g}, {{"A", random_tensor({64}, 11)}}, {}, 1e-6);
  const ir::Stmt& body = p.kernels.at(0).body;
  EXPECT_EQ(count_constant(body, kErfPolyCoefficient), 1) << kernel_text(p);
  EXPECT_GE(count_lets(body, "cse"), 1);
  // The expansion alone: twice in the tree (what a backend would print twice), once after.
  auto buf = ir::make_buffer("y", ir::DType::f32(), ir::MemScope::Global, {Expr(1)});
  ir::Stmt raw = ir::Store::make(
      buf, lowering::detail::erf_expansion(ir::Variable::make(ir::DType::f32(), "x")), Expr(0));
  EXPECT_EQ(count_constant(raw, kErfPolyCoefficient), 2);
  EXPECT_EQ(count_constant(lowering::common_subexpressions(raw), kErfPolyCoefficient), 1);
}

}  // namespace
}  // namespace webtx::testing
