// Literals that round-trip: integers carry their type suffix; floats are printed in the
// shortest decimal form that reads back as the same f32/f16 value (std::to_chars), so the
// WGSL compiler recovers exactly the constant the IR holds.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "wgsl_internal.hpp"

namespace webtx::codegen::wgsl_detail {

std::string value_type(ir::DType t) {
  switch (t.code) {
    case ir::TypeCode::Bool:
      return "bool";
    case ir::TypeCode::Int:
      internal_assert(t.bits == 32) << "WGSL has no " << t.str();
      return "i32";
    case ir::TypeCode::UInt:
      internal_assert(t.bits == 32) << "WGSL has no " << t.str();
      return "u32";
    case ir::TypeCode::Float:
      internal_assert(t.bits == 32 || t.bits == 16) << "WGSL has no " << t.str();
      return t.bits == 16 ? "f16" : "f32";
  }
  internal_error << "unknown dtype";
}

std::string storage_type(ir::DType t) { return t.is_bool() ? "u32" : value_type(t); }

std::string int_literal(ir::DType t, int64_t v) {
  if (t.is_bool()) return v ? "true" : "false";
  if (t.is_uint()) return std::to_string(static_cast<uint32_t>(v)) + "u";
  internal_assert(t.is_int() && t.bits == 32) << "int literal of type " << t.str();
  auto x = static_cast<int32_t>(v);
  // -2147483648i does not parse (the literal 2147483648i is out of range).
  if (x == INT32_MIN) return "(-2147483647i - 1i)";
  if (x < 0) return "(" + std::to_string(x) + "i)";
  return std::to_string(x) + "i";
}

namespace {

// Shortest decimal text of f, with a '.' or exponent so it reads as a float.
std::string shortest(float f) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// Exact hexadecimal text (e.g. 0x1.fffffep+127), for values near the ends of the range: WGSL
// compilers reject a decimal literal whose exact value lies beyond the largest finite value,
// even when it would round to it.
std::string hex(float f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", static_cast<double>(f));
  return buf;
}

}  // namespace

std::string float_literal(ir::DType t, double v) {
  internal_assert(t.is_float()) << "float literal of type " << t.str();
  if (!std::isfinite(v)) return "";
  std::string text;
  if (t.bits == 16) {
    auto h = static_cast<_Float16>(v);
    if (!std::isfinite(static_cast<float>(h))) return "";
    // Every f16 is exactly an f32, and the shortest f32 text identifies it among f32s, hence
    // also among f16s.
    float a = std::fabs(static_cast<float>(h));
    text = (a >= 32768.0f || (a != 0 && a < 0x1p-14f) ? hex(static_cast<float>(h))
                                                      : shortest(static_cast<float>(h))) +
           "h";
  } else {
    auto f = static_cast<float>(v);
    if (!std::isfinite(f)) return "";
    float a = std::fabs(f);
    text = (a >= 0x1p126f || (a != 0 && a < 0x1p-126f) ? hex(f) : shortest(f)) + "f";
  }
  if (text[0] == '-') return "(" + text + ")";
  return text;
}

uint32_t nonfinite_bits(ir::DType t, double v) {
  bool half = t.bits == 16;
  if (std::isnan(v)) return half ? 0x7e00u : 0x7fc00000u;
  bool neg = std::signbit(v);
  if (half) return neg ? 0xfc00u : 0x7c00u;
  return neg ? 0xff800000u : 0x7f800000u;
}

}  // namespace webtx::codegen::wgsl_detail
