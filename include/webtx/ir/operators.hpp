#pragma once
// Integer operator helpers that fold constants and identities as they build nodes, so
// generated indices stay readable (after Halide's IROperator.h). Index arithmetic is assumed
// not to overflow (i32 indices of in-range tensors).
#include <cstdint>
#include <optional>

#include "webtx/ir/expr.hpp"

namespace webtx::ir {

inline std::optional<int64_t> as_const(const Expr& e) {
  if (auto* c = e.as<IntImm>()) return c->value;
  return std::nullopt;
}
inline bool is_const(const Expr& e, int64_t v) {
  auto c = as_const(e);
  return c && *c == v;
}
inline Expr make_int(int64_t v) { return IntImm::make(DType::i32(), v); }
inline Expr make_bool(bool v) { return IntImm::make(DType::boolean(), v); }

// In their own namespace, not ir: argument-dependent lookup on an ir::Expr then never drags
// them into an unqualified add()/mul() call elsewhere (test builders, other helpers). Use
// them qualified (ir::fold::add) or with using-declarations (as webtx::lowering does).
namespace fold {

Expr add(const Expr& a, const Expr& b);
Expr sub(const Expr& a, const Expr& b);
Expr mul(const Expr& a, const Expr& b);
Expr div(const Expr& a, const Expr& b);  // truncating, like Div
Expr mod(const Expr& a, const Expr& b);  // truncating, like Mod
Expr ceil_div(const Expr& a, const Expr& b);
// a && b; an undefined side is "true" (so conditions can be accumulated from nothing).
Expr logical_and(const Expr& a, const Expr& b);

}  // namespace fold

}  // namespace webtx::ir
