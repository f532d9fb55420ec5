// Every op in examples/ops builds the graph it describes, with symbolic and constant shapes.
#include <gtest/gtest.h>

#include <examples/ops/conv2d.hpp>
#include <examples/ops/matmul.hpp>
#include <examples/ops/mlp.hpp>
#include <examples/ops/softmax.hpp>
#include <examples/ops/vector_add.hpp>

namespace {
using namespace webtx;

std::vector<std::string> op_names(const ir::Operation& out) {
  std::vector<std::string> names;
  for (auto& op : ir::topo_order({out})) names.push_back(op->name);
  return names;
}
int64_t const_extent(const ir::Expr& e) {
  const auto* c = e.as<ir::IntImm>();
  return c ? c->value : -1;
}

TEST(DslExamples, VectorAdd) {
  Var n("n");
  auto a = placeholder<f32>("a", {n}), b = placeholder<f32>("b", {n});
  auto c = ops::vector_add(a, b);
  EXPECT_EQ(to_string(c),
            "placeholder a: f32[n]\nplaceholder b: f32[n]\ncompute vector_add: f32[n] (i0) = "
            "(a(i0) + b(i0))\n");
  auto ci = ops::vector_add(placeholder<i32>("x", {7}), placeholder<i32>("y", {7}));
  EXPECT_EQ(ci.op()->type, ir::DType::i32());
  EXPECT_EQ(const_extent(ci.op()->shape[0]), 7);
  EXPECT_THROW(ops::vector_add(placeholder<f32>("x", {7}), placeholder<f32>("y", {8})), UserError);
}

TEST(DslExamples, MatmulSymbolicAndConstant) {
  Var M("M"), K("K"), N("N");
  auto C = ops::matmul(placeholder<f32>("A", {M, K}), placeholder<f32>("B", {K, N}));
  EXPECT_EQ(ir::to_string(C.op()->body), "sum((A(i0, k) * B(k, i1)), axes=[k in [0, +K)])");
  EXPECT_TRUE(C.op()->shape[0].same_as(M.to_ir()));
  EXPECT_TRUE(C.op()->shape[1].same_as(N.to_ir()));
  auto D = ops::matmul(placeholder<f16>("A", {4, 6}), placeholder<f16>("B", {6, 5}));
  EXPECT_EQ(D.op()->type, ir::DType::f16());
  EXPECT_EQ(const_extent(D.op()->shape[1]), 5);
  EXPECT_EQ(const_extent(D.op()->reduce()->axes[0]->extent), 6);
  try {
    ops::matmul(placeholder<f32>("A", {4, 6}), placeholder<f32>("B", {7, 5}));
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "matmul: columns of A and rows of B: extents 6 and 7 differ");
  }
}

TEST(DslExamples, SoftmaxIsMaxExpSumDivide) {
  Var M("M"), N("N");
  auto y = ops::softmax(placeholder<f32>("X", {M, N}));
  EXPECT_EQ(op_names(y.op()), (std::vector<std::string>{"X", "softmax_max", "softmax_exp",
                                                        "softmax_sum", "softmax"}));
  auto order = ir::topo_order({y.op()});
  EXPECT_EQ(order[1]->reduce()->op, ir::ReduceOp::Max);
  // exp and the division sit in selects that make NaN/+Inf rows NaN (docs/numerics.md).
  const auto* e = order[2]->body.as<ir::Select>();
  ASSERT_NE(e, nullptr);
  ASSERT_NE(e->t.as<ir::Call>(), nullptr);
  EXPECT_EQ(e->t.as<ir::Call>()->func, ir::Intrinsic::Exp);
  EXPECT_EQ(order[3]->reduce()->op, ir::ReduceOp::Sum);
  const auto* y_sel = order[4]->body.as<ir::Select>();
  ASSERT_NE(y_sel, nullptr);
  EXPECT_NE(y_sel->t.as<ir::Div>(), nullptr);
  EXPECT_NE(order[1]->reduce()->axes[0], order[3]->reduce()->axes[0]);  // one RVar each
  EXPECT_TRUE(order[1]->reduce()->axes[0]->extent.same_as(N.to_ir()));
  EXPECT_EQ(ops::softmax(placeholder<f32>("X", {2, 10})).op()->ndim(), 2);
}

TEST(DslExamples, Conv2dReducesOverChannelsAndWindow) {
  Var H("H"), W("W");
  auto Y =
      ops::conv2d_3x3(placeholder<f32>("X", {1, 3, H, W}), placeholder<f32>("F", {8, 3, 3, 3}));
  const auto* r = Y.op()->reduce();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->axes.size(), 3u);
  EXPECT_EQ(const_extent(r->axes[0]->extent), 3);  // c
  EXPECT_EQ(const_extent(r->axes[1]->extent), 3);  // kh
  EXPECT_EQ(const_extent(r->axes[2]->extent), 3);  // kw
  EXPECT_EQ(ir::to_string(Y.op()->shape[2]), "(H - 2)");
  EXPECT_EQ(ir::to_string(r->source), "(X(i0, c, (i2 + kh), (i3 + kw)) * F(i1, c, kh, kw))");
  auto Z =
      ops::conv2d_3x3(placeholder<f32>("X", {2, 4, 10, 12}), placeholder<f32>("F", {5, 4, 3, 3}));
  EXPECT_EQ(ir::to_string(Z.op()->shape[2]), "(10 - 2)");
  EXPECT_THROW(
      ops::conv2d_3x3(placeholder<f32>("X", {1, 3, 8, 8}), placeholder<f32>("F", {8, 4, 3, 3})),
      UserError);
  EXPECT_THROW(
      ops::conv2d_3x3(placeholder<f32>("X", {1, 3, 8, 8}), placeholder<f32>("F", {8, 3, 5, 5})),
      UserError);
  auto P = ops::zero_pad_hw(placeholder<f32>("X", {1, 3, H, W}), 1);
  EXPECT_EQ(ir::to_string(P.op()->shape[2]), "(H + 2)");
  EXPECT_NE(P.op()->body.as<ir::Select>(), nullptr);
  EXPECT_EQ(op_names(ops::conv2d_3x3(P, placeholder<f32>("F", {8, 3, 3, 3})).op()),
            (std::vector<std::string>{"X", "zero_pad", "F", "conv2d"}));
}

TEST(DslExamples, MlpIsTwoDenseReluLayers) {
  Var batch("batch");
  auto x = placeholder<f32>("x", {batch, 784});
  auto y = ops::mlp(x, placeholder<f32>("w1", {784, 256}), placeholder<f32>("b1", {256}),
                    placeholder<f32>("w2", {256, 10}), placeholder<f32>("b2", {10}));
  EXPECT_EQ(op_names(y.op()),
            (std::vector<std::string>{"x", "w1", "layer1_matmul", "b1", "layer1_relu", "w2",
                                      "layer2_matmul", "b2", "layer2_relu"}));
  EXPECT_TRUE(y.op()->shape[0].same_as(batch.to_ir()));
  EXPECT_EQ(const_extent(y.op()->shape[1]), 10);
  EXPECT_EQ(ir::to_string(y.op()->body), "max((layer2_matmul(i0, i1) + b2(i1)), 0.0f)");
  EXPECT_THROW(ops::mlp(x, placeholder<f32>("w1", {784, 256}), placeholder<f32>("b1", {128}),
                        placeholder<f32>("w2", {256, 10}), placeholder<f32>("b2", {10})),
               UserError);
}

}  // namespace
