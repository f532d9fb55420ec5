#pragma once
// Evaluates integer/bool expressions over bound variables: extents, grid sizes and predicates
// on the host side (native runners, tests). Memory reads, floats and thread indices are not
// scalars and are rejected.
#include <cstdint>
#include <unordered_map>

#include "webtx/ir/functor.hpp"
#include "webtx/ir/printer.hpp"

namespace webtx::ir {

// Variable node -> value.
using ScalarBindings = std::unordered_map<const ExprNode*, int64_t>;

inline int64_t eval_scalar(const Expr& e, const ScalarBindings& vars) {
  internal_assert(e.defined()) << "eval_scalar of undefined expression";
  auto rec = [&](const Expr& x) { return eval_scalar(x, vars); };
  auto wrap = [&](int64_t v) -> int64_t {
    if (e.type().is_uint()) return static_cast<int64_t>(static_cast<uint32_t>(v));
    if (e.type().is_bool()) return v != 0;
    return static_cast<int64_t>(static_cast<int32_t>(v));
  };
  switch (e.kind()) {
    case ExprKind::IntImm:
      return e.as<IntImm>()->value;
    case ExprKind::Variable: {
      auto it = vars.find(e.get());
      user_assert(it != vars.end()) << "symbol '" << e.as<Variable>()->name << "' is not bound";
      return it->second;
    }
#define WEBTX_BIN(N, OP)                  \
  case ExprKind::N: {                     \
    auto* n = e.as<N>();                  \
    int64_t a = rec(n->a), b = rec(n->b); \
    return wrap(OP);                      \
  }
      WEBTX_BIN(Add, a + b)
      WEBTX_BIN(Sub, a - b)
      WEBTX_BIN(Mul, a * b)
      WEBTX_BIN(Min, a < b ? a : b)
      WEBTX_BIN(Max, a > b ? a : b)
      WEBTX_BIN(EQ, a == b)
      WEBTX_BIN(NE, a != b)
      WEBTX_BIN(LT, a < b)
      WEBTX_BIN(LE, a <= b)
      WEBTX_BIN(GT, a > b)
      WEBTX_BIN(GE, a >= b)
      WEBTX_BIN(And, a && b)
      WEBTX_BIN(Or, a || b)
#undef WEBTX_BIN
    case ExprKind::Div:
    case ExprKind::Mod: {
      auto* d = static_cast<const BinaryNode<Div, ExprKind::Div>*>(e.get());
      int64_t a = rec(d->a), b = rec(d->b);
      user_assert(b != 0) << "division by zero in " << to_string(e);
      return wrap(e.kind() == ExprKind::Div ? a / b : a % b);
    }
    case ExprKind::Not:
      return !rec(e.as<Not>()->a);
    case ExprKind::Select: {
      auto* s = e.as<Select>();
      return rec(s->cond) ? rec(s->t) : rec(s->f);
    }
    case ExprKind::Cast: {
      auto* c = e.as<Cast>();
      internal_assert(!c->value.type().is_float()) << "eval_scalar of a float cast";
      return wrap(rec(c->value));
    }
    default:
      break;
  }
  internal_error << "eval_scalar: not a scalar integer expression: " << to_string(e);
}

}  // namespace webtx::ir
