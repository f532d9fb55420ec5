#pragma once
// The expression-template base: what every DSL expression is, literals, and the compile-time
// typing rules shared by all operators. An expression type only stores its operands (and a
// functor); `to_ir()` is the one place that builds plain ir::Expr nodes from it.
//
// Every expression type E provides:
//   using dtype = <tag>;                 the static element type
//   static constexpr bool is_reduction;  true only for sum/max/min over RVars
//   static constexpr bool uses_rvar;     an RVar occurs outside any reduction
//   ir::Expr to_ir() const;
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <boost/hana/type.hpp>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "webtx/dsl/dtype.hpp"
#include "webtx/ir/expr.hpp"

namespace webtx {

namespace dsl {
struct ExprTag {};
}  // namespace dsl

// CRTP base of every expression type: stores nothing, marks the type as an expression.
template <typename Derived>
struct ExprBase : dsl::ExprTag {
  static constexpr bool is_reduction = false;
  static constexpr bool uses_rvar = false;
  const Derived& derived() const { return static_cast<const Derived&>(*this); }
};

namespace dsl {

template <typename E>
concept Expression = std::is_base_of_v<ExprTag, std::remove_cvref_t<E>>;
template <typename L>
concept Literal = std::is_arithmetic_v<std::remove_cvref_t<L>>;
template <typename A>
concept Operand = Expression<A> || Literal<A>;

// The dtype a literal has on its own: 1.5f -> f32, 3 -> i32, true -> boolean.
template <typename L>
using natural_dtype_t =
    std::conditional_t<std::is_same_v<L, bool>, boolean,
                       std::conditional_t<std::is_floating_point_v<L>, f32, i32>>;

// The dtype of an operand: an expression's own, a literal's natural one.
template <typename A>
constexpr auto dtype_of_operand() {
  if constexpr (Expression<A>)
    return hana::type_c<typename A::dtype>;
  else
    return hana::type_c<natural_dtype_t<A>>;
}
template <typename A>
using operand_dtype_t = typename decltype(dtype_of_operand<A>())::type;

// ---- compile-time checks (the messages are the user-facing documentation) --------------------

// A literal adopts the dtype T of the expression it meets, if it is of the same kind.
template <typename T, typename L>
constexpr void check_literal() {
  if constexpr (std::is_same_v<L, bool>) {
    static_assert(is_bool_dtype<T>,
                  "YOU_MIXED_A_BOOL_LITERAL_WITH_A_NON_BOOLEAN_EXPRESSION: compare instead");
  } else if constexpr (std::is_floating_point_v<L>) {
    static_assert(is_float_dtype<T>,
                  "YOU_MIXED_A_FLOAT_LITERAL_WITH_A_NON_FLOAT_EXPRESSION: write an integer literal "
                  "(2, not 2.0f) or cast<f32>(...) the expression");
  } else {
    static_assert(is_integer_dtype<T>,
                  "YOU_MIXED_AN_INTEGER_LITERAL_WITH_A_NON_INTEGER_EXPRESSION: write a float "
                  "literal (2.0f, not 2) or cast<i32>(...) the expression");
  }
}

template <typename A>
constexpr void check_not_reduction() {
  if constexpr (Expression<A>) {
    static_assert(!A::is_reduction,
                  "A_REDUCTION_MUST_BE_THE_WHOLE_BODY_OF_A_COMPUTE: compute the sum/max/min into "
                  "its own tensor, then use that tensor");
  }
}

// The dtype two operands share; no implicit conversions between expressions.
template <typename A, typename B>
constexpr auto common_dtype() {
  if constexpr (Expression<A> && Expression<B>) {
    static_assert(std::is_same_v<typename A::dtype, typename B::dtype>,
                  "YOU_MIXED_DIFFERENT_DTYPES_IN_ONE_EXPRESSION: convert one side with "
                  "cast<T>(e), e.g. cast<f32>(i) + x");
    return hana::type_c<typename A::dtype>;
  } else if constexpr (Expression<A>) {
    check_literal<typename A::dtype, B>();
    return hana::type_c<typename A::dtype>;
  } else if constexpr (Expression<B>) {
    check_literal<typename B::dtype, A>();
    return hana::type_c<typename B::dtype>;
  } else {
    check_literal<natural_dtype_t<A>, B>();
    return hana::type_c<natural_dtype_t<A>>;
  }
}
template <typename A, typename B>
using common_dtype_t = typename decltype(common_dtype<A, B>())::type;

}  // namespace dsl

// A constant of dtype T (a literal that met an expression of dtype T).
template <typename T>
class Const : public ExprBase<Const<T>> {
  using value_type = std::conditional_t<dsl::is_float_dtype<T>, double, int64_t>;

 public:
  using dtype = T;
  template <dsl::Literal L>
  explicit Const(L v) : value_(static_cast<value_type>(v)) {
    if constexpr (dsl::is_integer_dtype<T> && std::is_integral_v<L>) {
      using H = host_type_t<T>;
      user_assert(static_cast<int64_t>(v) >= std::numeric_limits<H>::min() &&
                  static_cast<int64_t>(v) <= static_cast<int64_t>(std::numeric_limits<H>::max()))
          << "integer literal " << static_cast<int64_t>(v) << " does not fit "
          << dsl::dtype_of<T>.str();
    }
  }
  value_type value() const { return value_; }
  ir::Expr to_ir() const {
    if constexpr (dsl::is_float_dtype<T>)
      return ir::FloatImm::make(dsl::dtype_of<T>, value_);
    else
      return ir::IntImm::make(dsl::dtype_of<T>, value_);
  }

 private:
  value_type value_;
};

// A constant of an explicit dtype, e.g. constant<T>(0) in generic code.
template <typename T, dsl::Literal L>
Const<T> constant(L v) {
  static_assert(dsl::is_dtype<T>,
                "THE_ELEMENT_TYPE_IS_NOT_A_DTYPE: use f32, f16, i32, u32 or boolean");
  return Const<T>(v);
}

namespace dsl {

// An operand as stored in an expression of dtype T: expressions as they are, literals as Const<T>.
template <typename T, typename A>
using stored_t = std::conditional_t<Expression<A>, std::remove_cvref_t<A>, Const<T>>;

template <typename T, typename A>
stored_t<T, A> lift(const A& a) {
  if constexpr (Expression<A>)
    return a;
  else
    return Const<T>(a);
}

// True when an operand contains an RVar outside a reduction.
template <typename A>
inline constexpr bool uses_rvar_v = [] {
  if constexpr (Expression<A>)
    return A::uses_rvar;
  else
    return false;
}();

}  // namespace dsl
}  // namespace webtx
