// Definitions for webtx/lower/pad_reduction_tail.hpp.
#include "webtx/lower/pad_reduction_tail.hpp"

#include <utility>

#include "webtx/ir/equality.hpp"
#include "webtx/ir/functor.hpp"
#include "webtx/lower/constant_index.hpp"
#include "webtx/lower/pad_tiles.hpp"

namespace webtx::lowering {

namespace {

using ir::Expr, ir::Stmt;
using NodeSet = std::unordered_set<const ir::ExprNode*>;

bool reads_global(const Expr& e) {
  return ir::contains_if<ir::Load>(
      e, [](const ir::Load& op) { return op.buffer->scope == ir::MemScope::Global; });
}

// A store into a tile buffer of a value read from global memory.
bool is_copy_in(const Stmt& s) {
  auto* st = s.as<ir::Store>();
  return st && st->buffer->scope != ir::MemScope::Global && reads_global(st->value);
}

// `acc[i] = acc[i] + x * y`, x and y loads from tile buffers.
bool is_reduction_step(const Stmt& s) {
  auto* st = s.as<ir::Store>();
  if (!st || st->buffer->scope == ir::MemScope::Global) return false;
  auto* add = st->value.as<ir::Add>();
  if (!add) return false;
  auto* acc = add->a.as<ir::Load>();
  auto* mul = add->b.as<ir::Mul>();
  if (!acc || !mul || acc->buffer.get() != st->buffer.get() ||
      !ir::deep_equal(acc->index, st->index))
    return false;
  for (const Expr* f : {&mul->a, &mul->b}) {
    auto* l = f->as<ir::Load>();
    if (!l || l->buffer->scope == ir::MemScope::Global) return false;
  }
  return true;
}

Expr zero_of(const ir::DType& t) {
  return t.is_float() ? ir::FloatImm::make(t, 0.0) : ir::IntImm::make(t, 0);
}

// The relaxed conjuncts of a guard and the others.
std::pair<std::vector<Expr>, std::vector<Expr>> split_guard(const Expr& cond,
                                                            const std::vector<Expr>& relaxed) {
  std::vector<Expr> parts, mine, rest;
  split_conjuncts(cond, parts);
  for (auto& c : parts) (ir::contains_equal(relaxed, c) ? mine : rest).push_back(c);
  return {mine, rest};
}

// Walks guards with the constant ranges of the variables in scope (as partition_loops does).
template <typename F>
class Walker : public ir::IRVisitor {
 public:
  Walker(RangeMap ranges, const std::array<int64_t, 3>& wg, F f)
      : ranges_(std::move(ranges)), wg_(wg), f_(std::move(f)) {}
  using ir::IRVisitor::visit;
  void visit_For(const ir::For& op) override {
    RangeMap saved = ranges_;
    auto mn = as_const(op.min), ex = as_const(op.extent);
    if (mn && ex) ranges_[op.var.get()] = {*mn, *mn + *ex - 1};
    visit(op.body);
    ranges_ = std::move(saved);
  }
  void visit_LetStmt(const ir::LetStmt& op) override {
    RangeMap saved = ranges_;
    if (auto* t = op.value.as<ir::ThreadIndex>()) {
      if (t->axis == ir::ThreadAxis::LocalId) ranges_[op.var.get()] = {0, wg_[t->dim] - 1};
    } else if (auto r = const_bounds(op.value, ranges_)) {
      ranges_[op.var.get()] = *r;
    }
    visit(op.body);
    ranges_ = std::move(saved);
  }
  void visit_IfThenElse(const ir::IfThenElse& op) override {
    f_(op, ranges_);
    visit(op.then_case);
    if (op.else_case.defined()) visit(op.else_case);
  }

 private:
  RangeMap ranges_;
  const std::array<int64_t, 3>& wg_;
  F f_;
};

template <typename F>
void walk(const Stmt& s, const RangeMap& ranges, const std::array<int64_t, 3>& wg, F f) {
  Walker<F> w(ranges, wg, std::move(f));
  w.visit(s);
}

// Rewrites guards holding relaxed conjuncts: `zero` false drops them (the full steps),
// true keeps them around copies from global memory with a zero store where they fail.
class Guards : public ir::IRMutator {
 public:
  Guards(const std::vector<Expr>& relaxed, bool zero) : relaxed_(relaxed), zero_(zero) {}
  using ir::IRMutator::mutate;
  Stmt mutate_IfThenElse(const Stmt& s, const ir::IfThenElse& op) override {
    auto [mine, rest] = split_guard(op.cond, relaxed_);
    if (mine.empty()) return ir::IRMutator::mutate_IfThenElse(s, op);
    Stmt t = mutate(op.then_case);
    if (zero_ && is_copy_in(op.then_case)) {
      auto* st = op.then_case.as<ir::Store>();
      Stmt z = ir::Store::make(st->buffer, zero_of(st->value.type()), st->index, st->lanes);
      t = ir::IfThenElse::make(conjunction(mine), t, z);
    }
    Stmt e = op.else_case.defined() ? mutate(op.else_case) : Stmt();
    if (rest.empty()) return t;
    return ir::IfThenElse::make(conjunction(rest), t, e);
  }

