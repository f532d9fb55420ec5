// Definitions for webtx/lower/pad_tiles.hpp.
#include "webtx/lower/pad_tiles.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "webtx/lower/constant_index.hpp"
#include "webtx/lower/linear.hpp"

namespace webtx::lowering {

namespace {

using ir::Expr, ir::Stmt;
using NodeSet = std::unordered_set<const ir::ExprNode*>;

// A tile buffer's Allocate seen on the way down, with the variables bound inside it: a slot
// of the buffer is shared by every value of those variables.
struct OpenAllocation {
  const ir::BufferNode* buffer;
  NodeSet inside;
};

// What is known at a point of the body.
struct Context {
  RangeMap ranges;
  NodeSet local_ids;
  std::vector<OpenAllocation> allocations;

  void bind(const Expr& var, std::optional<ConstRange> r) {
    if (r) ranges[var.get()] = *r;
    for (auto& a : allocations) a.inside.insert(var.get());
  }
  // (A range the caller gave for a let's variable stays: invocation ids bound inside.)
  void bind_let(const ir::LetStmt& op) {
    bind(op.var, ranges.count(op.var.get()) ? std::nullopt : const_bounds(op.value, ranges));
  }
  void bind_for(const ir::For& op) {
    auto mn = as_const(op.min), ex = as_const(op.extent);
    bind(op.var,
         mn && ex ? std::optional<ConstRange>(ConstRange{*mn, *mn + *ex - 1}) : std::nullopt);
  }
};

// Whether distinct values of the variables in `index` always give distinct slots (vector
// lanes included): `index` is linear in plain variables and, coefficients sorted by size,
// each exceeds the span of all smaller terms (a mixed-radix number). Then a position outside
// the tensor never writes the slot of one inside it. Inside the allocation is not enough:
// over a 2x3 tile computed by a 2x4 loop nest, column 3 of row 0 is row 1's column 0 (program
// fuzzer seeds 302 and 3278). `whole`: loops' full ranges where a pass split them (their pieces
// write the same buffer).
bool one_to_one(const Expr& index, int lanes, const RangeMap& ranges, const RangeMap* whole) {
  detail::Linear l;
  detail::to_linear(index, 1, l);
  std::vector<std::pair<int64_t, int64_t>> terms;  // |coefficient|, range width
  for (auto& [atom, k] : l.terms) {
    if (k == 0) continue;
    if (atom.kind() != ir::ExprKind::Variable) return false;
    const ConstRange* r = nullptr;
    if (auto w = whole ? whole->find(atom.get()) : RangeMap::const_iterator{};
        whole && w != whole->end())
      r = &w->second;
    else if (auto it = ranges.find(atom.get()); it != ranges.end())
      r = &it->second;
    if (!r) return false;
    if (r->hi > r->lo) terms.push_back({k < 0 ? -k : k, r->hi - r->lo});
  }
  std::sort(terms.begin(), terms.end());
  int64_t span = lanes - 1;  // the largest difference of the smaller terms
  for (auto& [k, width] : terms) {
    if (k <= span) return false;
    span += k * width;
  }
  return true;
}

bool is_bound_comparison(const Expr& c) {
  auto* b = c.as_binary();
  if (!b || !b->a.type().is_int()) return false;
  switch (c.kind()) {
    case ir::ExprKind::LT:
    case ir::ExprKind::LE:
    case ir::ExprKind::GT:
    case ir::ExprKind::GE:
      return true;
    default:
      return false;
  }
}

// Whether the guard conjunct whose variables are `guard_vars` can be dropped around a
// statement: the rules in pad_tiles.hpp.
class DropCheck : public ir::IRVisitor {
 public:
  DropCheck(Context ctx, NodeSet guard_vars, const RangeMap* whole)
      : ctx_(std::move(ctx)), guard_vars_(std::move(guard_vars)), whole_(whole) {}
  bool ok = true;
  using ir::IRVisitor::visit;

