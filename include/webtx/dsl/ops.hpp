#pragma once
// Element-wise operators: + - * / % and unary -, comparisons, && || !, select and cast.
// Each node stores its operands and a functor that names the IR node it becomes. Operands have
// one dtype: literals adopt it, expressions must agree (no implicit conversions).
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <utility>

#include "webtx/dsl/expr_base.hpp"

namespace webtx {
namespace dsl::op {

// Functor families: the result dtype rule and which operand dtypes are allowed.
struct arith {  // T x T -> T, numbers only
  template <typename T>
  using result = T;
};
struct compare {  // T x T -> boolean
  template <typename T>
  using result = boolean;
};
struct logic {  // boolean x boolean -> boolean
  template <typename T>
  using result = boolean;
};

#define WEBTX_DSL_BINARY_FUNCTOR(name, family, Node)     \
  struct name : family {                                 \
    static ir::Expr make(ir::Expr a, ir::Expr b) {       \
      return ir::Node::make(std::move(a), std::move(b)); \
    }                                                    \
  };
WEBTX_DSL_BINARY_FUNCTOR(add, arith, Add)
WEBTX_DSL_BINARY_FUNCTOR(sub, arith, Sub)
WEBTX_DSL_BINARY_FUNCTOR(mul, arith, Mul)
WEBTX_DSL_BINARY_FUNCTOR(div, arith, Div)
WEBTX_DSL_BINARY_FUNCTOR(mod, arith, Mod)
WEBTX_DSL_BINARY_FUNCTOR(min, arith, Min)
WEBTX_DSL_BINARY_FUNCTOR(max, arith, Max)
WEBTX_DSL_BINARY_FUNCTOR(eq, compare, EQ)
WEBTX_DSL_BINARY_FUNCTOR(ne, compare, NE)
WEBTX_DSL_BINARY_FUNCTOR(lt, compare, LT)
WEBTX_DSL_BINARY_FUNCTOR(le, compare, LE)
WEBTX_DSL_BINARY_FUNCTOR(gt, compare, GT)
WEBTX_DSL_BINARY_FUNCTOR(ge, compare, GE)
WEBTX_DSL_BINARY_FUNCTOR(logical_and, logic, And)
WEBTX_DSL_BINARY_FUNCTOR(logical_or, logic, Or)
#undef WEBTX_DSL_BINARY_FUNCTOR

struct neg {  // -a is 0 - a
  static ir::Expr make(ir::Expr a) {
    ir::DType t = a.type();
    ir::Expr zero = t.is_float() ? ir::FloatImm::make(t, 0.0) : ir::IntImm::make(t, 0);
    return ir::Sub::make(std::move(zero), std::move(a));
  }
};
struct logical_not {
  static ir::Expr make(ir::Expr a) { return ir::Not::make(std::move(a)); }
};

}  // namespace dsl::op

template <typename Op, typename L, typename R>
class BinaryExpr : public ExprBase<BinaryExpr<Op, L, R>> {
 public:
  using operand_dtype = typename L::dtype;
  using dtype = typename Op::template result<operand_dtype>;
  static constexpr bool uses_rvar = L::uses_rvar || R::uses_rvar;
  BinaryExpr(L l, R r) : l_(std::move(l)), r_(std::move(r)) {}
  const L& lhs() const { return l_; }
  const R& rhs() const { return r_; }
  ir::Expr to_ir() const { return Op::make(l_.to_ir(), r_.to_ir()); }

 private:
  L l_;
  R r_;
};

template <typename Op, typename A>
class UnaryExpr : public ExprBase<UnaryExpr<Op, A>> {
 public:
  using dtype = typename A::dtype;
  static constexpr bool uses_rvar = A::uses_rvar;
  explicit UnaryExpr(A a) : a_(std::move(a)) {}
  ir::Expr to_ir() const { return Op::make(a_.to_ir()); }

 private:
  A a_;
};

template <typename T, typename A>
class CastExpr : public ExprBase<CastExpr<T, A>> {
 public:
  using dtype = T;
  static constexpr bool uses_rvar = A::uses_rvar;
  explicit CastExpr(A a) : a_(std::move(a)) {}
  ir::Expr to_ir() const { return ir::Cast::make(dsl::dtype_of<T>, a_.to_ir()); }

 private:
  A a_;
};

template <typename C, typename A, typename B>
class SelectExpr : public ExprBase<SelectExpr<C, A, B>> {
 public:
  using dtype = typename A::dtype;
  static constexpr bool uses_rvar = C::uses_rvar || A::uses_rvar || B::uses_rvar;
  SelectExpr(C c, A a, B b) : c_(std::move(c)), a_(std::move(a)), b_(std::move(b)) {}
  ir::Expr to_ir() const { return ir::Select::make(c_.to_ir(), a_.to_ir(), b_.to_ir()); }

