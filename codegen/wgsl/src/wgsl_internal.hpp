#pragma once
// Helpers private to the WGSL backend: identifier legalisation and literal printing.
#include <cstdint>
#include <string>
#include <unordered_set>

#include "webtx/ir/dtype.hpp"

namespace webtx::codegen::wgsl_detail {

// Hands out identifiers that are valid WGSL, never a keyword, reserved word or predeclared
// name (so no builtin is ever shadowed), and unique within one module.
class Namer {
 public:
  Namer();
  // A fresh identifier derived from `hint` (e.g. "x" -> "x", then "x_1", ...).
  std::string fresh(const std::string& hint);
  // Claims an exact identifier for the backend's own use; it must still be free.
  void claim(const std::string& name);

 private:
  std::unordered_set<std::string> used_;
};

// The WGSL type of a value of type t (bool is `bool`).
std::string value_type(ir::DType t);
// The element type of a storage buffer holding t (bool is stored as u32).
std::string storage_type(ir::DType t);

// A literal for an integer/bool constant, e.g. `5i`, `(-3i)`, `7u`, `true`.
std::string int_literal(ir::DType t, int64_t v);
// A literal that reads back exactly as the f32/f16 value nearest to v, e.g. `1.5f`,
// `(-2.0h)`, `3.4028235e+38f`. Returns "" for values with no WGSL literal (inf, NaN, or
// out of the type's range after rounding): the caller builds those at run time.
std::string float_literal(ir::DType t, double v);
// Bit pattern of the nonfinite value nearest v in type t (f32 bits, or f16 bits in the low
// half), used to build +-inf/NaN at run time.
uint32_t nonfinite_bits(ir::DType t, double v);

}  // namespace webtx::codegen::wgsl_detail