 protected:
  void visit_For(const ir::For& op) override {
    Context saved = ctx_;
    ctx_.bind_for(op);
    ir::IRVisitor::visit_For(op);
    ctx_ = std::move(saved);
  }
  void visit_LetStmt(const ir::LetStmt& op) override {
    Context saved = ctx_;
    ctx_.bind_let(op);
    ir::IRVisitor::visit_LetStmt(op);
    ctx_ = std::move(saved);
  }
  void visit_Allocate(const ir::Allocate& op) override {
    ctx_.allocations.push_back({op.buffer.get(), {}});
    ir::IRVisitor::visit_Allocate(op);
    ctx_.allocations.pop_back();
  }
  void visit_Barrier(const ir::Barrier&) override { ok = false; }
  void visit_Subgroup(const ir::Subgroup&) override { ok = false; }
  void visit_ThreadIndex(const ir::ThreadIndex&) override { ok = false; }
  void visit_ProducerStore(const ir::ProducerStore&) override { ok = false; }
  void visit_ProducerLoad(const ir::ProducerLoad&) override { ok = false; }
  // Values computed for positions outside the tensor are garbage: nothing may trap on them.
  void visit_Div(const ir::Div& op) override {
    ok = ok && (!op.type.is_int() || as_const(op.b));
    ir::IRVisitor::visit_Div(op);
  }
  void visit_Mod(const ir::Mod& op) override {
    ok = ok && (!op.type.is_int() || as_const(op.b));
    ir::IRVisitor::visit_Mod(op);
  }
  void visit_Load(const ir::Load& op) override {
    ok = ok && op.buffer->scope != ir::MemScope::Global &&
         inside_allocation(op.buffer, op.index, op.lanes);
    ir::IRVisitor::visit_Load(op);
  }
  void visit_Store(const ir::Store& op) override {
    ok = ok && op.buffer->scope != ir::MemScope::Global &&
         inside_allocation(op.buffer, op.index, op.lanes) &&
         one_to_one(op.index, op.lanes, ctx_.ranges, whole_) && slot_pins_guard(op);
    ir::IRVisitor::visit_Store(op);
  }

 private:
  bool inside_allocation(const ir::Buffer& b, const Expr& index, int lanes) const {
    return inside_for_all(*b, index, lanes, ctx_.ranges);
  }
  // Every guard variable that a slot of the buffer does not already separate (bound inside
  // its Allocate, or an invocation id for workgroup memory) must appear in the index.
  bool slot_pins_guard(const ir::Store& op) const {
    const OpenAllocation* alloc = nullptr;
    for (auto& a : ctx_.allocations)
      if (a.buffer == op.buffer.get()) alloc = &a;
    if (!alloc) return false;
    const bool shared = op.buffer->scope == ir::MemScope::Workgroup;
    const NodeSet in_index = vars_of(op.index);
    for (auto* v : guard_vars_) {
      const bool varies = alloc->inside.count(v) || (shared && ctx_.local_ids.count(v));
      if (varies && !in_index.count(v)) return false;
    }
    return true;
  }

  Context ctx_;
  NodeSet guard_vars_;
  const RangeMap* whole_;
};

class Padder : public ir::IRMutator {
 public:
  Padder(Context ctx, const RangeMap* whole) : ctx_(std::move(ctx)), whole_(whole) {}
  int dropped = 0;
  using ir::IRMutator::mutate;

  Stmt mutate_For(const Stmt& s, const ir::For& op) override {
    Context saved = ctx_;
    ctx_.bind_for(op);
    Stmt r = ir::IRMutator::mutate_For(s, op);
    ctx_ = std::move(saved);
    return r;
  }
  Stmt mutate_LetStmt(const Stmt& s, const ir::LetStmt& op) override {
    Context saved = ctx_;
    ctx_.bind_let(op);
    Stmt r = ir::IRMutator::mutate_LetStmt(s, op);
    ctx_ = std::move(saved);
    return r;
  }
  Stmt mutate_Allocate(const Stmt& s, const ir::Allocate& op) override {
    ctx_.allocations.push_back({op.buffer.get(), {}});
    Stmt r = ir::IRMutator::mutate_Allocate(s, op);
    ctx_.allocations.pop_back();
    return r;
  }
  Stmt mutate_IfThenElse(const Stmt& s, const ir::IfThenElse& op) override {
    Stmt t = mutate(op.then_case);
    Stmt e = op.else_case.defined() ? mutate(op.else_case) : Stmt();
    std::vector<Expr> parts, kept;
    split_conjuncts(op.cond, parts);
    for (auto& c : parts) {
      bool drop = false;
      if (!e.defined() && is_bound_comparison(c)) {
        DropCheck check(ctx_, vars_of(c), whole_);
        check.visit(t);
        drop = check.ok;
      }
      if (drop)
        ++dropped;
      else
        kept.push_back(c);
    }
    if (kept.size() == parts.size())
      return t.same_as(op.then_case) && e.same_as(op.else_case)
                 ? s
                 : ir::IfThenElse::make(op.cond, t, e);
    if (kept.empty()) return t;
    return ir::IfThenElse::make(conjunction(kept), t, e);
  }

 private:
  Context ctx_;
  const RangeMap* whole_;
};

}  // namespace

ir::Stmt pad_tiles(const ir::Stmt& body, const RangeMap& ranges, const NodeSet& local_ids,
                   int* dropped, const RangeMap* whole_loops) {
  Padder p(Context{ranges, local_ids, {}}, whole_loops);
  Stmt r = p.mutate(body);
  if (dropped) *dropped += p.dropped;
  return r;
}

}  // namespace webtx::lowering
