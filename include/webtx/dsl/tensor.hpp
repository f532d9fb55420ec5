#pragma once
// Tensor<T, Rank>: a typed handle on an ir::Operation (a placeholder or a compute), indexable as
// A(i, j) with exactly Rank i32 indices. placeholder<T>(name, {extents}) declares an input.
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <array>
#include <boost/hana/all_of.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "webtx/dsl/var.hpp"
#include "webtx/ir/operation.hpp"

namespace webtx {

// A(i, j, ...): a read of tensor A. The index types Idx stay in the type (the compile-time
// checks read them); their values are kept as IR, so every AccessExpr stores the same thing
// and a generator instantiates no storage code per index combination.
template <typename T, typename... Idx>
class AccessExpr : public ExprBase<AccessExpr<T, Idx...>> {
 public:
  using dtype = T;
  static constexpr bool uses_rvar = (false || ... || Idx::uses_rvar);
  AccessExpr(ir::Operation op, std::vector<ir::Expr> idx)
      : op_(std::move(op)), idx_(std::move(idx)) {}
  ir::Expr to_ir() const { return ir::ProducerLoad::make(op_, idx_); }

 private:
  ir::Operation op_;
  std::vector<ir::Expr> idx_;
};

namespace dsl {

template <typename I>
inline constexpr bool is_index = (Expression<I> && std::is_same_v<operand_dtype_t<I>, i32>) ||
                                 (std::is_integral_v<I> && !std::is_same_v<I, bool>);
template <typename I>
inline constexpr bool is_float_operand = Operand<I>&& is_float_dtype<operand_dtype_t<I>>;

template <std::size_t Rank, typename... Idx>
constexpr void check_indices() {
  constexpr auto types = hana::tuple_t<Idx...>;
  static_assert(hana::length(types) == hana::size_c<Rank>,
                "YOU_INDEXED_A_TENSOR_WITH_THE_WRONG_NUMBER_OF_INDICES: a rank-N tensor takes "
                "exactly N indices, A(i, j) for a rank-2 A");
  constexpr bool any_float = !decltype(hana::all_of(types, [](auto t) {
    return hana::bool_c<!is_float_operand<typename decltype(t)::type>>;
  }))::value;
  static_assert(!any_float,
                "YOU_INDEXED_A_TENSOR_WITH_A_FLOAT_EXPRESSION: indices must be i32; "
                "cast<i32>(...) if you really mean it");
  constexpr bool all_i32 = decltype(hana::all_of(
      types, [](auto t) { return hana::bool_c<is_index<typename decltype(t)::type>>; }))::value;
  static_assert(any_float || all_i32,
                "TENSOR_INDICES_MUST_BE_I32_EXPRESSIONS: use Vars, RVars, integer literals or "
                "cast<i32>(...)");
  (check_not_reduction<Idx>(), ...);
}

// Run-time checks, compiled once in webtx::compiler (src/dsl/checks.cpp): a name, and
// constant extents > 0; an operation of dtype t and rank `rank` for a Tensor.
void check_extents(const char* what, const std::string& name, const std::vector<ir::Expr>& shape);
void check_tensor_op(const ir::Operation& op, ir::DType t, std::size_t rank);

}  // namespace dsl

template <typename T, std::size_t Rank>
class Tensor {
  static_assert(dsl::is_dtype<T>,
                "THE_ELEMENT_TYPE_IS_NOT_A_DTYPE: use f32, f16, i32, u32 or boolean");
  static_assert(Rank >= 1, "TENSORS_HAVE_AT_LEAST_ONE_DIMENSION: use shape {1} for a scalar");

 public:
  using dtype = T;
  static constexpr std::size_t rank = Rank;

  // Wraps an existing operation; its dtype and rank are checked at run time.
  explicit Tensor(ir::Operation op) : op_(std::move(op)) {
    dsl::check_tensor_op(op_, dsl::dtype_of<T>, Rank);
  }

  const ir::Operation& op() const { return op_; }
  const std::string& name() const { return op_->name; }
  // One Extent per dimension; `auto [M, K] = x.shape();` or `x.shape()[1]`.
  std::array<Extent, Rank> shape() const {
    std::array<Extent, Rank> s;
    for (std::size_t i = 0; i < Rank; ++i) s[i] = Extent(op_->shape[i]);
    return s;
  }

  template <typename... Idx>
  auto operator()(const Idx&... idx) const {
    dsl::check_indices<Rank, Idx...>();
    return AccessExpr<T, dsl::stored_t<i32, Idx>...>(op_, {dsl::lift<i32>(idx).to_ir()...});
  }

 private:
  ir::Operation op_;
};

// For ops that need two extents to agree (matmul's K): an error naming `what` when both are
// constants that differ. Symbolic extents can only be checked at run time, against real shapes.
void check_same_extent(const Extent& a, const Extent& b, const std::string& what);

// An input tensor: placeholder<f32>("x", {batch, 784}). Extents are Vars (bound at run time),
// integer constants or i32 expressions of them.
template <typename T, std::size_t N>
Tensor<T, N> placeholder(std::string name, const Extent (&shape)[N]) {
  static_assert(dsl::is_dtype<T>,
                "THE_ELEMENT_TYPE_IS_NOT_A_DTYPE: use f32, f16, i32, u32 or boolean");
  std::vector<ir::Expr> s;
  for (auto& e : shape) s.push_back(e.to_ir());
  dsl::check_extents("placeholder", name, s);
  return Tensor<T, N>(ir::make_placeholder(std::move(name), dsl::dtype_of<T>, std::move(s)));
}
template <typename T, std::size_t N>
Tensor<T, N> placeholder(std::string name, const std::array<Extent, N>& shape) {
  Extent s[N];
  for (std::size_t i = 0; i < N; ++i) s[i] = shape[i];
  return placeholder<T>(std::move(name), s);
}

}  // namespace webtx