 private:
  C c_;
  A a_;
  B b_;
};

namespace dsl {

template <typename Op, typename A, typename B>
auto make_binary(const A& a, const B& b) {
  check_not_reduction<A>();
  check_not_reduction<B>();
  using T = common_dtype_t<A, B>;
  if constexpr (std::is_base_of_v<op::arith, Op>) {
    static_assert(!is_bool_dtype<T>,
                  "ARITHMETIC_ON_BOOLEAN_EXPRESSIONS_IS_NOT_ALLOWED: use && || ! or "
                  "cast<i32>(...) first");
  } else if constexpr (std::is_base_of_v<op::logic, Op>) {
    static_assert(
        is_bool_dtype<T>,
        "LOGICAL_OPERATORS_NEED_BOOLEAN_OPERANDS: compare first, e.g. (x > 0) && (y > 0)");
  }
  return BinaryExpr<Op, stored_t<T, A>, stored_t<T, B>>(lift<T>(a), lift<T>(b));
}

// At least one side is ours, so plain `int + int` never comes here.
template <typename A, typename B>
concept BinaryOperands = Operand<A> && Operand<B> &&(Expression<A> || Expression<B>);

}  // namespace dsl

#define WEBTX_DSL_BINARY_OPERATOR(sym, functor) \
  template <typename A, typename B>             \
  requires dsl::BinaryOperands<A, B>            \
  auto operator sym(const A& a, const B& b) { return dsl::make_binary<dsl::op::functor>(a, b); }
WEBTX_DSL_BINARY_OPERATOR(+, add)
WEBTX_DSL_BINARY_OPERATOR(-, sub)
WEBTX_DSL_BINARY_OPERATOR(*, mul)
WEBTX_DSL_BINARY_OPERATOR(/, div)
WEBTX_DSL_BINARY_OPERATOR(%, mod)
WEBTX_DSL_BINARY_OPERATOR(==, eq)
WEBTX_DSL_BINARY_OPERATOR(!=, ne)
WEBTX_DSL_BINARY_OPERATOR(<, lt)
WEBTX_DSL_BINARY_OPERATOR(<=, le)
WEBTX_DSL_BINARY_OPERATOR(>, gt)
WEBTX_DSL_BINARY_OPERATOR(>=, ge)
WEBTX_DSL_BINARY_OPERATOR(&&, logical_and)
WEBTX_DSL_BINARY_OPERATOR(||, logical_or)
#undef WEBTX_DSL_BINARY_OPERATOR

template <dsl::Expression A>
auto operator-(const A& a) {
  dsl::check_not_reduction<A>();
  static_assert(!dsl::is_bool_dtype<typename A::dtype>,
                "ARITHMETIC_ON_BOOLEAN_EXPRESSIONS_IS_NOT_ALLOWED: use ! for negation");
  return UnaryExpr<dsl::op::neg, A>(a);
}

template <dsl::Expression A>
auto operator!(const A& a) {
  dsl::check_not_reduction<A>();
  static_assert(dsl::is_bool_dtype<typename A::dtype>,
                "LOGICAL_OPERATORS_NEED_BOOLEAN_OPERANDS: compare first, e.g. !(x > 0)");
  return UnaryExpr<dsl::op::logical_not, A>(a);
}

// cond ? a : b, element-wise. Both sides are evaluated: never use it to guard an access.
template <dsl::Operand C, dsl::Operand A, dsl::Operand B>
auto select(const C& cond, const A& a, const B& b) {
  dsl::check_not_reduction<C>();
  dsl::check_not_reduction<A>();
  dsl::check_not_reduction<B>();
  static_assert(
      dsl::is_bool_dtype<dsl::operand_dtype_t<C>>,
      "THE_CONDITION_OF_SELECT_MUST_BE_BOOLEAN: compare first, e.g. select(x > 0, x, 0.0f)");
  using T = dsl::common_dtype_t<A, B>;
  return SelectExpr<dsl::stored_t<boolean, C>, dsl::stored_t<T, A>, dsl::stored_t<T, B>>(
      dsl::lift<boolean>(cond), dsl::lift<T>(a), dsl::lift<T>(b));
}

// Value conversion to dtype T (float -> int truncates toward zero; bool -> 0/1).
template <typename T, dsl::Operand A>
auto cast(const A& a) {
  static_assert(dsl::is_dtype<T>, "CAST_TARGET_IS_NOT_A_DTYPE: use f32, f16, i32, u32 or boolean");
  dsl::check_not_reduction<A>();
  using S = dsl::operand_dtype_t<A>;
  return CastExpr<T, dsl::stored_t<S, A>>(dsl::lift<S>(a));
}

}  // namespace webtx
