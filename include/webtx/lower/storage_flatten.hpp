#pragma once
// Storage flattening: multi-dimensional ProducerLoad/ProducerStore become Load/Store on flat
// buffers, row-major: index = ((i0 - o0) * e1 + (i1 - o1)) * e2 + ... where o are the region
// origins of a stage computed at another (0 for global tensors) and e the buffer's extents.
// Both sides of a Select are evaluated, so a global read inside one (padding written as
// select(in_bounds, A(y - 1), 0)) gets its indices clamped into the tensor, except in the
// dimensions an enclosing guard keeps inside: a conjunct `index < b` of a condition around the
// read, b <= the extent, the index built from non-negative loop indices and invocation ids.
// The predicates (predicates.hpp) are such guards: the store's bounds softmax's output read
// at the stored element's own index, select(sum is finite, exp(x(i, j) - max) / sum, NaN);
// a reduction's update bounds the row and the reduction index of softmax's sum,
// select(x is finite, exp(x(i, k) - max), inf). An unclamped
// index stays linear (vectorize.hpp can prove it aligned; the GPU compiler can fold it with
// its neighbours'). Reads of a workgroup/private region are always inside it (bound inference
// covered them).
#include <algorithm>
#include <unordered_set>
#include <vector>

#include "webtx/lower/context.hpp"
#include "webtx/lower/simplify.hpp"

namespace webtx::lowering {

namespace detail {
class StorageFlatten : public ir::IRMutator {
 public:
  explicit StorageFlatten(LowerContext& ctx) : ctx_(ctx) {}
  using ir::IRMutator::mutate;

 protected:
  ir::Expr mutate_Select(const ir::Expr& e, const ir::Select& op) override {
    ++in_select_;
    ir::Expr r = ir::IRMutator::mutate_Select(e, op);
    --in_select_;
    return r;
  }
  ir::Expr mutate_ProducerLoad(const ir::Expr&, const ir::ProducerLoad& op) override {
    auto idx = mutate_all(op.indices).first;
    StageInfo& si = ctx_.info(op.producer);
    if (in_select_ > 0 && !si.is_attached()) {
      for (size_t d = 0; d < idx.size(); ++d) {
        if (guarded(idx[d], si.buffer->shape[d])) continue;
        idx[d] = ir::Max::make(make_int(0),
                               ir::Min::make(idx[d], sub(si.buffer->shape[d], make_int(1))));
      }
    }
    return ir::Load::make(buffer(si), flat(si, idx));
  }
  ir::Stmt mutate_LetStmt(const ir::Stmt& s, const ir::LetStmt& op) override {
    if (spell_lets_ && is_index(op.value))
      index_lets_[op.var.get()] = substitute(op.value, index_lets_);
    if (non_negative(op.value)) non_negative_.insert(op.var.get());
    return ir::IRMutator::mutate_LetStmt(s, op);
  }
  ir::Stmt mutate_For(const ir::Stmt& s, const ir::For& op) override {
    if (non_negative(op.min)) non_negative_.insert(op.var.get());
    return ir::IRMutator::mutate_For(s, op);
  }
  // The then-case runs only where every `a < b` conjunct of the condition holds.
  ir::Stmt mutate_IfThenElse(const ir::Stmt& s, const ir::IfThenElse& op) override {
    const size_t n = facts_.size();
    std::vector<ir::Expr> conj;
    split_conjuncts(op.cond, conj);
    for (auto& c : conj)
      if (auto* lt = c.as<ir::LT>(); lt && lt->a.type().is_int()) facts_.push_back(lt);
    ir::Stmt t = mutate(op.then_case);
    facts_.resize(n);
    ir::Stmt e = mutate(op.else_case);
    if (t.same_as(op.then_case) && e.same_as(op.else_case)) return s;
    return ir::IfThenElse::make(op.cond, t, e);
  }
  // Integer arithmetic over variables, constants and invocation ids (no loads).
  static bool is_index(const ir::Expr& e) {
    if (!e.type().is_int()) return false;
    if (e.as<ir::Variable>() || e.as<ir::IntImm>() || e.as<ir::ThreadIndex>()) return true;
    switch (e.kind()) {
      case ir::ExprKind::Add:
      case ir::ExprKind::Sub:
      case ir::ExprKind::Mul:
      case ir::ExprKind::Div:
      case ir::ExprKind::Mod:
      case ir::ExprKind::Min:
      case ir::ExprKind::Max:
        return is_index(e.as_binary()->a) && is_index(e.as_binary()->b);
      default:
        return false;
    }
  }
  ir::Stmt mutate_ProducerStore(const ir::Stmt&, const ir::ProducerStore& op) override {
    auto idx = mutate_all(op.indices).first;
    ir::Expr v = mutate(op.value);
    StageInfo& si = ctx_.info(op.producer);
    return ir::Store::make(buffer(si), v, flat(si, idx));
  }

