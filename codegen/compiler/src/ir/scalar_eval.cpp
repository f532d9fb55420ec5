#include "webtx/ir/scalar_eval.hpp"

#include "webtx/ir/printer.hpp"

namespace webtx::ir {

int64_t eval_scalar(const Expr& e, const ScalarBindings& vars) {
  internal_assert(e.defined()) << "eval_scalar of undefined expression";
  auto rec = [&](const Expr& x) { return eval_scalar(x, vars); };
  auto wrap = [&](int64_t v) -> int64_t {
    if (e.type().is_uint()) return static_cast<int64_t>(static_cast<uint32_t>(v));
    if (e.type().is_bool()) return v != 0;
    return static_cast<int64_t>(static_cast<int32_t>(v));
  };
  if (auto* n = e.as_binary()) {
    int64_t a = rec(n->a), b = rec(n->b);
    switch (e.kind()) {
      case ExprKind::Add:
        return wrap(a + b);
      case ExprKind::Sub:
        return wrap(a - b);
      case ExprKind::Mul:
        return wrap(a * b);
      case ExprKind::Div:
      case ExprKind::Mod:
        user_assert(b != 0) << "division by zero in " << to_string(e);
        return wrap(e.kind() == ExprKind::Div ? a / b : a % b);
      case ExprKind::Min:
        return wrap(a < b ? a : b);
      case ExprKind::Max:
        return wrap(a > b ? a : b);
      case ExprKind::EQ:
        return a == b;
      case ExprKind::NE:
        return a != b;
      case ExprKind::LT:
        return a < b;
      case ExprKind::LE:
        return a <= b;
      case ExprKind::GT:
        return a > b;
      case ExprKind::GE:
        return a >= b;
      case ExprKind::And:
        return wrap(a && b);
      case ExprKind::Or:
        return wrap(a || b);
      default:
        break;
    }
  }
  switch (e.kind()) {
    case ExprKind::IntImm:
      return e.as<IntImm>()->value;
    case ExprKind::Variable: {
      auto it = vars.find(e.get());
      user_assert(it != vars.end()) << "symbol '" << e.as<Variable>()->name << "' is not bound";
      return it->second;
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
