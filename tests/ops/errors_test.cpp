// Bad shapes and options give user errors that name the op (the stage name the caller gave).
#include "../common/user_error_of.hpp"
#include "ops_util.hpp"

namespace webtx::ops::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

using webtx::testing::user_error_of;

TEST(OpErrors, Conv2dChannelsAndGroups) {
  auto x = placeholder<f32>("x", {1, 6, 8, 8});
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, placeholder<f32>("w", {4, 2, 3, 3}), {.groups = 4}, "features.3.conv");
              }),
              AllOf(HasSubstr("features.3.conv"), HasSubstr("input channels 6"),
                    HasSubstr("not divisible by groups 4")));
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, placeholder<f32>("w", {9, 3, 3, 3}), {.groups = 2}, "g2");
              }),
              AllOf(HasSubstr("g2"), HasSubstr("output channels 9")));
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, placeholder<f32>("w", {6, 2, 3, 3}), {.groups = 6}, "dw");
              }),
              AllOf(HasSubstr("dw"), HasSubstr("w axis 1"), HasSubstr("is 2, expected 1")));
  EXPECT_THAT(
      user_error_of([&] {
        conv2d(x, placeholder<f32>("w", {4, 5, 3, 3}), {}, "stem");
      }),
      AllOf(HasSubstr("stem"), HasSubstr("input channels of x"), HasSubstr("6 and 5 differ")));
}

TEST(OpErrors, Conv2dOptionsAndSizes) {
  auto x = placeholder<f32>("x", {1, 2, 4, 4});
  auto w = placeholder<f32>("w", {2, 2, 5, 5});
  EXPECT_THAT(user_error_of([&] { conv2d(x, w, {}, "big"); }),
              AllOf(HasSubstr("big"), HasSubstr("smaller than the dilated filter")));
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, w, {.stride = {0, 1}, .padding = {2, 2}}, "s0");
              }),
              AllOf(HasSubstr("s0"), HasSubstr("stride")));
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, w, {.padding = {2, 2}, .groups = 0}, "g0");
              }),
              AllOf(HasSubstr("g0"), HasSubstr("groups must be >= 1")));
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, placeholder<f32>("w3", {2, 2, 3, 3}), {.split_k = 2}, "split3x3");
              }),
              AllOf(HasSubstr("split3x3"), HasSubstr("split_k applies to 1x1")));
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, placeholder<f32>("w1", {2, 2, 1, 1}), {.split_k = 3}, "split3");
              }),
              AllOf(HasSubstr("split3"), HasSubstr("split_k 3 does not divide the 2 input")));
  Var k("k");
  EXPECT_THAT(user_error_of([&] {
                conv2d(x, placeholder<f32>("w", {2, 2, k, 3}), {}, "symk");
              }),
              AllOf(HasSubstr("symk"), HasSubstr("filter height"), HasSubstr("constant")));
}

TEST(OpErrors, BiasAndNormLengths) {
  auto x = placeholder<f32>("x", {1, 6, 4, 4});
  EXPECT_THAT(user_error_of([&] { bias_add(x, placeholder<f32>("b", {5}), "features.0.bias"); }),
              AllOf(HasSubstr("features.0.bias"), HasSubstr("length of b"), HasSubstr("6 and 5")));
  auto m = placeholder<f32>("m", {3, 8});
  EXPECT_THAT(user_error_of([&] { bias_add(m, placeholder<f32>("b", {3}), "fc.bias"); }),
              AllOf(HasSubstr("fc.bias"), HasSubstr("8 and 3")));
  auto c6 = placeholder<f32>("c6", {6}), c4 = placeholder<f32>("c4", {4});
  EXPECT_THAT(user_error_of([&] { batch_norm(x, c6, c6, c4, c6, 1e-5, "bn1"); }),
              AllOf(HasSubstr("bn1"), HasSubstr("length of mean")));
  auto c8 = placeholder<f32>("c8", {8});
  EXPECT_THAT(user_error_of([&] { layer_norm(m, c6, c8, 1e-5, "blocks.0.ln"); }),
              AllOf(HasSubstr("blocks.0.ln"), HasSubstr("gamma"), HasSubstr("6 and 8")));
  EXPECT_THAT(user_error_of([&] { layer_norm(m, c8, c8, -1.0, "ln2"); }),
              AllOf(HasSubstr("ln2"), HasSubstr("eps")));
}

TEST(OpErrors, DenseSplitK) {
  auto x = placeholder<f32>("x", {2, 12});
  EXPECT_THAT(user_error_of([&] {
                dense(x, placeholder<f32>("w", {3, 12}), placeholder<f32>("b", {3}), "fc", 5);
              }),
              AllOf(HasSubstr("fc"), HasSubstr("split_k 5 does not divide the 12 features")));
}

TEST(OpErrors, DenseAddReshapeClip) {
  auto x = placeholder<f32>("x", {2, 16});
  EXPECT_THAT(user_error_of([&] {
                dense(x, placeholder<f32>("w", {10, 15}), placeholder<f32>("b", {10}), "fc");
              }),
              AllOf(HasSubstr("fc"), HasSubstr("features of x"), HasSubstr("16 and 15")));
  EXPECT_THAT(user_error_of([&] {
                dense(x, placeholder<f32>("w", {10, 16}), placeholder<f32>("b", {9}), "fc");
              }),
              AllOf(HasSubstr("fc"), HasSubstr("length of b")));
  EXPECT_THAT(user_error_of([&] {
                add(x, placeholder<f32>("y", {2, 15}), "res");
              }),
              AllOf(HasSubstr("res"), HasSubstr("axis 1")));
  EXPECT_THAT(user_error_of([&] {
                reshape(x, {5, 6}, "r");
              }),
              AllOf(HasSubstr("r: cannot reshape 32 elements into 30")));
  EXPECT_THAT(user_error_of([&] { clip(x, 1.0, 0.0, "c"); }), AllOf(HasSubstr("c: clip bounds")));
}

}  // namespace
}  // namespace webtx::ops::testing
