#pragma once
// Leaves that name things: TypedExpr<T> (any expression of dtype T, type-erased), Var (an i32
// loop index or symbolic size), RVar (a reduction axis) and Extent (a dimension's size).
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <string>
#include <utility>

#include "webtx/dsl/expr_base.hpp"

namespace webtx {
namespace dsl {
// Run-time checks of the classes below, compiled once in webtx::compiler (src/dsl/checks.cpp).
void check_typed_expr(const ir::Expr& e, ir::DType t);  // defined and of type t
void check_defined_expr(const ir::Expr& e);
}  // namespace dsl

// An expression of dtype T whose structure is known only at run time: what a helper function
// returns when `auto` won't do, and what a tensor's extents are (Extent = TypedExpr<i32>).
// Erasing the structure also erases the compile-time "RVar used outside a reduction" check.
template <typename T>
class TypedExpr : public ExprBase<TypedExpr<T>> {
  static_assert(dsl::is_dtype<T>,
                "THE_ELEMENT_TYPE_IS_NOT_A_DTYPE: use f32, f16, i32, u32 or boolean");

 public:
  using dtype = T;
  TypedExpr() = default;
  // From any expression of the same dtype.
  template <dsl::Expression E>
  TypedExpr(const E& e) {  // NOLINT: implicit on purpose, like a value
    static_assert(std::is_same_v<typename E::dtype, T>,
                  "YOU_MIXED_DIFFERENT_DTYPES_IN_ONE_EXPRESSION: convert with cast<T>(e)");
    dsl::check_not_reduction<E>();
    if constexpr (std::is_same_v<typename E::dtype, T>) expr_ = e.to_ir();
  }
  // From a literal of the matching kind (3 for integers, 1.5f for floats).
  template <dsl::Literal L>
  TypedExpr(L v) : expr_(Const<T>(v).to_ir()) {  // NOLINT: implicit on purpose
    dsl::check_literal<T, L>();
  }
  // From a plain IR expression; checked at run time.
  explicit TypedExpr(ir::Expr e) : expr_(std::move(e)) {
    dsl::check_typed_expr(expr_, dsl::dtype_of<T>);
  }

  bool defined() const { return expr_.defined(); }
  ir::Expr to_ir() const {
    dsl::check_defined_expr(expr_);
    return expr_;
  }

 private:
  ir::Expr expr_;
};

// The size of one dimension: an i32 constant or an expression over symbolic Vars.
using Extent = TypedExpr<i32>;

// An i32 variable: a compute's loop index (compute hands you one per dimension) or a symbolic
// size bound at run time (`Var batch("batch")`). Two Vars are the same only if copied from
// one another; the name is for printing.
class Var : public ExprBase<Var> {
 public:
  using dtype = i32;
  explicit Var(std::string name = "v");  // src/dsl/checks.cpp
  const std::string& name() const { return expr_.as<ir::Variable>()->name; }
  ir::Expr to_ir() const { return expr_; }

 private:
  ir::Expr expr_;
};

// A reduction axis ranging over [0, extent). Usable as an index inside sum/max/min over it.
// Give each reduction its own RVar: a compute owns the axes of its reduction.
class RVar : public ExprBase<RVar> {
 public:
  using dtype = i32;
  static constexpr bool uses_rvar = true;
  RVar(Extent extent, std::string name = "r");  // src/dsl/checks.cpp
  const std::string& name() const { return iv_->var.as<ir::Variable>()->name; }
  Extent extent() const { return Extent(iv_->extent); }
  const ir::IterVar& iter_var() const { return iv_; }
  ir::Expr to_ir() const { return iv_->var; }

 private:
  ir::IterVar iv_;
};

}  // namespace webtx