 private:
  const std::vector<Expr>& relaxed_;
  bool zero_;
};

bool has_guarded(const Stmt& s, const std::vector<Expr>& relaxed, bool copies) {
  struct V : ir::IRVisitor {
    const std::vector<Expr>& relaxed;
    bool copies, found = false;
    V(const std::vector<Expr>& r, bool c) : relaxed(r), copies(c) {}
    void visit_IfThenElse(const ir::IfThenElse& op) override {
      if (!split_guard(op.cond, relaxed).first.empty() && is_copy_in(op.then_case) == copies)
        found = true;
      ir::IRVisitor::visit_IfThenElse(op);
    }
  } v(relaxed, copies);
  v.visit(s);
  return v.found;
}

struct Merger {
  const std::vector<Expr>& relaxed;
  Expr in_full_step;  // var < split
  bool ok = true;

  Stmt full(const Stmt& s) { return Guards(relaxed, false).mutate(s); }
  Stmt merge(const Stmt& s) {
    if (!has_guarded(s, relaxed, true)) return full(s);
    if (!ir::contains_barrier(s) && !has_guarded(s, relaxed, false))
      return ir::IfThenElse::make(in_full_step, full(s), Guards(relaxed, true).mutate(s));
    switch (s.kind()) {
      case ir::StmtKind::Seq: {
        std::vector<Stmt> out;
        for (auto& x : s.as<ir::Seq>()->stmts) out.push_back(merge(x));
        return ir::Seq::make(std::move(out));
      }
      case ir::StmtKind::Allocate: {
        auto* a = s.as<ir::Allocate>();
        return ir::Allocate::make(a->buffer, merge(a->body));
      }
      case ir::StmtKind::LetStmt: {
        auto* l = s.as<ir::LetStmt>();
        return ir::LetStmt::make(l->var, l->value, merge(l->body));
      }
      case ir::StmtKind::For: {
        auto* f = s.as<ir::For>();
        return ir::For::make(f->var, f->min, f->extent, f->for_kind, merge(f->body));
      }
      default:
        ok = false;  // a copy from global memory next to a barrier or compute, inseparable
        return s;
    }
  }
};

}  // namespace

std::optional<Stmt> pad_reduction_tail(const Stmt& body, const Expr& var, const Expr& split,
                                       const std::vector<Expr>& relaxed, const RangeMap& ranges,
                                       const NodeSet& local_ids,
                                       const std::array<int64_t, 3>& workgroup,
                                       const RelaxedForm& relaxed_form) {
  // The conjuncts the copies zero-fill, relaxed; anything else the relaxed conjuncts guard
  // must be a reduction step or a store pad_tiles accepts.
  std::vector<Expr> zero_forms;
  bool ok = true;
  walk(body, ranges, workgroup, [&](const ir::IfThenElse& op, const RangeMap& r) {
    auto mine = split_guard(op.cond, relaxed).first;
    if (mine.empty()) return;
    if (op.else_case.defined() || !op.then_case.as<ir::Store>()) {
      ok = false;
      return;
    }
    if (op.then_case.as<ir::Store>()->buffer->scope == ir::MemScope::Global) ok = false;
    if (!is_copy_in(op.then_case)) return;
    for (auto& c : mine) {
      auto f = relaxed_form(c, r);
      if (!f) {
        ok = false;
        return;
      }
      if (!ir::contains_equal(zero_forms, *f)) zero_forms.push_back(*f);
    }
  });
  if (!ok || zero_forms.empty()) return std::nullopt;

  // pad_tiles on the body with each copy storing 0: the zero stores and the copies between
  // tiles must lose the relaxed conjuncts (invocation ids bound inside the body get their range).
  RangeMap r = ranges;
  NodeSet ids = local_ids;
  struct Ids : ir::IRVisitor {
    RangeMap* r;
    NodeSet* ids;
    const std::array<int64_t, 3>* wg;
    void visit_LetStmt(const ir::LetStmt& op) override {
      if (auto* t = op.value.as<ir::ThreadIndex>(); t && t->axis == ir::ThreadAxis::LocalId) {
        (*r)[op.var.get()] = {0, (*wg)[t->dim] - 1};
        ids->insert(op.var.get());
      }
      ir::IRVisitor::visit_LetStmt(op);
    }
  } collect;
  collect.r = &r, collect.ids = &ids, collect.wg = &workgroup;
  collect.visit(body);
  struct Zero : ir::IRMutator {
    using ir::IRMutator::mutate;
    Stmt mutate_Store(const Stmt& s, const ir::Store& op) override {
      if (!is_copy_in(s)) return s;
      return ir::Store::make(op.buffer, zero_of(op.value.type()), op.index, op.lanes);
    }
  } zero;
  const Stmt padded = pad_tiles(zero.mutate(body), r, ids);
  walk(padded, ranges, workgroup, [&](const ir::IfThenElse& op, const RangeMap& rr) {
    auto mine = split_guard(op.cond, relaxed).first;
    if (mine.empty()) return;
    if (!is_reduction_step(op.then_case)) {
      ok = false;  // a zero store or a tile copy pad_tiles keeps guarded
      return;
    }
    // Adding 0 * 0 is harmless only inside the accumulator: a conjunct that also keeps the
    // step's own index in its buffer stays (GPU fuzz seed 35641: a private accumulator of 1
    // element updated at every position of an 8-wide loop).
    auto* st = op.then_case.as<ir::Store>();
    if (!inside_for_all(*st->buffer, st->index, st->lanes, rr)) {
      ok = false;
      return;
    }
    for (auto& c : mine) {
      auto f = relaxed_form(c, rr);
      ok = ok && f && ir::contains_equal(zero_forms, *f);
    }
  });
  if (!ok) return std::nullopt;

  Merger m{relaxed, ir::LT::make(var, split)};
  Stmt merged = m.merge(body);
  if (!m.ok) return std::nullopt;
  return merged;
}

}  // namespace webtx::lowering
