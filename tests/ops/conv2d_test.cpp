// ops::conv2d against the loop reference (evaluate_graph) and, default-scheduled, under
// run_program: stride 2 with odd sizes, padding 1 and 2, dilation 2, groups, depthwise, 1x1,
// size-1 dims, symbolic batch and symbolic H/W; plus the reduction axes it builds.
#include "ops_util.hpp"

namespace webtx::ops::testing {
namespace {

struct ConvCase {
  std::string label;
  std::vector<int64_t> x, w;
  Conv2dOptions o;
};

void PrintTo(const ConvCase& c, std::ostream* os) { *os << c.label; }

class Conv2dShapes : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2dShapes, MatchesReference) {
  const ConvCase& c = GetParam();
  auto xv = random(c.x, 1), wv = random(c.w, 2);
  Case k;
  auto x = k.input<f32>("x", {c.x[0], c.x[1], c.x[2], c.x[3]}, xv);
  auto w = k.input<f32>("features.0.0.weight", {c.w[0], c.w[1], c.w[2], c.w[3]}, wv);
  auto y = conv2d(x, w, c.o, "features.0.0");
  ref::Conv2dParams p{c.o.stride, c.o.padding, c.o.dilation, c.o.groups};
  auto want = ref::conv2d(xv, wv, p);
  // Output extents are folded to constants.
  for (int d = 0; d < 4; ++d)
    EXPECT_EQ(ir::as_const(y.op()->shape[d]), want.shape[d]) << "axis " << d;
  k.check(y.op(), want);
}

Conv2dOptions opt(std::array<int64_t, 2> s, std::array<int64_t, 2> p, std::array<int64_t, 2> d,
                  int64_t g = 1) {
  return Conv2dOptions{s, p, d, g};
}

INSTANTIATE_TEST_SUITE_P(
    Ops, Conv2dShapes,
    ::testing::Values(
        ConvCase{"stride2_odd_pad1", {2, 3, 9, 7}, {4, 3, 3, 3}, opt({2, 2}, {1, 1}, {1, 1})},
        ConvCase{"valid_3x3", {1, 3, 6, 5}, {2, 3, 3, 3}, {}},
        ConvCase{"pad2_5x3", {1, 2, 6, 5}, {3, 2, 5, 3}, opt({1, 1}, {2, 1}, {1, 1})},
        ConvCase{"dilation2", {1, 3, 10, 9}, {2, 3, 3, 3}, opt({1, 1}, {2, 2}, {2, 2})},
        ConvCase{
            "dilation2_stride2_nodivide", {1, 2, 11, 8}, {3, 2, 3, 2}, opt({2, 3}, {1, 0}, {2, 1})},
        ConvCase{"groups2", {1, 4, 6, 6}, {6, 2, 3, 3}, opt({1, 1}, {1, 1}, {1, 1}, 2)},
        ConvCase{"depthwise_s2", {2, 5, 7, 7}, {5, 1, 3, 3}, opt({2, 2}, {1, 1}, {1, 1}, 5)},
        ConvCase{
            "depthwise_multiplier2", {1, 2, 5, 5}, {4, 1, 3, 3}, opt({1, 1}, {1, 1}, {1, 1}, 2)},
        ConvCase{"depthwise_1x1", {1, 3, 4, 4}, {3, 1, 1, 1}, opt({1, 1}, {0, 0}, {1, 1}, 3)},
        ConvCase{"pointwise_1x1", {2, 8, 5, 5}, {6, 8, 1, 1}, {}},
        ConvCase{"pointwise_1x1_s2", {1, 4, 5, 6}, {3, 4, 1, 1}, opt({2, 2}, {0, 0}, {1, 1})},
        ConvCase{"all_size1", {1, 1, 1, 1}, {3, 1, 1, 1}, {}},
        ConvCase{"h1_pad_w", {1, 3, 1, 5}, {2, 3, 1, 3}, opt({1, 1}, {0, 1}, {1, 1})},
        ConvCase{"input_1x1_pad1", {1, 2, 1, 1}, {2, 2, 3, 3}, opt({1, 1}, {1, 1}, {1, 1})},
        ConvCase{"stem_like", {1, 3, 15, 15}, {4, 3, 3, 3}, opt({2, 2}, {1, 1}, {1, 1})},
        ConvCase{"pointwise_split_k4", {2, 8, 3, 5}, {6, 8, 1, 1}, Conv2dOptions{.split_k = 4}},
        ConvCase{"pointwise_split_k2_s2",
                 {1, 6, 5, 4},
                 {3, 6, 1, 1},
                 Conv2dOptions{.stride = {2, 2}, .split_k = 2}}),
    [](const ::testing::TestParamInfo<ConvCase>& i) { return i.param.label; });

TEST(Conv2d, SymbolicBatch) {
  Var batch("batch");
  auto xv = random({3, 4, 7, 7}, 3), wv = random({4, 1, 3, 3}, 4);
  Case k;
  auto x = k.input<f32>("x", {batch, 4, 7, 7}, xv);
  auto w = k.input<f32>("w", {4, 1, 3, 3}, wv);
  auto y = conv2d(x, w, {.stride = {2, 2}, .padding = {1, 1}, .groups = 4}, "dw");
  EXPECT_EQ(ir::as_const(y.op()->shape[2]), 4);  // H, W constant although N is not
  EXPECT_FALSE(ir::as_const(y.op()->shape[0]).has_value());
  k.check(y.op(), ref::conv2d(xv, wv, {{2, 2}, {1, 1}, {1, 1}, 4}));
}

TEST(Conv2d, SymbolicHeightAndWidth) {
  Var n("n"), h("h"), wd("w");
  auto xv = random({2, 3, 9, 6}, 5), wv = random({2, 3, 3, 3}, 6);
  Case k;
  auto x = k.input<f32>("x", {n, 3, h, wd}, xv);
  auto w = k.input<f32>("wt", {2, 3, 3, 3}, wv);
  auto y = conv2d(x, w, {.stride = {2, 2}, .padding = {1, 1}}, "conv");
  k.check(y.op(), ref::conv2d(xv, wv, {{2, 2}, {1, 1}, {1, 1}, 1}));
}

// A scheduler must see the reduction a conv really is: no extent-1 reduction axes.
TEST(Conv2d, ReducesOnlyOverAxesLongerThanOne) {
  auto x = placeholder<f32>("x", {1, 8, 6, 6});
  auto full = conv2d(x, placeholder<f32>("w1", {4, 8, 3, 3}), {}, "full");
  EXPECT_THAT(reduce_axes(full.op()), ::testing::ElementsAre("rc", "rkh", "rkw"));
  auto pw = conv2d(x, placeholder<f32>("w2", {4, 8, 1, 1}), {}, "pointwise");
  EXPECT_THAT(reduce_axes(pw.op()), ::testing::ElementsAre("rc"));
  auto dw = conv2d(x, placeholder<f32>("w3", {8, 1, 3, 3}), {.padding = {1, 1}, .groups = 8},
                   "depthwise");
  EXPECT_THAT(reduce_axes(dw.op()), ::testing::ElementsAre("rkh", "rkw"));
  auto row = conv2d(x, placeholder<f32>("w4", {8, 1, 1, 3}), {.groups = 8}, "row");
  EXPECT_THAT(reduce_axes(row.op()), ::testing::ElementsAre("rkw"));
  auto scale = conv2d(x, placeholder<f32>("w5", {8, 1, 1, 1}), {.groups = 8}, "scale");
  EXPECT_TRUE(reduce_axes(scale.op()).empty());
  // Unpadded convs read the input directly: no select in the body.
  EXPECT_EQ(ir::to_string(pw.op()->body).find("select"), std::string::npos)
      << ir::to_string(pw.op()->body);
  EXPECT_NE(ir::to_string(dw.op()->body).find("select"), std::string::npos)
      << ir::to_string(dw.op()->body);
}

}  // namespace
}  // namespace webtx::ops::testing
