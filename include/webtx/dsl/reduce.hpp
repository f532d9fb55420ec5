#pragma once
// Reductions: sum(e, k), max(e, k), min(e, k) over one RVar or several (`sum(e, {c, kh, kw})`).
// A reduction is only allowed as the whole body of a compute; min/max with a non-RVar second
// argument are the element-wise functions.
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "webtx/dsl/ops.hpp"
#include "webtx/dsl/var.hpp"

namespace webtx {

template <ir::ReduceOp Op, typename E>
class ReduceExpr : public ExprBase<ReduceExpr<Op, E>> {
 public:
  using dtype = typename E::dtype;
  static constexpr bool is_reduction = true;
  static constexpr bool uses_rvar = false;  // its RVars are bound here
  ReduceExpr(E source, std::vector<RVar> axes)
      : source_(std::move(source)), axes_(std::move(axes)) {
    user_assert(!axes_.empty()) << ir::reduce_op_name(Op) << " over an empty list of axes";
    for (size_t i = 0; i < axes_.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        user_assert(axes_[i].iter_var() != axes_[j].iter_var())
            << ir::reduce_op_name(Op) << " lists reduction axis '" << axes_[i].name() << "' twice";
      }
    }
  }
  const E& source() const { return source_; }
  const std::vector<RVar>& axes() const { return axes_; }
  ir::Expr to_ir() const {
    std::vector<ir::IterVar> ivs;
    for (auto& a : axes_) ivs.push_back(a.iter_var());
    return ir::Reduce::make(Op, source_.to_ir(), std::move(ivs));
  }

 private:
  E source_;
  std::vector<RVar> axes_;
};

namespace dsl {

template <typename A>
inline constexpr bool is_axis_list =
    std::is_same_v<A, RVar> || std::is_same_v<A, std::vector<RVar>>;

template <ir::ReduceOp Op, typename E, typename Axes>
auto make_reduce(const E& e, const Axes& axes) {
  static_assert(is_axis_list<Axes>,
                "THE_AXIS_OF_A_REDUCTION_MUST_BE_AN_RVAR: declare RVar k(extent, \"k\") and write "
                "sum(e, k) or sum(e, {k1, k2})");
  static_assert(!(Expression<E> && E::is_reduction),
                "A_REDUCTION_MUST_BE_THE_WHOLE_BODY_OF_A_COMPUTE: nested reductions are not "
                "allowed; reduce over several axes at once with sum(e, {k1, k2})");
  using T = operand_dtype_t<E>;
  static_assert(!is_bool_dtype<T>,
                "A_REDUCTION_NEEDS_A_NUMERIC_SOURCE: cast<i32>(...) a boolean expression first");
  std::vector<RVar> list;
  if constexpr (std::is_same_v<Axes, RVar>)
    list.push_back(axes);
  else if constexpr (std::is_same_v<Axes, std::vector<RVar>>)
    list = axes;
  return ReduceExpr<Op, stored_t<T, E>>(lift<T>(e), std::move(list));
}

template <ir::ReduceOp Op, typename E, typename Axis, std::size_t N>
auto make_reduce_list(const E& e, const Axis (&axes)[N]) {
  static_assert(std::is_same_v<Axis, RVar>,
                "THE_AXIS_OF_A_REDUCTION_MUST_BE_AN_RVAR: declare RVar k(extent, \"k\") and write "
                "sum(e, k) or sum(e, {k1, k2})");
  if constexpr (std::is_same_v<Axis, RVar>) {
    return make_reduce<Op>(e, std::vector<RVar>(axes, axes + N));
  } else {
    return make_reduce<Op>(e, std::vector<RVar>{});  // after the static_assert above
  }
}

}  // namespace dsl

// sum of e over every point of the reduction axes.
template <dsl::Operand E, typename Axes>
auto sum(const E& e, const Axes& axes) {
  return dsl::make_reduce<ir::ReduceOp::Sum>(e, axes);
}
template <dsl::Operand E, typename Axis, std::size_t N>
auto sum(const E& e, const Axis (&axes)[N]) {
  return dsl::make_reduce_list<ir::ReduceOp::Sum>(e, axes);
}

// max(e, k) / min(e, k): a reduction when k is an RVar (or a list of them), else element-wise.
template <dsl::Operand A, typename B>
requires(dsl::Expression<A> || dsl::Expression<B>) auto max(const A& a, const B& b) {
  if constexpr (dsl::is_axis_list<B>)
    return dsl::make_reduce<ir::ReduceOp::Max>(a, b);
  else
    return dsl::make_binary<dsl::op::max>(a, b);
}
template <dsl::Operand E, typename Axis, std::size_t N>
auto max(const E& e, const Axis (&axes)[N]) {
  return dsl::make_reduce_list<ir::ReduceOp::Max>(e, axes);
}
template <dsl::Operand A, typename B>
requires(dsl::Expression<A> || dsl::Expression<B>) auto min(const A& a, const B& b) {
  if constexpr (dsl::is_axis_list<B>)
    return dsl::make_reduce<ir::ReduceOp::Min>(a, b);
  else
    return dsl::make_binary<dsl::op::min>(a, b);
}
template <dsl::Operand E, typename Axis, std::size_t N>
auto min(const E& e, const Axis (&axes)[N]) {
  return dsl::make_reduce_list<ir::ReduceOp::Min>(e, axes);
}

}  // namespace webtx
