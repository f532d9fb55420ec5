#pragma once
// Compile-time element types. A dtype is an empty tag (webtx::f32 ...); one Hana map from tag to
// traits is the single table that says what each tag means at run time (ir::DType), in C++
// (the host storage type) and in messages.
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <boost/hana/at_key.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>
#include <cstdint>

#include "webtx/ir/dtype.hpp"

namespace webtx {

struct f32 {};
struct f16 {};  // a storage type: kernels compute in f16 where the target allows it
struct i32 {};
struct u32 {};
struct boolean {};

namespace dsl {
namespace hana = boost::hana;

template <ir::TypeCode Code, int Bits, typename Host>
struct dtype_traits {
  static constexpr ir::DType dtype{Code, Bits};
  using host_type = Host;  // what a buffer element holds on the host (f16: raw bits)
};

// The one table: tag -> traits.
inline constexpr auto dtype_table = hana::make_map(
    hana::make_pair(hana::type_c<f32>, hana::type_c<dtype_traits<ir::TypeCode::Float, 32, float>>),
    hana::make_pair(hana::type_c<f16>,
                    hana::type_c<dtype_traits<ir::TypeCode::Float, 16, uint16_t>>),
    hana::make_pair(hana::type_c<i32>, hana::type_c<dtype_traits<ir::TypeCode::Int, 32, int32_t>>),
    hana::make_pair(hana::type_c<u32>,
                    hana::type_c<dtype_traits<ir::TypeCode::UInt, 32, uint32_t>>),
    hana::make_pair(hana::type_c<boolean>,
                    hana::type_c<dtype_traits<ir::TypeCode::Bool, 8, uint32_t>>));

template <typename T>
inline constexpr bool is_dtype = decltype(hana::contains(dtype_table, hana::type_c<T>))::value;

// A non-dtype maps to empty traits rather than cascading into Hana's own errors: every entry
// point static_asserts is_dtype first, with a message that says what to write instead.
template <typename T>
constexpr auto traits_type() {
  if constexpr (is_dtype<T>)
    return hana::at_key(dtype_table, hana::type_c<T>);
  else
    return hana::type_c<dtype_traits<ir::TypeCode::Int, 0, void>>;
}
template <typename T>
using traits_of = typename decltype(traits_type<T>())::type;

// The runtime type of a tag.
template <typename T>
inline constexpr ir::DType dtype_of = traits_of<T>::dtype;

// Category queries (false for a non-dtype, whose traits have 0 bits).
template <typename T>
inline constexpr bool is_float_dtype =
    (traits_of<T>::dtype.bits > 0) && traits_of<T>::dtype.is_float();
template <typename T>
inline constexpr bool is_integer_dtype =
    (traits_of<T>::dtype.bits > 0) && traits_of<T>::dtype.is_integer();
template <typename T>
inline constexpr bool is_bool_dtype =
    (traits_of<T>::dtype.bits > 0) && traits_of<T>::dtype.is_bool();

}  // namespace dsl

// Host element type of a dtype tag, e.g. host_type_t<f32> is float.
template <typename T>
using host_type_t = typename dsl::traits_of<T>::host_type;

}  // namespace webtx
