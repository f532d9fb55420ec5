#pragma once
// Terse builders for hand-made IR in the WGSL tests (named functions, not operators, so they
// never collide with the DSL's overloads).
#include <string>
#include <vector>

#include "webtx/ir.hpp"

namespace wgsl_test {
using namespace webtx::ir;

inline Expr i32(int64_t v) { return IntImm::make(DType::i32(), v); }
inline Expr u32(int64_t v) { return IntImm::make(DType::u32(), v); }
inline Expr f32(double v) { return FloatImm::make(DType::f32(), v); }
inline Expr f16(double v) { return FloatImm::make(DType::f16(), v); }
inline Expr var(const std::string& n, DType t = DType::i32()) { return Variable::make(t, n); }
inline Expr add(Expr a, Expr b) { return Add::make(a, b); }
inline Expr sub(Expr a, Expr b) { return Sub::make(a, b); }
inline Expr mul(Expr a, Expr b) { return Mul::make(a, b); }
inline Expr div(Expr a, Expr b) { return Div::make(a, b); }
inline Expr mod(Expr a, Expr b) { return Mod::make(a, b); }
inline Expr lt(Expr a, Expr b) { return LT::make(a, b); }
inline Expr land(Expr a, Expr b) { return And::make(a, b); }
inline Expr load(const Buffer& b, Expr i) { return Load::make(b, i); }
inline Stmt store(const Buffer& b, Expr v, Expr i) { return Store::make(b, v, i); }
inline Expr wg(int d) { return ThreadIndex::make(ThreadAxis::WorkgroupId, d); }
inline Expr lid(int d) { return ThreadIndex::make(ThreadAxis::LocalId, d); }
inline Buffer global(const std::string& n, DType t, std::vector<Expr> shape) {
  return make_buffer(n, t, MemScope::Global, std::move(shape));
}
inline Buffer local(const std::string& n, DType t, MemScope s, int64_t size) {
  return make_buffer(n, t, s, {i32(size)});
}
inline Stmt seq(std::vector<Stmt> s) { return Seq::make(std::move(s)); }
inline Stmt let(Expr v, Expr value, Stmt body) { return LetStmt::make(v, value, body); }
inline Stmt for_(Expr v, Expr min, Expr extent, Stmt body, ForKind k = ForKind::Serial) {
  return For::make(v, min, extent, k, body);
}
inline Stmt if_(Expr c, Stmt t, Stmt e = Stmt()) { return IfThenElse::make(c, t, e); }
// ceil(a / b) for positive b.
inline Expr ceil_div(Expr a, int64_t b) { return div(add(a, i32(b - 1)), i32(b)); }

}  // namespace wgsl_test
