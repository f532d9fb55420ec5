// webtx::model: extents, the shape check and the JSON round trip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/user_error_of.hpp"
#include "webtx/error.hpp"
#include "webtx/model/bind_shapes.hpp"
#include "webtx/model/model_spec.hpp"

namespace webtx::model {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Extent C(int64_t v) { return Extent::constant(v); }
Extent S(const char* n) { return Extent::sym(n); }
Extent B(ExtentOp op, Extent a, Extent b) { return Extent::binary(op, std::move(a), std::move(b)); }

using webtx::testing::user_error_of;

TEST(Extent, EvaluatesLikeTheIrI32) {
  SymbolValues s{{"n", -7}, {"m", 2}};
  EXPECT_EQ(evaluate(B(ExtentOp::Div, S("n"), S("m")), s), -3);  // truncates
  EXPECT_EQ(evaluate(B(ExtentOp::Mod, S("n"), S("m")), s), -1);  // sign of the dividend
  EXPECT_EQ(evaluate(B(ExtentOp::Mod, C(7), C(-2)), s), 1);
  EXPECT_EQ(evaluate(B(ExtentOp::Min, S("n"), S("m")), s), -7);
  EXPECT_EQ(evaluate(B(ExtentOp::Max, S("n"), S("m")), s), 2);
  EXPECT_EQ(evaluate(B(ExtentOp::Mul, C(65536), C(65536)), s), 0);  // wraps at 32 bits
  EXPECT_EQ(evaluate(B(ExtentOp::Add, C(2147483647), C(1)), s), -2147483648LL);
  EXPECT_EQ(evaluate(B(ExtentOp::Div, C(-2147483648LL), C(-1)), s), -2147483648LL);
  EXPECT_EQ(evaluate(B(ExtentOp::Mod, C(-2147483648LL), C(-1)), s), 0);
  EXPECT_THAT(user_error_of([&] { evaluate(B(ExtentOp::Div, S("n"), C(0)), s, "grid x"); }),
              HasSubstr("division by zero in (n / 0) in grid x"));
  EXPECT_THAT(user_error_of([&] { evaluate(S("k"), s); }), HasSubstr("symbol 'k' is not bound"));
}

TEST(Extent, PrintsAsTheIrPrinter) {
  EXPECT_EQ(to_string(B(ExtentOp::Add, S("n"), C(1))), "(n + 1)");
  EXPECT_EQ(to_string(B(ExtentOp::Min, S("n"), B(ExtentOp::Div, S("m"), C(4)))), "min(n, (m / 4))");
  EXPECT_EQ(symbols_of(B(ExtentOp::Add, S("n"), B(ExtentOp::Mul, S("m"), S("n")))),
            (std::vector<std::string>{"n", "m"}));
}

ModelSpec sample() {
  ModelSpec m;
  m.name = m.function = "mlp";
  m.generator = "webtx 0.1.0";
  m.features = {"shader-f16"};
  m.limits = {{"maxComputeWorkgroupStorageSize", 8192}};
  m.symbols = {{"batch", "x", 0}, {"k", "", -1}};
  m.tensors = {{"x", TensorRole::Input, "f32", {S("batch"), C(4)}},
               {"y", TensorRole::Output, "f16", {B(ExtentOp::Add, S("batch"), C(1)), S("k")}},
               {"t", TensorRole::Intermediate, "f32", {S("batch")}}};
  m.args = {"x", "y"};
  KernelSpec k;
  k.name = "matmul";
  k.wgsl = "@compute fn main() {}\n\"quoted\"";
  k.spirv = "mlp_0_matmul.spv";
  k.workgroup_size = {16, 16, 1};
  k.workgroup_bytes = 8192;
  k.bindings = {{0, "x", Access::Read}, {1, "t", Access::ReadWrite}};
  k.uniforms = {"batch"};
  k.uniform_binding = 2;
  k.grid = {B(ExtentOp::Div, B(ExtentOp::Add, S("batch"), C(15)), C(16)), C(1), C(1)};
  k.features = {"shader-f16"};
  m.kernels = {k};
  return m;
}

TEST(ModelSpecJson, RoundTrips) {
  ModelSpec m = sample();
  std::string text = to_json(m);
  ModelSpec back = from_json(text);
  EXPECT_EQ(to_json(back), text);
  EXPECT_EQ(back.kernels[0].grid[0], m.kernels[0].grid[0]);
  EXPECT_EQ(back.tensors[1].shape[0], m.tensors[1].shape[0]);
  EXPECT_EQ(back.symbols[1].from_caller(), true);
  EXPECT_EQ(back.symbols[0].tensor, "x");
  EXPECT_EQ(back.kernels[0].wgsl, m.kernels[0].wgsl);
  EXPECT_THAT(text, HasSubstr("\"op\": \"+\""));
}

TEST(ModelSpecJson, TogglesRoundTripAndAreOmittedWhenNone) {
  ModelSpec m = sample();
  EXPECT_THAT(to_json(m), Not(HasSubstr("toggles")));
  EXPECT_TRUE(from_json(to_json(m)).toggles.empty());
  m.toggles = {"vulkan_enable_f16_on_nvidia"};
  const std::string text = to_json(m);
  EXPECT_THAT(text, HasSubstr("\"toggles\": [\n    \"vulkan_enable_f16_on_nvidia\"\n  ]"));
  EXPECT_EQ(from_json(text).toggles, m.toggles);
}

TEST(ModelSpecJson, RejectsBadDescriptionsNamingTheProblem) {
  EXPECT_THAT(user_error_of([] { from_json("{"); }), HasSubstr("not valid JSON"));
  std::string text = to_json(sample());
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_THAT(
      user_error_of([&] { from_json(replaced("\"webtx_manifest\": 2", "\"webtx_manifest\": 1")); }),
      HasSubstr(
          "unsupported model description version 1 (written by webtx 0.1.0); this build reads 2"));
  EXPECT_THAT(
      user_error_of([&] { from_json(replaced("\"dtype\": \"f32\"", "\"dtype\": \"f64\"")); }),
      HasSubstr("unknown dtype 'f64'"));
  EXPECT_THAT(user_error_of([&] { from_json(replaced("\"op\": \"+\"", "\"op\": \"^\"")); }),
              HasSubstr("tensor 'y' has an extent with unknown op"));
  EXPECT_THAT(user_error_of([&] { from_json(replaced("\"tensor\": \"t\"", "\"tensor\": \"u\"")); }),
              HasSubstr("kernel 0 ('matmul') binds unknown tensor 'u'"));
  EXPECT_THAT(user_error_of([&] { from_json(replaced("\"grid\"", "\"grit\"")); }),
              HasSubstr("kernel 'matmul': 'grid' must be an array"));
}

TEST(BindShapes, BindsAndChecksNamingTensorAndAxis) {
  ModelSpec m = sample();
  auto env = bind_shapes(m, {{"x", {3, 4}}, {"y", {4, 5}}});
  EXPECT_EQ(env.at("batch"), 3);
  EXPECT_EQ(env.at("k"), 5);
  EXPECT_EQ(concrete_shape(m.tensors[2], env), (std::vector<int64_t>{3}));
  EXPECT_THAT(user_error_of([&] {
                bind_shapes(m, {{"x", {3, 5}}, {"y", {4, 5}}});
              }),
              HasSubstr("tensor 'x' axis 1 must have extent 4, got 5"));
  EXPECT_THAT(user_error_of([&] {
                bind_shapes(m, {{"x", {3}}, {"y", {4, 5}}});
              }),
              HasSubstr("tensor 'x' must have rank 2, got rank 1"));
  EXPECT_THAT(user_error_of([&] {
                bind_shapes(m, {{"x", {3, 4}}, {"y", {5, 5}}});
              }),
              HasSubstr("tensor 'y' axis 0 has extent 5, expected (batch + 1) = 4"));
  EXPECT_THAT(user_error_of([&] {
                bind_shapes(m, {{"x", {3, 4}}});
              }),
              HasSubstr("symbol 'k' is not bound"));
  EXPECT_THAT(
      user_error_of([&] {
        bind_shapes(m, {{"x", {3, 4}}}, {{"batch", 2}, {"k", 1}});
      }),
      HasSubstr("tensor 'x' axis 0 has extent 3, but symbol 'batch' = 2 (given by the caller)"));
  EXPECT_THAT(user_error_of([&] {
                bind_shapes(m, {{"x", {-1, 4}}});
              }),
              HasSubstr("tensor 'x' axis 0 has negative extent -1"));
}

}  // namespace
}  // namespace webtx::model
