#pragma once
// Extent helpers shared by the ops: constant folding (so a conv on a 56x56 input gets constant
// output extents, not an expression a scheduler cannot size), and the shape checks that make an
// op's user errors name the op.
#include <cstdint>
#include <optional>
#include <string>

#include "webtx/dsl.hpp"
#include "webtx/ir/equality.hpp"
#include "webtx/ir/operators.hpp"
#include "webtx/ir/printer.hpp"

namespace webtx::ops::detail {

// For the catch-all overloads that turn a rank or dtype mistake into one readable error.
template <typename... A>
inline constexpr bool always_false = false;

inline std::optional<int64_t> const_of(const Extent& e) { return ir::as_const(e.to_ir()); }
inline Extent ext(int64_t v) { return Extent(ir::make_int(v)); }

// Folding arithmetic on extents and indices (constants fold, +0 and *1 vanish).
inline Extent fadd(const Extent& a, const Extent& b) {
  return Extent(ir::fold::add(a.to_ir(), b.to_ir()));
}
inline Extent fsub(const Extent& a, const Extent& b) {
  return Extent(ir::fold::sub(a.to_ir(), b.to_ir()));
}
inline Extent fmul(const Extent& a, const Extent& b) {
  return Extent(ir::fold::mul(a.to_ir(), b.to_ir()));
}
inline Extent fdiv(const Extent& a, const Extent& b) {
  return Extent(ir::fold::div(a.to_ir(), b.to_ir()));
}
inline Extent fmod(const Extent& a, const Extent& b) {
  return Extent(ir::fold::mod(a.to_ir(), b.to_ir()));
}

// True when the extents are the same constant or the same expression of the same symbols.
inline bool same_extent(const Extent& a, const Extent& b) {
  return ir::deep_equal(a.to_ir(), b.to_ir());
}

// A user error naming the op when `got` is a constant other than `want`.
inline void expect_extent(const Extent& got, int64_t want, const std::string& op,
                          const std::string& what) {
  auto c = const_of(got);
  user_assert(!c || *c == want) << op << ": " << what << " is " << *c << ", expected " << want;
}

// A user error naming the op when two extents are constants that differ.
inline void expect_same(const Extent& a, const Extent& b, const std::string& op,
                        const std::string& what) {
  check_same_extent(a, b, op + ": " + what);
}

// A constant the op needs at graph-building time (filter sizes, grouped channel counts).
inline int64_t require_const(const Extent& e, const std::string& op, const std::string& what) {
  auto c = const_of(e);
  user_assert(c.has_value()) << op << ": " << what << " must be a constant, not "
                             << ir::to_string(e.to_ir());
  return *c;
}

}  // namespace webtx::ops::detail
