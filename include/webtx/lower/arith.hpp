#pragma once
// Integer arithmetic helpers the lowering passes share: structural equality, folding
// constructors, substitution, and constant bounds of index expressions over known variable
// ranges. Index arithmetic is assumed not to overflow (i32 indices of in-range tensors).
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>

#include "webtx/ir.hpp"

namespace webtx::lowering {

inline std::optional<int64_t> as_const(const ir::Expr& e) {
  if (auto* c = e.as<ir::IntImm>()) return c->value;
  return std::nullopt;
}
inline bool is_const(const ir::Expr& e, int64_t v) {
  auto c = as_const(e);
  return c && *c == v;
}
inline ir::Expr make_int(int64_t v) { return ir::IntImm::make(ir::DType::i32(), v); }
inline ir::Expr make_bool(bool v) { return ir::IntImm::make(ir::DType::boolean(), v); }

// Structural equality (same kinds, same leaves; Vars and buffers by identity).
inline bool deep_equal(const ir::Expr& a, const ir::Expr& b) {
  // Declarations, not a directive: webtx::Var (the DSL) would make `Var` ambiguous.
  using ir::Add, ir::And, ir::BinaryNode, ir::Call, ir::Cast, ir::DType, ir::Div, ir::EQ, ir::Expr,
      ir::ExprKind, ir::FloatImm, ir::GE, ir::GT, ir::IntImm, ir::Intrinsic, ir::LE, ir::Load,
      ir::LT, ir::Max, ir::Min, ir::Mod, ir::Mul, ir::NE, ir::Not, ir::Or, ir::ProducerLoad,
      ir::Reduce, ir::Select, ir::Sub, ir::ThreadAxis, ir::ThreadIndex, ir::Variable;
  if (a.same_as(b)) return true;
  if (!a.defined() || !b.defined() || a.kind() != b.kind() || !(a.type() == b.type())) return false;
  switch (a.kind()) {
    case ExprKind::IntImm:
      return a.as<IntImm>()->value == b.as<IntImm>()->value;
    case ExprKind::FloatImm:
      return a.as<FloatImm>()->value == b.as<FloatImm>()->value;
    case ExprKind::Variable:
      return false;  // identity only
#define WEBTX_BIN(N)                                         \
  case ExprKind::N: {                                        \
    auto *x = a.as<N>(), *y = b.as<N>();                     \
    return deep_equal(x->a, y->a) && deep_equal(x->b, y->b); \
  }
      WEBTX_BIN(Add)
      WEBTX_BIN(Sub)
      WEBTX_BIN(Mul)
      WEBTX_BIN(Div)
      WEBTX_BIN(Mod)
      WEBTX_BIN(Min)
      WEBTX_BIN(Max) WEBTX_BIN(EQ) WEBTX_BIN(NE) WEBTX_BIN(LT) WEBTX_BIN(LE) WEBTX_BIN(GT)
          WEBTX_BIN(GE) WEBTX_BIN(And) WEBTX_BIN(Or)
#undef WEBTX_BIN
              case ExprKind::Not : return deep_equal(a.as<Not>()->a, b.as<Not>()->a);
    case ExprKind::Select: {
      auto *x = a.as<Select>(), *y = b.as<Select>();
      return deep_equal(x->cond, y->cond) && deep_equal(x->t, y->t) && deep_equal(x->f, y->f);
    }
    case ExprKind::Cast:
      return deep_equal(a.as<Cast>()->value, b.as<Cast>()->value);
    case ExprKind::Call: {
      auto *x = a.as<Call>(), *y = b.as<Call>();
      if (x->func != y->func) return false;
      for (size_t i = 0; i < x->args.size(); ++i)
        if (!deep_equal(x->args[i], y->args[i])) return false;
      return true;
    }
    case ExprKind::Load: {
      auto *x = a.as<Load>(), *y = b.as<Load>();
      return x->buffer == y->buffer && x->lanes == y->lanes && deep_equal(x->index, y->index);
    }
    case ExprKind::ProducerLoad: {
      auto *x = a.as<ProducerLoad>(), *y = b.as<ProducerLoad>();
      if (x->producer != y->producer) return false;
      for (size_t i = 0; i < x->indices.size(); ++i)
        if (!deep_equal(x->indices[i], y->indices[i])) return false;
      return true;
    }
    case ExprKind::ThreadIndex: {
      auto *x = a.as<ThreadIndex>(), *y = b.as<ThreadIndex>();
      return x->axis == y->axis && x->dim == y->dim;
    }
    case ExprKind::Reduce:
      return false;
  }
  return false;
}

// Constructors that fold constants and identities, to keep generated indices readable.
inline ir::Expr add(const ir::Expr& a, const ir::Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y) return ir::IntImm::make(a.type(), *x + *y);
  if (x && *x == 0) return b;
  if (y && *y == 0) return a;
  return ir::Add::make(a, b);
}
inline ir::Expr sub(const ir::Expr& a, const ir::Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y) return ir::IntImm::make(a.type(), *x - *y);
  if (y && *y == 0) return a;
  return ir::Sub::make(a, b);
}
inline ir::Expr mul(const ir::Expr& a, const ir::Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y) return ir::IntImm::make(a.type(), *x * *y);
  if ((x && *x == 0) || (y && *y == 0)) return ir::IntImm::make(a.type(), 0);
  if (x && *x == 1) return b;
  if (y && *y == 1) return a;
  return ir::Mul::make(a, b);
}
inline ir::Expr div(const ir::Expr& a, const ir::Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y && *y != 0) return ir::IntImm::make(a.type(), *x / *y);
  if (y && *y == 1) return a;
  return ir::Div::make(a, b);
}
inline ir::Expr mod(const ir::Expr& a, const ir::Expr& b) {
  auto x = as_const(a), y = as_const(b);
  if (x && y && *y != 0) return ir::IntImm::make(a.type(), *x % *y);
  if (y && *y == 1) return ir::IntImm::make(a.type(), 0);
  return ir::Mod::make(a, b);
}
inline ir::Expr ceil_div(const ir::Expr& a, const ir::Expr& b) {
  auto y = as_const(b);
  if (y && *y == 1) return a;
  return div(add(a, sub(b, make_int(1))), b);
}
inline ir::Expr logical_and(const ir::Expr& a, const ir::Expr& b) {
  if (!a.defined()) return b;
  if (!b.defined()) return a;
  return ir::And::make(a, b);
}

