// run_program on hand-built kernels: workgroup memory, barriers, and the checks that make it
// a verifier (missing barrier, divergent barrier, out-of-bounds, racing global writes).
#include "test_util.hpp"
#include "webtx/eval/expr_eval.hpp"  // eval_expr with a test context

namespace webtx::testing {
namespace {

using namespace ir;  // NOLINT: test-local convenience, no DSL here
using ::testing::HasSubstr;

// out[g * 4 + l] = in[g * 4 + (3 - l)]: reverse each block of 4 through workgroup memory.
Program reverse_blocks(bool with_barrier, bool divergent_barrier = false) {
  auto in = make_buffer("in", DType::f32(), MemScope::Global, {Expr(8)});
  auto out = make_buffer("out", DType::f32(), MemScope::Global, {Expr(8)});
  auto tile = make_buffer("tile", DType::f32(), MemScope::Workgroup, {Expr(4)});
  Expr g = Variable::make(DType::i32(), "g"), l = Variable::make(DType::i32(), "l");
  Expr base = Mul::make(g, Expr(4));
  std::vector<Stmt> body = {Store::make(tile, Load::make(in, Add::make(base, l)), l)};
  Stmt bar = Barrier::make();
  if (divergent_barrier) bar = IfThenElse::make(LT::make(l, Expr(2)), bar);
  if (with_barrier) body.push_back(bar);
  body.push_back(Store::make(out, Load::make(tile, Sub::make(Expr(3), l)), Add::make(base, l)));
  Kernel k;
  k.name = "reverse";
  k.buffers = {{in, true, false}, {out, false, true}};
  k.workgroup_size = {4, 1, 1};
  k.grid = {Expr(2), Expr(1), Expr(1)};
  k.body = LetStmt::make(g, ThreadIndex::make(ThreadAxis::WorkgroupId, 0),
                         LetStmt::make(l, ThreadIndex::make(ThreadAxis::LocalId, 0),
                                       Allocate::make(tile, Seq::make(body))));
  Program p;
  p.name = "reverse";
  p.tensors = {{in, TensorRole::Input}, {out, TensorRole::Output}};
  p.kernels = {k};
  return p;
}

eval::TensorMap iota8() {
  return {{"in", eval::HostTensor::from_floats({8}, {0, 1, 2, 3, 4, 5, 6, 7})}};
}

TEST(RunProgram, WorkgroupMemoryWithBarrier) {
  auto out = eval::run_program(reverse_blocks(true), iota8()).at("out");
  std::vector<double> got;
  for (int i = 0; i < 8; ++i) got.push_back(out.get_f(i));
  EXPECT_EQ(got, (std::vector<double>{3, 2, 1, 0, 7, 6, 5, 4}));
}

TEST(RunProgram, MissingBarrierIsARace) {
  try {
    eval::run_program(reverse_blocks(false), iota8());
    ADD_FAILURE() << "expected a race";
  } catch (const InternalError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("no barrier in between (race)"));
  }
}

TEST(RunProgram, DivergentBarrier) {
  try {
    eval::run_program(reverse_blocks(true, true), iota8());
    ADD_FAILURE() << "expected a divergence error";
  } catch (const InternalError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("barrier reached by only part of the workgroup"));
  }
}

TEST(RunProgram, GlobalWriteRaceAndBounds) {
  auto out = make_buffer("out", DType::i32(), MemScope::Global, {Expr(4)});
  Expr l = Variable::make(DType::i32(), "l");
  Kernel k;
  k.name = "race";
  k.buffers = {{out, false, true}};
  k.workgroup_size = {4, 1, 1};
  k.grid = {Expr(1), Expr(1), Expr(1)};
  k.body = LetStmt::make(l, ThreadIndex::make(ThreadAxis::LocalId, 0),
                         Store::make(out, l, Div::make(l, Expr(2))));
  Program p;
  p.tensors = {{out, TensorRole::Output}};
  p.kernels = {k};
  EXPECT_THROW(eval::run_program(p, {}), InternalError);
  p.kernels[0].body = LetStmt::make(l, ThreadIndex::make(ThreadAxis::LocalId, 0),
                                    Store::make(out, l, Add::make(l, Expr(1))));
  try {
    eval::run_program(p, {});
    ADD_FAILURE() << "expected out of bounds";
  } catch (const InternalError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("'out'[4] written out of bounds"));
  }
}

struct ConstCtx {
  static constexpr bool kLazySelect = false;
  eval::Value var(const Variable&) { return {}; }
  eval::Value load(const Load&, int64_t) { return {}; }
  eval::Value producer_load(const ProducerLoad&, const std::vector<int64_t>&) { return {}; }
  int64_t thread(ThreadAxis, int) { return 0; }
  eval::Value reduce(const Reduce&) { return {}; }
};

TEST(RunProgram, IntegerSemanticsAndF16) {
  EXPECT_EQ(eval::float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(eval::half_to_float(0x3c00), 1.0f);
  EXPECT_EQ(eval::half_to_float(eval::float_to_half(65504.0f)), 65504.0f);
  EXPECT_EQ(eval::float_to_half(1e6f), 0x7c00);  // overflow to infinity
  EXPECT_EQ(eval::half_to_float(eval::float_to_half(1.0f + 1.0f / 4096)), 1.0f);  // ties to even
  EXPECT_EQ(eval::half_to_float(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  ConstCtx c;
  auto ev = [&](Expr e) { return eval::eval_expr(e, c).i; };
  EXPECT_EQ(ev(Div::make(Expr(-7), Expr(2))), -3);  // truncating
  EXPECT_EQ(ev(Mod::make(Expr(-7), Expr(2))), -1);
  EXPECT_EQ(ev(Add::make(Expr(2147483647), Expr(1))), -2147483648LL);  // wraps
  EXPECT_EQ(ev(Cast::make(DType::i32(), Expr(-2.7f))), -2);
}

}  // namespace
}  // namespace webtx::testing
