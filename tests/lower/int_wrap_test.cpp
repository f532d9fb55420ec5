// i32/u32 arithmetic wraps to 32 bits (two's complement) wherever a constant is made or
// folded, as on the GPU (docs/numerics.md, "Integers"): IntImm construction, ir::fold, the
// simplifier and its linear forms, eval_scalar. Data arithmetic wraps, so the simplifier
// keeps its exact-integer reasoning (bounds, term-by-term division) to index arithmetic.
// Found by the program fuzzer (tests/fuzz/cases/simplify_int_wrap_*.json).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "webtx/ir.hpp"
#include "webtx/ir/scalar_eval.hpp"
#include "webtx/lower/simplify.hpp"

namespace webtx::testing {
namespace {

using ir::DType, ir::Expr;

Expr i32(int64_t v) { return ir::IntImm::make(DType::i32(), v); }
Expr u32(int64_t v) { return ir::IntImm::make(DType::u32(), v); }
int64_t value_of(const Expr& e) {
  auto* c = e.as<ir::IntImm>();
  EXPECT_NE(c, nullptr) << "not a constant";
  return c ? c->value : -1;
}
// A loaded i32 value: data, whose arithmetic wraps on the GPU.
Expr data(const char* name) {
  auto b = ir::make_buffer(name, DType::i32(), ir::MemScope::Global, {i32(4)});
  return ir::Load::make(b, i32(0));
}

TEST(IntWrap, IntImmHoldsTheValueOfItsType) {
  EXPECT_EQ(value_of(i32(int64_t{2000000011} * 20)), 1345294556);  // 40000000220 mod 2^32
  EXPECT_EQ(value_of(i32(int64_t{1} << 31)), INT32_MIN);
  EXPECT_EQ(value_of(i32(-(int64_t{1} << 31) - 1)), INT32_MAX);
  EXPECT_EQ(value_of(u32(-1)), 4294967295);
  EXPECT_EQ(value_of(u32(int64_t{1} << 32)), 0);
  EXPECT_EQ(value_of(ir::IntImm::make(DType::boolean(), 2)), 1);
}

TEST(IntWrap, FoldingOperatorsWrap) {
  EXPECT_EQ(value_of(ir::fold::mul(i32(2000000011), i32(20))), 1345294556);
  EXPECT_EQ(value_of(ir::fold::add(i32(INT32_MAX), i32(1))), INT32_MIN);
  EXPECT_EQ(value_of(ir::fold::sub(i32(INT32_MIN), i32(1))), INT32_MAX);
  // (2000000011 * 20) % 7 in i32: the wrapped product, then truncating remainder.
  EXPECT_EQ(value_of(ir::fold::mod(ir::fold::mul(i32(2000000011), i32(20)), i32(7))), 4);
  EXPECT_EQ(value_of(ir::fold::div(i32(INT32_MIN), i32(-1))), INT32_MIN);
  // u32 products beyond 2^63 (no int64 overflow).
  EXPECT_EQ(value_of(ir::fold::mul(u32(4294967295), u32(4294967295))), 1);
}

TEST(IntWrap, SimplifierFoldsConstantsAsTheGpu) {
  using lowering::simplify;
  // The fuzzer's findings: seeds 3415, 372 and 6425.
  Expr p20 = ir::Mul::make(i32(2000000011), i32(20));
  EXPECT_EQ(value_of(simplify(ir::Mod::make(p20, i32(7)))), 4);  // not 40000000220 % 7 = 5
  Expr p16 = ir::Mul::make(i32(2000000011), i32(16));
  EXPECT_EQ(value_of(simplify(ir::Div::make(p16, i32(12)))), 1935229104 / 12);
  EXPECT_EQ(value_of(simplify(ir::Mul::make(i32(-2), i32(2000000011)))), 294967274);
  EXPECT_EQ(value_of(simplify(ir::Add::make(i32(INT32_MAX), i32(1)))), INT32_MIN);
  // Comparisons and min/max of constants compare the values, not their (overflowing)
  // difference.
  EXPECT_EQ(value_of(simplify(ir::LT::make(i32(INT32_MAX), i32(-1)))), 0);
  EXPECT_EQ(value_of(simplify(ir::GT::make(i32(INT32_MIN), i32(1)))), 0);
  EXPECT_EQ(value_of(simplify(ir::Min::make(i32(INT32_MAX), i32(-2)))), -2);
  EXPECT_EQ(value_of(simplify(ir::Max::make(i32(INT32_MIN), i32(2)))), 2);
  // Float to integer casts: truncate, clamp out of range, NaN is 0 (as eval and WGSL).
  auto cast_i32 = [](double v) {
    return lowering::simplify(ir::Cast::make(DType::i32(), ir::FloatImm::make(DType::f32(), v)));
  };
  EXPECT_EQ(value_of(cast_i32(3e9)), INT32_MAX);
  EXPECT_EQ(value_of(cast_i32(-3e9)), INT32_MIN);
  EXPECT_EQ(value_of(cast_i32(-2.75)), -2);
  EXPECT_EQ(value_of(cast_i32(std::nan(""))), 0);
}

TEST(IntWrap, LinearFormsWrapTheirConstants) {
  Expr x = ir::Variable::make(DType::i32(), "x");
  // x * 2000000011 * 20 + 40000000220: coefficients and constant as i32.
  Expr e = ir::Add::make(ir::Mul::make(ir::Mul::make(x, i32(2000000011)), i32(20)),
                         ir::Mul::make(i32(2000000011), i32(20)));
  Expr s = lowering::simplify(e);
  for (int64_t xv : {-3, 0, 1, 7, 123456}) {
    ir::ScalarBindings b{{x.get(), xv}};
    int32_t want = static_cast<int32_t>(
        static_cast<uint32_t>(static_cast<uint64_t>(xv) * 40000000220ULL + 40000000220ULL));
    EXPECT_EQ(ir::eval_scalar(s, b), want) << "x = " << xv << ": " << ir::to_string(s);
    EXPECT_EQ(ir::eval_scalar(e, b), want);
  }
}

TEST(IntWrap, DataArithmeticIsNotSimplifiedAsExactIntegers) {
  using lowering::simplify;
  Expr v = data("a");
  // In wrapping arithmetic none of these identities holds for every v (v = 2^30 breaks
  // the first two, v = INT32_MAX the third).
  Expr mul7mod7 = simplify(ir::Mod::make(ir::Mul::make(v, i32(7)), i32(7)));
  EXPECT_FALSE(mul7mod7.as<ir::IntImm>()) << ir::to_string(mul7mod7);
  Expr mul8div8 = simplify(ir::Div::make(ir::Mul::make(v, i32(8)), i32(8)));
  EXPECT_EQ(mul8div8.kind(), ir::ExprKind::Div) << ir::to_string(mul8div8);
  Expr gt = simplify(ir::GT::make(ir::Add::make(v, i32(1)), v));
  EXPECT_FALSE(gt.as<ir::IntImm>()) << ir::to_string(gt);
  Expr mx = simplify(ir::Max::make(ir::Add::make(v, i32(1)), v));
  EXPECT_EQ(mx.kind(), ir::ExprKind::Max) << ir::to_string(mx);
  // Ring identities still hold in 32 bits: v * 2 + v * 3 is v * 5.
  Expr five = simplify(ir::Add::make(ir::Mul::make(v, i32(2)), ir::Mul::make(v, i32(3))));
  EXPECT_EQ(ir::to_string(five), ir::to_string(ir::Mul::make(v, i32(5))));
}

TEST(IntWrap, IndexArithmeticKeepsItsSimplifications) {
  using lowering::simplify;
  Expr i = ir::Variable::make(DType::i32(), "i"), n = ir::Variable::make(DType::i32(), "n");
  lowering::RangeMap r{{i.get(), {0, 7}}};
  // (n * 4) / 4 and (i * 8 + 3) / 8 over loop indices and symbols (which do not overflow).
  EXPECT_TRUE(deep_equal(simplify(ir::Div::make(ir::Mul::make(n, i32(4)), i32(4))), n));
  Expr q = simplify(ir::Div::make(ir::Add::make(ir::Mul::make(i, i32(8)), i32(3)), i32(8)), r);
  EXPECT_TRUE(deep_equal(q, i)) << ir::to_string(q);
  EXPECT_EQ(value_of(simplify(ir::LT::make(i, i32(8)), r)), 1);
  // A difference of two in-range indices may leave i32: compared exactly, not wrapped.
  Expr a = ir::Add::make(i, i32(2000000000)), b = ir::Sub::make(i, i32(2000000000));
  EXPECT_EQ(value_of(simplify(ir::GT::make(a, b), r)), 1);
  // (x / c1) / c2 is x / (c1 * c2) only while c1 * c2 fits in i32.
  Expr nested = ir::Div::make(ir::Div::make(n, i32(65536)), i32(65536));
  Expr s = simplify(nested);
  for (int64_t nv : {INT32_MAX, INT32_MIN, -5, 70000}) {
    ir::ScalarBindings bind{{n.get(), nv}};
    EXPECT_EQ(ir::eval_scalar(s, bind), ir::eval_scalar(nested, bind)) << ir::to_string(s);
  }
}

}  // namespace
}  // namespace webtx::testing