// Replaces Vars (by node) with expressions.
using VarMap = std::unordered_map<const ir::ExprNode*, ir::Expr>;
class Substituter : public ir::IRMutator {
 public:
  explicit Substituter(const VarMap& m) : m_(m) {}
  using ir::IRMutator::mutate;

 protected:
  ir::Expr mutate_Variable(const ir::Expr& e, const ir::Variable&) override {
    auto it = m_.find(e.get());
    return it == m_.end() ? e : it->second;
  }
  ir::Expr mutate_Reduce(const ir::Expr& e, const ir::Reduce& op) override {
    // Reduction ranges may mention substituted symbols too.
    ir::Expr s = mutate(op.source);
    bool changed = !s.same_as(op.source);
    std::vector<ir::IterVar> axes;
    for (auto& a : op.axes) {
      ir::Expr mn = mutate(a->min), ex = mutate(a->extent);
      changed |= !mn.same_as(a->min) || !ex.same_as(a->extent);
      axes.push_back(mn.same_as(a->min) && ex.same_as(a->extent)
                         ? a
                         : ir::make_iter_var(a->var, mn, ex, a->kind));
    }
    return changed ? ir::Reduce::make(op.op, s, axes) : e;
  }

 private:
  const VarMap& m_;
};
inline ir::Expr substitute(const ir::Expr& e, const VarMap& m) {
  return m.empty() ? e : Substituter(m).mutate(e);
}
inline ir::Stmt substitute(const ir::Stmt& s, const VarMap& m) {
  return m.empty() ? s : Substituter(m).mutate(s);
}

// Does `e` mention any of these variables?
inline bool uses_var(const ir::Expr& e, const ir::ExprNode* v) {
  struct U : ir::IRVisitor {
    const ir::ExprNode* v;
    bool found = false;
    void visit_Variable(const ir::Variable& op) override { found |= &op == v; }
  } u;
  u.v = v;
  u.visit(e);
  return u.found;
}

// Inclusive constant bounds [lo, hi] of an integer expression, given inclusive bounds of
// some variables; nullopt when unknown.
struct ConstRange {
  int64_t lo, hi;
};
using RangeMap = std::unordered_map<const ir::ExprNode*, ConstRange>;
// Upper bound used for non-negative values of unknown size (indices fit in i32).
constexpr int64_t kUnknownHi = int64_t{1} << 31;

// `threads` (optional): invocations per workgroup x,y,z then workgroups x,y,z (0 = unknown).
inline std::optional<ConstRange> const_bounds(const ir::Expr& e, const RangeMap& vars,
                                              const std::array<int64_t, 6>* threads = nullptr) {
  // Declarations, not a directive: webtx::Var (the DSL) would make `Var` ambiguous.
  using ir::Add, ir::And, ir::BinaryNode, ir::Call, ir::Cast, ir::DType, ir::Div, ir::EQ, ir::Expr,
      ir::ExprKind, ir::FloatImm, ir::GE, ir::GT, ir::IntImm, ir::Intrinsic, ir::LE, ir::Load,
      ir::LT, ir::Max, ir::Min, ir::Mod, ir::Mul, ir::NE, ir::Not, ir::Or, ir::ProducerLoad,
      ir::Reduce, ir::Select, ir::Sub, ir::ThreadAxis, ir::ThreadIndex, ir::Variable;
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
      auto* m = static_cast<const BinaryNode<Min, ExprKind::Min>*>(e.get());
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
