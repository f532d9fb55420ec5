// Reads outside a tensor (codegen/driver/read_checks.cpp): proven ones are generator errors
// naming stage, tensor, axis and range; undecided ones become run-time checks of the model
// description that bind_shapes (the native runtime) evaluates; in-range reads add nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/user_error_of.hpp"
#include "webtx/codegen/describe_program.hpp"
#include "webtx/codegen/read_checks.hpp"

namespace webtx {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using webtx::testing::user_error_of;

std::vector<model::ReadCheck> checks_of(ModelContext& ctx) {
  return codegen::read_checks(ctx, lower_model(ctx));
}

TEST(ReadChecks, OffByOneIsAGeneratorError) {
  ModelContext ctx("off_by_one");
  Var n("n");
  auto a = ctx.input<f32>("a", {n});
  ctx.output("c", compute(
                      {n}, [&](Var i) { return a(i) + a(i + 1); }, "c"));
  EXPECT_THAT(user_error_of([&] { checks_of(ctx); }),
              AllOf(HasSubstr("model off_by_one"), HasSubstr("stage 'c' reads input 'a' axis 0"),
                    HasSubstr("[1, (n + 1))"), HasSubstr("extent is n")));
}

TEST(ReadChecks, ConstantOverrunAndNegativeIndex) {
  ModelContext ctx("consts");
  auto a = ctx.input<f32>("a", {8});
  ctx.output("c", compute(
                      {8}, [&](Var i) { return a(i - 1); }, "shift"));
  EXPECT_THAT(user_error_of([&] { checks_of(ctx); }),
              AllOf(HasSubstr("stage 'c' reads input 'a' axis 0"), HasSubstr("[-1, 7)")));
  ModelContext ctx2("consts2");
  auto b = ctx2.input<f32>("b", {4, 8});
  ctx2.output("d", compute(
                       {4, 9}, [&](Var i, Var j) { return b(i, j); }, "wide"));
  EXPECT_THAT(
      user_error_of([&] { checks_of(ctx2); }),
      AllOf(HasSubstr("reads input 'b' axis 1 at indices [0, 9)"), HasSubstr("extent is 8")));
}

TEST(ReadChecks, IntermediateReadPastItsExtent) {
  ModelContext ctx("mid");
  Var n("n");
  auto a = ctx.input<f32>("a", {n});
  auto t = compute(
      {n}, [&](Var i) { return a(i) * 2.0f; }, "twice");
  ctx.output("c", compute(
                      {n}, [&](Var i) { return t(i + 2); }, "c"));
  EXPECT_THAT(user_error_of([&] { checks_of(ctx); }),
              HasSubstr("stage 'c' reads stage 'twice' axis 0 at indices [2, (n + 2))"));
}

TEST(ReadChecks, UnprovenExtentBecomesARunTimeCheck) {
  ModelContext ctx("free_m");
  Var n("n"), m("m");
  auto a = ctx.input<f32>("a", {n});
  ctx.output("c", compute(
                      {m}, [&](Var i) { return a(i) + 1.0f; }, "c"));
  auto checks = checks_of(ctx);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(model::to_string(checks[0].lhs), "m");
  EXPECT_EQ(model::to_string(checks[0].rhs), "n");
  EXPECT_THAT(checks[0].what, HasSubstr("stage 'c' reads input 'a' axis 0 at indices [0, m)"));

  // Through the description (JSON round trip) and bind_shapes, as the native runtime calls it.
  ir::Program p = lower_model(ctx);
  model::ModelSpec spec = codegen::describe_program(p, {}, Target{}, {});
  spec.read_checks = checks;
  model::validate(spec);
  const model::ModelSpec back = model::from_json(model::to_json(spec));
  ASSERT_EQ(back.read_checks.size(), 1u);
  EXPECT_EQ(back.read_checks[0].what, checks[0].what);
  EXPECT_THAT(user_error_of([&] {
                model::bind_shapes(back, {{"a", {4}}, {"c", {5}}});
              }),
              AllOf(HasSubstr("reads input 'a' axis 0"), HasSubstr("needs m <= n, got 5 > 4")));
  // The same description then accepts a call that stays inside.
  auto env = model::bind_shapes(back, {{"a", {4}}, {"c", {3}}});
  EXPECT_EQ(env.at("m"), 3);
  EXPECT_EQ(env.at("n"), 4);
}

TEST(ReadChecks, InRangeReadsAddNothing) {
  ModelContext ctx("fine");
  Var n("n"), k("k");
  auto a = ctx.input<f32>("a", {n});
  auto w = ctx.input<f32>("w", {n, k});
  // A difference stencil over n - 1, a reduction, a split index and a select-guarded halo.
  auto diff = compute(
      {n - 1}, [&](Var i) { return a(i + 1) - a(i); }, "diff");
  RVar r(n, "r");
  auto dot = compute(
      {k}, [&](Var j) { return sum(w(r, j) * a(r), r); }, "dot");
  auto pad = compute(
      {n}, [&](Var i) { return select(i > 0, a(i - 1), 0.0f); }, "pad");
  ctx.output("diff", diff);
  ctx.output("dot", dot);
  ctx.output("pad", pad);
  auto checks = checks_of(ctx);
  for (auto& c : checks)
    ADD_FAILURE() << c.what << ": " << model::to_string(c.lhs) << " <= " << model::to_string(c.rhs);
}

TEST(ReadChecks, StridedReadIsCheckedAndAlwaysHolds) {
  // a[2i], a[2i + 1] for i < n / 2: inside a, but (n / 2) * 2 <= n is beyond the simplifier,
  // so the description carries checks, which every n passes.
  ModelContext ctx("pairs");
  Var n("n");
  auto a = ctx.input<f32>("a", {n});
  ctx.output("pairs", compute(
                          {n / 2}, [&](Var i) { return a(i * 2) + a(i * 2 + 1); }, "pairs"));
  auto checks = checks_of(ctx);
  EXPECT_FALSE(checks.empty());
  for (int64_t v = 0; v < 10; ++v)
    for (auto& c : checks)
      EXPECT_LE(model::evaluate(c.lhs, {{"n", v}}), model::evaluate(c.rhs, {{"n", v}})) << c.what;
}

}  // namespace
}  // namespace webtx
