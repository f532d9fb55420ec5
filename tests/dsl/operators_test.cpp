// Every DSL operator becomes the IR node it names, with the dtype the static type promises.
#include <gtest/gtest.h>

#include <webtx/webtx.hpp>

namespace {
using namespace webtx;

// The static dtype of `e` is Tag, and its IR is a Kind node of Tag's runtime type.
#define EXPECT_NODE(e, Kind, Tag)                                                             \
  do {                                                                                        \
    auto&& expr_ = (e);                                                                       \
    static_assert(std::is_same_v<typename std::remove_cvref_t<decltype(expr_)>::dtype, Tag>); \
    ir::Expr ir_ = expr_.to_ir();                                                             \
    EXPECT_EQ(ir_.kind(), ir::ExprKind::Kind) << ir::to_string(ir_);                          \
    EXPECT_EQ(ir_.type(), dsl::dtype_of<Tag>) << ir::to_string(ir_);                          \
  } while (0)

class DslOperators : public ::testing::Test {
 protected:
  Var i{"i"};
  Tensor<f32, 1> x = placeholder<f32>("x", {16});
  Tensor<f16, 1> h = placeholder<f16>("h", {16});
  Tensor<i32, 1> n = placeholder<i32>("n", {16});
  Tensor<u32, 1> u = placeholder<u32>("u", {16});
  Tensor<boolean, 1> m = placeholder<boolean>("m", {16});
};

TEST_F(DslOperators, Arithmetic) {
  EXPECT_NODE(x(i) + x(i), Add, f32);
  EXPECT_NODE(x(i) - x(i), Sub, f32);
  EXPECT_NODE(x(i) * x(i), Mul, f32);
  EXPECT_NODE(x(i) / x(i), Div, f32);
  EXPECT_NODE(x(i) % x(i), Mod, f32);
  EXPECT_NODE(n(i) + i, Add, i32);
  EXPECT_NODE(n(i) % 3, Mod, i32);
  EXPECT_NODE(u(i) / 2, Div, u32);
  EXPECT_NODE(h(i) * h(i), Mul, f16);
  EXPECT_NODE(-x(i), Sub, f32);
  EXPECT_EQ(ir::to_string((-x(i)).to_ir()), "(0.0f - x(i))");
  EXPECT_EQ(ir::to_string((-n(i)).to_ir()), "(0 - n(i))");
  EXPECT_NODE(min(x(i), x(i)), Min, f32);
  EXPECT_NODE(max(n(i), i), Max, i32);
}

TEST_F(DslOperators, LiteralsAdoptTheOtherSidesDtype) {
  EXPECT_EQ(ir::to_string((x(i) + 1.5f).to_ir()), "(x(i) + 1.5f)");
  EXPECT_EQ(ir::to_string((2.0 * x(i)).to_ir()), "(2.0f * x(i))");  // a double literal too
  EXPECT_EQ(ir::to_string((h(i) + 0.5f).to_ir()), "(h(i) + 0.5h)");
  EXPECT_EQ(ir::to_string((u(i) + 1).to_ir()), "(u(i) + 1u)");
  EXPECT_EQ(ir::to_string((3 - i).to_ir()), "(3 - i)");
  EXPECT_EQ(ir::to_string(max(x(i), 0.0f).to_ir()), "max(x(i), 0.0f)");
  EXPECT_EQ(ir::to_string((m(i) && true).to_ir()), "(m(i) && true)");
  auto half = (h(i) + 0.5f).rhs().to_ir();
  EXPECT_EQ(half.type(), ir::DType::f16());
  EXPECT_THROW(u(i) + (-1), UserError);  // does not fit u32
}

TEST_F(DslOperators, ComparisonsYieldBoolean) {
  EXPECT_NODE(x(i) == x(i), EQ, boolean);
  EXPECT_NODE(x(i) != 1.0f, NE, boolean);
  EXPECT_NODE(n(i) < i, LT, boolean);
  EXPECT_NODE(i <= 3, LE, boolean);
  EXPECT_NODE(u(i) > 7, GT, boolean);
  EXPECT_NODE(h(i) >= h(i), GE, boolean);
  EXPECT_NODE(m(i) == m(i), EQ, boolean);
  auto c = x(i) < 0.0f;
  ir::Expr e = c.to_ir();  // keep the node alive while `lt` points into it
  auto* lt = e.as<ir::LT>();
  ASSERT_NE(lt, nullptr);
  EXPECT_EQ(lt->a.type(), ir::DType::f32());
}

TEST_F(DslOperators, LogicAndSelect) {
  EXPECT_NODE(m(i) && (x(i) > 0.0f), And, boolean);
  EXPECT_NODE(m(i) || m(i), Or, boolean);
  EXPECT_NODE(!m(i), Not, boolean);
  EXPECT_NODE(select(m(i), x(i), 0.0f), Select, f32);
  EXPECT_NODE(select(i < 3, 1, n(i)), Select, i32);
  EXPECT_NODE(select(m(i), 1.0f, 2.0f), Select, f32);
  EXPECT_EQ(ir::to_string(select(x(i) > 0.0f, x(i), 0.0f).to_ir()),
            "select((x(i) > 0.0f), x(i), 0.0f)");
}

TEST_F(DslOperators, Casts) {
  EXPECT_NODE(cast<f32>(i), Cast, f32);
  EXPECT_NODE(cast<i32>(x(i)), Cast, i32);
  EXPECT_NODE(cast<f16>(x(i)), Cast, f16);
  EXPECT_NODE(cast<u32>(n(i)), Cast, u32);
  EXPECT_NODE(cast<i32>(m(i)), Cast, i32);
  EXPECT_NODE(cast<f32>(2), Cast, f32);
  EXPECT_NODE(cast<f32>(x(i)), ProducerLoad, f32);  // a cast to the same type is no node
  EXPECT_EQ(ir::to_string((cast<f32>(i) * x(i)).to_ir()), "(f32(i) * x(i))");
}

TEST_F(DslOperators, MathCalls) {
  struct Case {
    ir::Expr e;
    ir::Intrinsic f;
  };
  std::vector<Case> cases = {
      {exp(x(i)).to_ir(), ir::Intrinsic::Exp},         {log(x(i)).to_ir(), ir::Intrinsic::Log},
      {sqrt(x(i)).to_ir(), ir::Intrinsic::Sqrt},       {rsqrt(x(i)).to_ir(), ir::Intrinsic::Rsqrt},
      {tanh(x(i)).to_ir(), ir::Intrinsic::Tanh},       {erf(x(i)).to_ir(), ir::Intrinsic::Erf},
      {pow(x(i), 2.0f).to_ir(), ir::Intrinsic::Pow},   {abs(x(i)).to_ir(), ir::Intrinsic::Abs},
      {floor(x(i)).to_ir(), ir::Intrinsic::Floor},     {ceil(x(i)).to_ir(), ir::Intrinsic::Ceil},
      {sin(x(i)).to_ir(), ir::Intrinsic::Sin},         {cos(x(i)).to_ir(), ir::Intrinsic::Cos},
      {sigmoid(x(i)).to_ir(), ir::Intrinsic::Sigmoid},
  };
  for (auto& c : cases) {
    const auto* call = c.e.as<ir::Call>();
    ASSERT_NE(call, nullptr) << ir::to_string(c.e);
    EXPECT_EQ(call->func, c.f);
    EXPECT_EQ(call->type, ir::DType::f32());
    EXPECT_EQ(static_cast<int>(call->args.size()), ir::intrinsic_arity(c.f));
  }
  EXPECT_NODE(exp(h(i)), Call, f16);
  EXPECT_NODE(abs(n(i)), Call, i32);
  EXPECT_NODE(pow(2.0f, x(i)), Call, f32);
  EXPECT_EQ(ir::to_string(pow(x(i), 2.0f).to_ir()), "pow(x(i), 2.0f)");
  EXPECT_EQ(ir::to_string(sigmoid(x(i) * 2.0f).to_ir()), "sigmoid((x(i) * 2.0f))");
}

TEST_F(DslOperators, IndicesAreI32Expressions) {
  auto A = placeholder<f32>("A", {4, 5});
  RVar k(5, "k");
  ir::Expr e = A(i * 2 + 1, 3).to_ir();
  const auto* pl = e.as<ir::ProducerLoad>();
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(pl->producer, A.op());
  EXPECT_EQ(ir::to_string(e), "A(((i * 2) + 1), 3)");
  EXPECT_EQ(pl->indices[1].type(), ir::DType::i32());
  EXPECT_EQ(ir::to_string(A(n(i), cast<i32>(x(i))).to_ir()), "A(n(i), i32(x(i)))");
  EXPECT_EQ(ir::to_string(sum(A(i, k), k).to_ir()), "sum(A(i, k), axes=[k in [0, +5)])");
}

TEST_F(DslOperators, TypedExprErasesStructure) {
  TypedExpr<f32> e = x(i) * 2.0f;
  TypedExpr<f32> lit = 1.0f;
  TypedExpr<i32> idx = i + 1;
  EXPECT_NODE(e + lit, Add, f32);
  EXPECT_EQ(ir::to_string(x(idx).to_ir()), "x((i + 1))");
  auto relu = [](TypedExpr<f32> v) -> TypedExpr<f32> { return max(v, 0.0f); };
  EXPECT_EQ(ir::to_string(relu(x(i)).to_ir()), "max(x(i), 0.0f)");
  EXPECT_THROW(TypedExpr<f32>().to_ir(), UserError);
}

}  // namespace
