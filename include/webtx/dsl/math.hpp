#pragma once
// Math functions (ir::Intrinsic calls): exp log sqrt rsqrt tanh erf sin cos sigmoid floor ceil
// and pow on floats; abs on floats and integers.
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <boost/hana/front.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <utility>
#include <vector>

#include "webtx/dsl/expr_base.hpp"

namespace webtx {

// f(args...), all of one dtype. The argument types stay in the type (the checks read them);
// their values are kept as IR, which costs a generator no storage code per argument type.
template <ir::Intrinsic F, typename... Args>
class CallExpr : public ExprBase<CallExpr<F, Args...>> {
 public:
  using dtype = typename decltype(+boost::hana::front(boost::hana::tuple_t<Args...>))::type::dtype;
  static constexpr bool uses_rvar = (Args::uses_rvar || ...);
  explicit CallExpr(const Args&... args) : args_{args.to_ir()...} {}
  ir::Expr to_ir() const { return ir::Call::make(F, args_); }

 private:
  std::vector<ir::Expr> args_;
};

namespace dsl {
template <typename A>
constexpr void check_float_math() {
  check_not_reduction<A>();
  static_assert(
      is_float_dtype<typename A::dtype>,
      "MATH_FUNCTIONS_NEED_A_FLOAT_ARGUMENT: cast<f32>(...) the integer expression first");
}
}  // namespace dsl

#define WEBTX_DSL_FLOAT_MATH(fn, F)          \
  template <dsl::Expression A>               \
  auto fn(const A& a) {                      \
    dsl::check_float_math<A>();              \
    return CallExpr<ir::Intrinsic::F, A>(a); \
  }
WEBTX_DSL_FLOAT_MATH(exp, Exp)
WEBTX_DSL_FLOAT_MATH(log, Log)
WEBTX_DSL_FLOAT_MATH(sqrt, Sqrt)
WEBTX_DSL_FLOAT_MATH(rsqrt, Rsqrt)
WEBTX_DSL_FLOAT_MATH(tanh, Tanh)
WEBTX_DSL_FLOAT_MATH(erf, Erf)
WEBTX_DSL_FLOAT_MATH(floor, Floor)
WEBTX_DSL_FLOAT_MATH(ceil, Ceil)
WEBTX_DSL_FLOAT_MATH(sin, Sin)
WEBTX_DSL_FLOAT_MATH(cos, Cos)
WEBTX_DSL_FLOAT_MATH(sigmoid, Sigmoid)
#undef WEBTX_DSL_FLOAT_MATH

// |a| on floats and integers (u32 is returned unchanged by the backends).
template <dsl::Expression A>
auto abs(const A& a) {
  dsl::check_not_reduction<A>();
  static_assert(dsl::is_float_dtype<typename A::dtype> || dsl::is_integer_dtype<typename A::dtype>,
                "ABS_NEEDS_A_NUMBER: abs of a boolean expression is meaningless");
  return CallExpr<ir::Intrinsic::Abs, A>(a);
}

// a to the power b; a literal exponent adopts a's dtype: pow(x, 2.0f).
template <dsl::Operand A, dsl::Operand B>
requires(dsl::Expression<A> || dsl::Expression<B>) auto pow(const A& a, const B& b) {
  dsl::check_not_reduction<A>();
  dsl::check_not_reduction<B>();
  using T = dsl::common_dtype_t<A, B>;
  static_assert(
      dsl::is_float_dtype<T>,
      "MATH_FUNCTIONS_NEED_A_FLOAT_ARGUMENT: cast<f32>(...) the integer expression first");
  return CallExpr<ir::Intrinsic::Pow, dsl::stored_t<T, A>, dsl::stored_t<T, B>>(dsl::lift<T>(a),
                                                                                dsl::lift<T>(b));
}

}  // namespace webtx
