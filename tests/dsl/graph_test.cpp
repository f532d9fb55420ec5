// The graph the DSL builds is the one that was written: node kinds, dtypes, shapes and
// symbolic extents of placeholders and computes.
#include <gtest/gtest.h>

#include <webtx/webtx.hpp>

namespace {
using namespace webtx;

TEST(DslGraph, PlaceholderWithSymbolicAndConstantExtents) {
  Var batch("batch");
  auto x = placeholder<f32>("x", {batch, 784});
  static_assert(std::is_same_v<decltype(x), Tensor<f32, 2>>);
  const ir::Operation& op = x.op();
  EXPECT_TRUE(op->is_placeholder());
  EXPECT_EQ(x.name(), "x");
  EXPECT_EQ(op->type, ir::DType::f32());
  ASSERT_EQ(op->ndim(), 2);
  EXPECT_TRUE(op->shape[0].same_as(batch.to_ir()));  // the very Var, bound at run time
  ASSERT_NE(op->shape[1].as<ir::IntImm>(), nullptr);
  EXPECT_EQ(op->shape[1].as<ir::IntImm>()->value, 784);

  auto [B, K] = x.shape();
  EXPECT_TRUE(B.to_ir().same_as(batch.to_ir()));
  EXPECT_EQ(ir::to_string(K.to_ir()), "784");
  EXPECT_EQ(to_string(x), "placeholder x: f32[batch, 784]\n");
}

TEST(DslGraph, EveryDtypeMapsToItsIrType) {
  EXPECT_EQ(placeholder<f32>("a", {4}).op()->type, ir::DType::f32());
  EXPECT_EQ(placeholder<f16>("a", {4}).op()->type, ir::DType::f16());
  EXPECT_EQ(placeholder<i32>("a", {4}).op()->type, ir::DType::i32());
  EXPECT_EQ(placeholder<u32>("a", {4}).op()->type, ir::DType::u32());
  EXPECT_EQ(placeholder<boolean>("a", {4}).op()->type, ir::DType::boolean());
  static_assert(std::is_same_v<host_type_t<f32>, float>);
  static_assert(std::is_same_v<host_type_t<i32>, int32_t>);
  static_assert(dsl::is_dtype<f16> && !dsl::is_dtype<float>);
  static_assert(dsl::is_float_dtype<f32> && dsl::is_float_dtype<f16> && !dsl::is_float_dtype<i32>);
  static_assert(dsl::is_integer_dtype<i32> && dsl::is_integer_dtype<u32>);
  static_assert(!dsl::is_integer_dtype<boolean> && dsl::is_bool_dtype<boolean>);
  static_assert(!dsl::is_float_dtype<float> && !dsl::is_integer_dtype<int>);
}

TEST(DslGraph, ComputeAddDeducesRankDtypeAndAxes) {
  Var n("n");
  auto a = placeholder<f32>("a", {n});
  auto b = placeholder<f32>("b", {n});
  auto c = compute(
      {n}, [&](Var i) { return a(i) + b(i); }, "c");
  static_assert(std::is_same_v<decltype(c), Tensor<f32, 1>>);
  const auto& op = c.op();
  EXPECT_FALSE(op->is_placeholder());
  EXPECT_EQ(op->name, "c");
  EXPECT_EQ(op->type, ir::DType::f32());
  ASSERT_EQ(op->axis.size(), 1u);
  EXPECT_EQ(op->axis[0]->kind, ir::IterKind::DataPar);
  EXPECT_TRUE(op->axis[0]->extent.same_as(n.to_ir()));
  EXPECT_EQ(ir::to_string(op->axis[0]->min), "0");
  const auto* add = op->body.as<ir::Add>();
  ASSERT_NE(add, nullptr);
  const auto* la = add->a.as<ir::ProducerLoad>();
  ASSERT_NE(la, nullptr);
  EXPECT_EQ(la->producer, a.op());
  ASSERT_EQ(la->indices.size(), 1u);
  EXPECT_TRUE(la->indices[0].same_as(op->axis[0]->var));  // indexed by c's own loop variable
  EXPECT_EQ(add->b.as<ir::ProducerLoad>()->producer, b.op());
  EXPECT_EQ(to_string(c),
            "placeholder a: f32[n]\nplaceholder b: f32[n]\ncompute c: f32[n] (i0) = (a(i0) + "
            "b(i0))\n");
}

TEST(DslGraph, MatmulIsASumOverAnRVar) {
  Var M("M"), N("N"), K("K");
  auto A = placeholder<f32>("A", {M, K});
  auto B = placeholder<f32>("B", {K, N});
  RVar k(K, "k");
  auto C = compute(
      {M, N}, [&](Var i, Var j) { return sum(A(i, k) * B(k, j), k); }, "C");
  static_assert(std::is_same_v<decltype(C), Tensor<f32, 2>>);
  const auto* r = C.op()->reduce();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->op, ir::ReduceOp::Sum);
  EXPECT_EQ(r->type, ir::DType::f32());
  ASSERT_EQ(r->axes.size(), 1u);
  EXPECT_EQ(r->axes[0], k.iter_var());
  EXPECT_EQ(r->axes[0]->kind, ir::IterKind::Reduce);
  EXPECT_TRUE(r->axes[0]->extent.same_as(K.to_ir()));
  ASSERT_NE(r->source.as<ir::Mul>(), nullptr);
  auto [m, n] = C.shape();
  EXPECT_TRUE(m.to_ir().same_as(M.to_ir()));
  EXPECT_TRUE(n.to_ir().same_as(N.to_ir()));
  EXPECT_EQ(ir::to_string(C.op()->body), "sum((A(i0, k) * B(k, i1)), axes=[k in [0, +K)])");
  EXPECT_EQ(ir::op_inputs(C.op()), (std::vector<ir::Operation>{A.op(), B.op()}));
}