 private:
  // Whether an enclosing guard keeps `index` in [0, extent): a conjunct index < b with b <= extent,
  // and the index non-negative by construction.
  bool guarded(const ir::Expr& index, const ir::Expr& extent) const {
    if (!non_negative(index)) return false;
    for (const ir::LT* f : facts_) {
      if (!deep_equal(f->a, index)) continue;
      auto slack = as_const(simplify(ir::Sub::make(extent, f->b)));
      if (slack && *slack >= 0) return true;
    }
    return false;
  }
  // Sums, products, quotients and remainders of non-negative constants, invocation ids and
  // variables bound to such values (loop indices from a non-negative start, lets).
  bool non_negative(const ir::Expr& e) const {
    if (auto c = as_const(e)) return *c >= 0;
    if (e.as<ir::ThreadIndex>()) return true;
    if (auto* v = e.as<ir::Variable>()) return non_negative_.count(v) > 0;
    switch (e.kind()) {
      case ir::ExprKind::Add:
      case ir::ExprKind::Mul:
      case ir::ExprKind::Div:
      case ir::ExprKind::Mod:
      case ir::ExprKind::Min:
      case ir::ExprKind::Max:
        return e.type().is_int() && non_negative(e.as_binary()->a) &&
               non_negative(e.as_binary()->b);
      default:
        return false;
    }
  }
  const ir::Buffer& buffer(const StageInfo& si) {
    internal_assert(si.buffer) << "no buffer for stage " << si.stage->name();
    return si.buffer;
  }
  ir::Expr flat(const StageInfo& si, const std::vector<ir::Expr>& idx) {
    const auto& shape = si.buffer->shape;
    internal_assert(shape.size() == idx.size()) << "rank mismatch flattening " << si.stage->name();
    ir::Expr r = make_int(0);
    for (size_t d = 0; d < idx.size(); ++d) {
      ir::Expr i = idx[d];
      if (si.per_invocation) {
        // In an invocation's own memory, index and origin both name this invocation's index,
        // through different variables (each loop bound to it, and the origin): with the index
        // lets spelled out on both sides they cancel, and the element is a constant where the
        // loops are unrolled. A compacted region: (index - origin) / stride, or with runs of
        // `block` elements ((index - origin) / stride) * block + (index - origin) % stride.
        i = sub(substitute(i, index_lets_), substitute(si.min_vars[d], index_lets_));
        if (si.block(d) != 1)
          i = add(mul(div(i, make_int(si.stride(d))), make_int(si.block(d))),
                  mod(i, make_int(si.stride(d))));
        else if (si.stride(d) != 1)
          i = div(i, make_int(si.stride(d)));
      } else if (si.is_attached()) {
        i = sub(i, si.min_vars[d]);
      }
      r = add(mul(r, shape[d]), i);
    }
    return r;
  }
  LowerContext& ctx_;
  int in_select_ = 0;
  VarMap index_lets_;                 // let v = <index arithmetic>, spelled out
  std::vector<const ir::LT*> facts_;  // `a < b` conjuncts of the enclosing guards
  std::unordered_set<const ir::ExprNode*> non_negative_;  // loop and let variables >= 0
  // Only a kernel with per-invocation stages needs index_lets_.
  const bool spell_lets_ = std::any_of(ctx_.stages.begin(), ctx_.stages.end(),
                                       [](const StageInfo& si) { return si.per_invocation; });
};
}  // namespace detail

inline ir::Stmt storage_flatten(const ir::Stmt& body, LowerContext& ctx) {
  return detail::StorageFlatten(ctx).mutate(body);
}

}  // namespace webtx::lowering
