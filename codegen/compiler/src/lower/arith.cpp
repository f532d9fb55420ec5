#include "webtx/lower/arith.hpp"

#include <algorithm>

namespace webtx::lowering {

void split_conjuncts(const ir::Expr& c, std::vector<ir::Expr>& out) {
  if (auto* a = c.as<ir::And>()) {
    split_conjuncts(a->a, out);
    split_conjuncts(a->b, out);
  } else {
    out.push_back(c);
  }
}

ir::Expr conjunction(const std::vector<ir::Expr>& parts) {
  ir::Expr c;
  for (auto& p : parts) c = c.defined() ? ir::And::make(c, p) : p;
  return c;
}

std::unordered_set<const ir::ExprNode*> vars_of(const ir::Expr& e) {
  struct V : ir::IRVisitor {
    std::unordered_set<const ir::ExprNode*> found;
    using ir::IRVisitor::visit;
    void visit(const ir::Expr& x) override {
      if (x.defined() && x.kind() == ir::ExprKind::Variable) found.insert(x.get());
      ir::IRVisitor::visit(x);
    }
  } v;
  v.visit(e);
  return v.found;
}

std::optional<ConstRange> const_bounds(const ir::Expr& e, const RangeMap& vars,
                                       const std::array<int64_t, 6>* threads) {
  using namespace ir;
  using R = std::optional<ConstRange>;
  if (!e.defined() || !e.type().is_int()) return std::nullopt;
  switch (e.kind()) {
    case ExprKind::IntImm: {
      int64_t v = e.as<IntImm>()->value;
      return ConstRange{v, v};
    }
    case ExprKind::Variable: {
      auto it = vars.find(e.get());
      return it == vars.end() ? R() : R(it->second);
    }
    case ExprKind::Add: {
      R a = const_bounds(e.as<Add>()->a, vars, threads),
        b = const_bounds(e.as<Add>()->b, vars, threads);
      if (!a || !b) return std::nullopt;
      return ConstRange{a->lo + b->lo, a->hi + b->hi};
    }
    case ExprKind::Sub: {
      R a = const_bounds(e.as<Sub>()->a, vars, threads),
        b = const_bounds(e.as<Sub>()->b, vars, threads);
      if (!a || !b) return std::nullopt;
      return ConstRange{a->lo - b->hi, a->hi - b->lo};
    }
    case ExprKind::Mul: {
      R a = const_bounds(e.as<Mul>()->a, vars, threads),
        b = const_bounds(e.as<Mul>()->b, vars, threads);
      if (!a || !b) return std::nullopt;
      int64_t c[4] = {a->lo * b->lo, a->lo * b->hi, a->hi * b->lo, a->hi * b->hi};
      return ConstRange{*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
    }
    case ExprKind::Div: {
      auto* d = e.as<Div>();
      R a = const_bounds(d->a, vars, threads);
      auto c = as_const(d->b);
      if (!a || !c || *c <= 0) return std::nullopt;
      return ConstRange{a->lo / *c, a->hi / *c};  // truncation is monotonic
    }
    case ExprKind::Mod: {
      auto* d = e.as<Mod>();
      R a = const_bounds(d->a, vars, threads);
      auto c = as_const(d->b);
      if (!c || *c <= 0) return std::nullopt;
      if (a && a->lo >= 0 && a->hi < *c) return a;
      if (a && a->lo >= 0) return ConstRange{0, *c - 1};
      if (a && a->hi <= 0) return ConstRange{-(*c - 1), 0};
      return ConstRange{-(*c - 1), *c - 1};
    }
    case ExprKind::Min:
    case ExprKind::Max: {
      bool is_min = e.kind() == ExprKind::Min;
      auto* m = e.as_binary();
      R a = const_bounds(m->a, vars, threads), b = const_bounds(m->b, vars, threads);
      if (!a || !b) return std::nullopt;
      return is_min ? ConstRange{std::min(a->lo, b->lo), std::min(a->hi, b->hi)}
                    : ConstRange{std::max(a->lo, b->lo), std::max(a->hi, b->hi)};
    }
    case ExprKind::ThreadIndex: {
      auto* t = e.as<ThreadIndex>();
      int64_t n = threads ? (*threads)[t->dim + (t->axis == ThreadAxis::WorkgroupId ? 3 : 0)] : 0;
      return n > 0 ? R(ConstRange{0, n - 1}) : R(ConstRange{0, kUnknownHi});
    }
    default:
      return std::nullopt;
  }
}

}  // namespace webtx::lowering