TEST(DslGraph, MultiAxisAndMaxMinReductions) {
  auto X = placeholder<f32>("X", {8, 3, 5});
  RVar a(3, "a"), b(5, "b");
  auto s = compute(
      {8},
      [&](Var i) {
        return sum(X(i, a, b), {a, b});
      },
      "s");
  ASSERT_EQ(s.op()->reduce()->axes.size(), 2u);
  EXPECT_EQ(s.op()->reduce()->axes[0], a.iter_var());
  EXPECT_EQ(s.op()->reduce()->axes[1], b.iter_var());
  RVar c(3, "c"), d(5, "d");
  auto mx = compute(
      {8},
      [&](Var i) {
        return max(X(i, c, d), std::vector<RVar>{c, d});
      },
      "mx");
  EXPECT_EQ(mx.op()->reduce()->op, ir::ReduceOp::Max);
  RVar e(5, "e");
  auto mn = compute(
      {8, 3}, [&](Var i, Var j) { return min(X(i, j, e), e); }, "mn");
  EXPECT_EQ(mn.op()->reduce()->op, ir::ReduceOp::Min);
  EXPECT_EQ(ir::to_string(mn.op()->body), "min(X(i0, i1, e), axes=[e in [0, +5)])");
  auto cnt = compute(
      {8}, [&](Var i) { return sum(cast<i32>(X(i, 0, e) > 0.0f), e); }, "cnt");
  EXPECT_EQ(cnt.op()->type, ir::DType::i32());
}

TEST(DslGraph, ComposesIntoAGraph) {
  Var batch("batch");
  auto x = placeholder<f32>("x", {batch, 16});
  auto w = placeholder<f32>("w", {16, 8});
  auto b = placeholder<f32>("b", {8});
  auto [M, K] = x.shape();
  auto N = w.shape()[1];
  RVar k(K, "k");
  auto mm = compute(
      {M, N}, [&](Var i, Var j) { return sum(x(i, k) * w(k, j), k); }, "matmul");
  auto y = compute(
      {M, N}, [&](Var i, Var j) { return max(mm(i, j) + b(j), 0.0f); }, "relu");
  auto order = ir::topo_order({y.op()});
  ASSERT_EQ(order.size(), 5u);
  EXPECT_EQ(order.back(), y.op());
  EXPECT_EQ(to_string(y),
            "placeholder x: f32[batch, 16]\n"
            "placeholder w: f32[16, 8]\n"
            "compute matmul: f32[batch, 8] (i0, i1) = sum((x(i0, k) * w(k, i1)), axes=[k in [0, "
            "+16)])\n"
            "placeholder b: f32[8]\n"
            "compute relu: f32[batch, 8] (i0_1, i1_1) = max((matmul(i0_1, i1_1) + b(i1_1)), "
            "0.0f)\n");
}

TEST(DslGraph, ExtentsMayBeExpressionsAndShapesReusable) {
  Var H("H");
  auto x = placeholder<f32>("x", {H});
  auto y = compute(
      {H - 2}, [&](Var i) { return x(i) + x(i + 2); }, "y");
  EXPECT_EQ(ir::to_string(y.op()->shape[0]), "(H - 2)");
  auto z = compute(
      y.shape(), [&](Var i) { return y(i) * 2.0f; }, "z");
  EXPECT_TRUE(z.op()->shape[0].same_as(y.op()->shape[0]));
  auto p = placeholder<i32>("p", x.shape());
  EXPECT_TRUE(p.op()->shape[0].same_as(H.to_ir()));
  RVar r(H / 2, "r");
  EXPECT_EQ(ir::to_string(r.extent().to_ir()), "(H / 2)");
}

TEST(DslGraph, BadShapesAreUserErrorsNamingTensorAndAxis) {
  try {
    placeholder<f32>("x", {4, 0});
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("placeholder 'x': axis 1 has extent 0"), std::string::npos)
        << e.what();
  }
  auto a = placeholder<f32>("a", {4});
  EXPECT_THROW(compute(
                   {-3}, [&](Var i) { return a(i); }, "neg"),
               UserError);
  EXPECT_THROW(RVar(0, "k"), UserError);
  EXPECT_THROW(placeholder<f32>("", {4}), UserError);
  RVar k(4, "k");
  EXPECT_THROW(sum(a(k), {k, k}), UserError);  // the same axis twice
}

TEST(DslGraph, TensorFromOperationIsChecked) {
  auto op = ir::make_placeholder("raw", ir::DType::i32(), {ir::Expr(3), ir::Expr(4)});
  Tensor<i32, 2> t(op);
  EXPECT_EQ(t.name(), "raw");
  EXPECT_THROW((Tensor<f32, 2>(op)), UserError);
  EXPECT_THROW((Tensor<i32, 1>(op)), UserError);
  EXPECT_THROW((TypedExpr<f32>(ir::Expr(3))), UserError);
}

}  // namespace
