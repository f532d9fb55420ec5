#include "webtx/ir/equality.hpp"

#include "webtx/ir/operation.hpp"

namespace webtx::ir {

namespace {
bool all_equal(const std::vector<Expr>& x, const std::vector<Expr>& y) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!deep_equal(x[i], y[i])) return false;
  return true;
}
}  // namespace

bool deep_equal(const Expr& a, const Expr& b) {
  if (a.same_as(b)) return true;
  if (!a.defined() || !b.defined() || a.kind() != b.kind() || !(a.type() == b.type())) return false;
  if (auto* x = a.as_binary()) {
    auto* y = b.as_binary();
    return deep_equal(x->a, y->a) && deep_equal(x->b, y->b);
  }
  switch (a.kind()) {
    case ExprKind::IntImm:
      return a.as<IntImm>()->value == b.as<IntImm>()->value;
    case ExprKind::FloatImm:
      return a.as<FloatImm>()->value == b.as<FloatImm>()->value;
    case ExprKind::Variable:
      return false;  // identity only
    case ExprKind::Not:
      return deep_equal(a.as<Not>()->a, b.as<Not>()->a);
    case ExprKind::Select: {
      auto *x = a.as<Select>(), *y = b.as<Select>();
      return deep_equal(x->cond, y->cond) && deep_equal(x->t, y->t) && deep_equal(x->f, y->f);
    }
    case ExprKind::Cast:
      return deep_equal(a.as<Cast>()->value, b.as<Cast>()->value);
    case ExprKind::Call: {
      auto *x = a.as<Call>(), *y = b.as<Call>();
      return x->func == y->func && all_equal(x->args, y->args);
    }
    case ExprKind::Load: {
      auto *x = a.as<Load>(), *y = b.as<Load>();
      return x->buffer == y->buffer && x->lanes == y->lanes && deep_equal(x->index, y->index);
    }
    case ExprKind::ProducerLoad: {
      auto *x = a.as<ProducerLoad>(), *y = b.as<ProducerLoad>();
      return x->producer == y->producer && all_equal(x->indices, y->indices);
    }
    case ExprKind::ThreadIndex: {
      auto *x = a.as<ThreadIndex>(), *y = b.as<ThreadIndex>();
      return x->axis == y->axis && x->dim == y->dim;
    }
    case ExprKind::Reduce:
      return false;
    case ExprKind::VectorLane: {
      auto *x = a.as<VectorLane>(), *y = b.as<VectorLane>();
      return x->lane == y->lane && deep_equal(x->vector, y->vector);
    }
    case ExprKind::MakeVector:
      return all_equal(a.as<MakeVector>()->elements, b.as<MakeVector>()->elements);
    case ExprKind::Subgroup: {
      auto *x = a.as<Subgroup>(), *y = b.as<Subgroup>();
      return x->what == y->what && x->op == y->op &&
             (!x->value.defined() || deep_equal(x->value, y->value));
    }
    default:
      break;
  }
  internal_error << "deep_equal: unhandled node kind " << static_cast<int>(a.kind());
}

}  // namespace webtx::ir
