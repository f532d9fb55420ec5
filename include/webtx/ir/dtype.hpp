#pragma once
// Runtime description of an element type. The DSL's compile-time dtypes (webtx::f32 ...)
// map onto these; the IR and every backend use only this struct.
#include <cstdint>
#include <string>

#include "webtx/error.hpp"

namespace webtx::ir {

enum class TypeCode : uint8_t { Int, UInt, Float, Bool };

struct DType {
  TypeCode code = TypeCode::Int;
  uint8_t bits = 32;

  static constexpr DType i32() { return {TypeCode::Int, 32}; }
  static constexpr DType u32() { return {TypeCode::UInt, 32}; }
  static constexpr DType f32() { return {TypeCode::Float, 32}; }
  static constexpr DType f16() { return {TypeCode::Float, 16}; }
  static constexpr DType boolean() { return {TypeCode::Bool, 8}; }

  constexpr bool is_float() const { return code == TypeCode::Float; }
  constexpr bool is_int() const { return code == TypeCode::Int; }
  constexpr bool is_uint() const { return code == TypeCode::UInt; }
  constexpr bool is_bool() const { return code == TypeCode::Bool; }
  constexpr bool is_integer() const { return is_int() || is_uint(); }
  // Bytes one element occupies in a buffer (bool is stored as u32 on GPUs: see docs/ir.md).
  constexpr int bytes() const { return is_bool() ? 4 : bits / 8; }
  constexpr bool operator==(const DType&) const = default;

  std::string str() const;  // "i32", "f16", "bool", ... (src/ir/dtype.cpp)
  // Stable small integer used in the manifest and across the wasm ABI.
  constexpr int code_id() const {
    if (is_bool()) return 4;
    if (is_float()) return bits == 16 ? 3 : 0;
    return is_int() ? 1 : 2;
  }
  static DType from_code_id(int id);  // the inverse of code_id(); a UserError if unknown
};

}  // namespace webtx::ir
