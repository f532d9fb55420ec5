#pragma once
// compute({M, N}, [&](Var i, Var j) { return ...; }, "name"): a tensor defined element-wise. The
// rank comes from the extent list, the dtype from what the function returns; a reduction
// (sum/max/min) may be the whole returned expression.
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <array>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "webtx/dsl/tensor.hpp"

namespace webtx {
namespace dsl {

template <typename F, typename Vars>
struct invocable_with;
template <typename F, typename... V>
struct invocable_with<F, hana::tuple<V...>> : std::is_invocable<F&, const V&...> {};

// The dtype of whatever the compute function returns (an expression or a literal).
template <typename R>
constexpr auto body_dtype() {
  if constexpr (Operand<R>)
    return hana::type_c<operand_dtype_t<R>>;
  else
    return hana::type_c<f32>;  // after the static_assert in compute_impl
}

template <std::size_t N, typename F>
auto compute_impl(const Extent* shape, F& f, std::string name) {
  // One fresh loop variable per dimension, handed to f from a Hana tuple.
  auto vars = hana::unpack(hana::make_range(hana::size_c<0>, hana::size_c<N>), [](auto... i) {
    return hana::make_tuple(Var("i" + std::to_string(decltype(i)::value))...);
  });
  constexpr bool callable = invocable_with<F, decltype(vars)>::value;
  static_assert(callable,
                "THE_COMPUTE_FUNCTION_MUST_TAKE_ONE_VAR_PER_DIMENSION: compute({M, N}, [&](Var i, "
                "Var j) { return ...; })");
  if constexpr (callable) {
    using R = std::remove_cvref_t<decltype(hana::unpack(vars, f))>;
    static_assert(Operand<R>,
                  "THE_COMPUTE_FUNCTION_MUST_RETURN_AN_EXPRESSION: e.g. return A(i, j) + 1.0f;");
    if constexpr (Expression<R>) {
      static_assert(!R::uses_rvar,
                    "YOU_USED_A_REDUCTION_AXIS_OUTSIDE_OF_A_REDUCTION: an RVar may only appear "
                    "inside sum/max/min over it");
    }
    using T = typename decltype(body_dtype<R>())::type;
    ir::Expr body;
    if constexpr (Operand<R>) body = lift<T>(hana::unpack(vars, f)).to_ir();

    std::vector<ir::IterVar> axes;
    std::vector<ir::Expr> extents;
    std::size_t d = 0;
    hana::for_each(vars, [&](const Var& v) {
      extents.push_back(shape[d].to_ir());
      axes.push_back(ir::make_iter_var(v.to_ir(), ir::IntImm::make(ir::DType::i32(), 0),
                                       extents.back(), ir::IterKind::DataPar));
      ++d;
    });
    check_extents("compute", name, extents);
    return Tensor<T, N>(ir::make_compute(std::move(name), std::move(axes), std::move(body)));
  } else {
    return Tensor<f32, N>(nullptr);
  }
}

}  // namespace dsl

template <std::size_t N, typename F>
auto compute(const Extent (&shape)[N], F&& f, std::string name = "compute") {
  return dsl::compute_impl<N>(shape, f, std::move(name));
}
template <std::size_t N, typename F>
auto compute(const std::array<Extent, N>& shape, F&& f, std::string name = "compute") {
  return dsl::compute_impl<N>(shape.data(), f, std::move(name));
}

}  // namespace webtx
