#include "webtx/ir/operators.hpp"

namespace webtx::ir::fold {

namespace {
// Products of 32-bit values (u32 up to 2^32 - 1) leave int64: multiply modulo 2^64, which
// IntImm::make then wraps to the type's 32 bits as the GPU does.
int64_t wrapping_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
}  // namespace

Expr add(const Expr& a, const Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y) return IntImm::make(a.type(), *x + *y);
  if (x && *x == 0) return b;
  if (y && *y == 0) return a;
  return Add::make(a, b);
}
Expr sub(const Expr& a, const Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y) return IntImm::make(a.type(), *x - *y);
  if (y && *y == 0) return a;
  return Sub::make(a, b);
}
Expr mul(const Expr& a, const Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y) return IntImm::make(a.type(), wrapping_mul(*x, *y));
  if ((x && *x == 0) || (y && *y == 0)) return IntImm::make(a.type(), 0);
  if (x && *x == 1) return b;
  if (y && *y == 1) return a;
  return Mul::make(a, b);
}
Expr div(const Expr& a, const Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y && *y != 0) return IntImm::make(a.type(), *x / *y);
  if (y && *y == 1) return a;
  return Div::make(a, b);
}
Expr mod(const Expr& a, const Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y && *y != 0) return IntImm::make(a.type(), *x % *y);
  if (y && *y == 1) return IntImm::make(a.type(), 0);
  return Mod::make(a, b);
}
Expr ceil_div(const Expr& a, const Expr& b) {
  auto y = as_const(b);
  if (y && *y == 1) return a;
  return div(add(a, sub(b, make_int(1))), b);
}
Expr logical_and(const Expr& a, const Expr& b) {
  if (!a.defined()) return b;
  if (!b.defined()) return a;
  return And::make(a, b);
}

}  // namespace webtx::ir::fold
