// Definitions for webtx/lower/partition_loops.hpp.
#include "webtx/lower/partition_loops.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "webtx/ir/equality.hpp"
#include "webtx/lower/linear.hpp"
#include "webtx/lower/pad_reduction_tail.hpp"
#include "webtx/lower/pad_tiles.hpp"

namespace webtx::lowering {

namespace {

using detail::Linear, detail::to_linear, detail::from_linear;
using ir::Expr, ir::Stmt;
using NodeSet = std::unordered_set<const ir::ExprNode*>;

// What the walk knows at a point of the body: constant ranges of the variables that may be
// replaced by an extreme value (invocation ids, loops and lets of constant range), and the
// variables whose values are uniform over the workgroup (workgroup ids, enclosing loop indices).
struct Scope {
  RangeMap ranges;
  NodeSet uniform;
  NodeSet loop_vars;  // variables of the loops entered
};

// A known range: one whose bounds are real (not the "fits in i32" stand-in for unknown), so
// relaxed conditions keep small constants (no i32 overflow in the code they become).
bool known(const ConstRange& r) { return r.hi < kUnknownHi / 4 && r.lo > -kUnknownHi / 4; }

// A bound L (linear) with `L <= -1` implying `cond` for every value of the ranged variables
// other than `keep`; nullopt when cond is not an integer comparison or a ranged variable sits
// inside a non-linear term.
// Whether e reads an invocation id directly (lowering leaves some unbound: the tree steps of a
// cross-invocation reduction).
bool reads_local_id(const Expr& e) {
  return ir::contains_if<ir::ThreadIndex>(
      e, [](const ir::ThreadIndex& t) { return t.axis == ir::ThreadAxis::LocalId; });
}

std::optional<Linear> relax(const Expr& cond, const RangeMap& ranges, const ir::ExprNode* keep,
                            const std::array<int64_t, 3>& workgroup) {
  auto* b = cond.as_binary();
  if (!b || !b->a.type().is_int()) return std::nullopt;
  Linear d;  // cond <=> d <= -1
  switch (cond.kind()) {
    case ir::ExprKind::LT:
      to_linear(b->a, 1, d), to_linear(b->b, -1, d);
      break;
    case ir::ExprKind::LE:
      to_linear(b->a, 1, d), to_linear(b->b, -1, d), d.c -= 1;
      break;
    case ir::ExprKind::GT:
      to_linear(b->b, 1, d), to_linear(b->a, -1, d);
      break;
    case ir::ExprKind::GE:
      to_linear(b->b, 1, d), to_linear(b->a, -1, d), d.c -= 1;
      break;
    default:
      return std::nullopt;
  }
  Linear out;
  out.c = d.c;
  for (auto& [atom, k] : d.terms) {
    if (k == 0) continue;
    auto it = atom.get() == keep ? ranges.end() : ranges.find(atom.get());
    if (it != ranges.end()) {
      out.c += k > 0 ? k * it->second.hi : k * it->second.lo;
      continue;
    }
    bool ranged = reads_local_id(atom), other = false;
    for (auto* v : vars_of(atom)) (v != keep && ranges.count(v) ? ranged : other) = true;
    if (ranged && !other) {
      // A term of ranged variables and invocation ids only (an index split by / and %): its
      // constant bounds.
      const std::array<int64_t, 6> threads{workgroup[0], workgroup[1], workgroup[2], 0, 0, 0};
      auto r = const_bounds(atom, ranges, &threads);
      if (!r || !known(*r)) return std::nullopt;
      out.c += k > 0 ? k * r->hi : k * r->lo;
      continue;
    }
    if (ranged) return std::nullopt;
    out.terms.push_back({atom, k});
  }
  if (out.c > kUnknownHi / 4 || out.c < -kUnknownHi / 4) return std::nullopt;
  return out;
}

// `L <= -1` written as `positive terms + c < negated negative terms`.
Expr as_condition(const Linear& l) {
  Linear lhs, rhs;
  for (auto& [a, k] : l.terms) (k > 0 ? lhs : rhs).terms.push_back({a, k > 0 ? k : -k});
  lhs.c = l.c > 0 ? l.c : 0;
  rhs.c = l.c < 0 ? -l.c : 0;
  // L <= -1  <=>  lhs + 1 <= rhs  <=>  lhs < rhs (integers).
  return ir::LT::make(from_linear(lhs, ir::DType::i32()), from_linear(rhs, ir::DType::i32()));
}

void add_unique(std::vector<Expr>& set, const Expr& e) {
  if (!ir::contains_equal(set, e)) set.push_back(e);
}

bool has_loop_or_barrier(const Stmt& s) { return ir::contains<ir::For, ir::Barrier>(s); }

// What a let tells the scope: invocation ids have the workgroup's range, workgroup ids are
// uniform, other values their constant range when it is known.
void bind_let(Scope& scope, const ir::LetStmt& op, const LaunchConfig& lc) {
  if (auto* t = op.value.as<ir::ThreadIndex>()) {
    if (t->axis == ir::ThreadAxis::LocalId)
      scope.ranges[op.var.get()] = {0, lc.workgroup_size[t->dim] - 1};
    else
      scope.uniform.insert(op.var.get());
  } else {
    // Arithmetic on invocation ids (a per-invocation cache's origin, local_id.x * 4) has
    // their range too.
    const std::array<int64_t, 6> threads{
        lc.workgroup_size[0], lc.workgroup_size[1], lc.workgroup_size[2], 0, 0, 0};
    if (auto r = const_bounds(op.value, scope.ranges, &threads); r && known(*r))
      scope.ranges[op.var.get()] = *r;
  }
}

// Walks a statement keeping the Scope; calls on_guard(conjunct, scope) for every guard conjunct.
template <typename F>
class GuardWalker : public ir::IRVisitor {
 public:
  GuardWalker(Scope scope, const LaunchConfig& lc, F f)
      : scope_(std::move(scope)), lc_(lc), f_(std::move(f)) {}
  using ir::IRVisitor::visit;

  void visit_For(const ir::For& op) override {
    Scope saved = scope_;
    auto mn = as_const(op.min), ex = as_const(op.extent);
    if (mn && ex) scope_.ranges[op.var.get()] = {*mn, *mn + *ex - 1};
    scope_.uniform.insert(op.var.get());
    scope_.loop_vars.insert(op.var.get());
    visit(op.body);
    scope_ = std::move(saved);
  }
  void visit_LetStmt(const ir::LetStmt& op) override {
    Scope saved = scope_;
    bind_let(scope_, op, lc_);
    visit(op.body);
    scope_ = std::move(saved);
  }
  void visit_IfThenElse(const ir::IfThenElse& op) override {
    std::vector<Expr> parts;
    split_conjuncts(op.cond, parts);
    for (auto& c : parts) f_(c, scope_);
    visit(op.then_case);
    if (op.else_case.defined()) visit(op.else_case);
  }

 private:
  Scope scope_;
  const LaunchConfig& lc_;
  F f_;
};

template <typename F>
void walk_guards(const Stmt& s, Scope scope, const LaunchConfig& lc, F f) {
  GuardWalker<F> w(std::move(scope), lc, std::move(f));
  w.visit(s);
}

// The statement with every guard conjunct in `drop` removed (a guard left empty is gone).
Stmt drop_guards(const Stmt& s, const std::vector<Expr>& drop, int* dropped = nullptr) {
  struct M : ir::IRMutator {
    const std::vector<Expr>& drop;
    int n = 0;
    explicit M(const std::vector<Expr>& d) : drop(d) {}
    using ir::IRMutator::mutate;
    Stmt mutate_IfThenElse(const Stmt& st, const ir::IfThenElse& op) override {
      Stmt t = mutate(op.then_case);
      Stmt e = op.else_case.defined() ? mutate(op.else_case) : Stmt();
      std::vector<Expr> parts, kept;
      split_conjuncts(op.cond, parts);
      for (auto& c : parts) {
        if (ir::contains_equal(drop, c))
          ++n;
        else
          kept.push_back(c);
      }
      if (kept.size() == parts.size() && t.same_as(op.then_case) && e.same_as(op.else_case))
        return st;
      if (kept.empty()) return t;
      return ir::IfThenElse::make(conjunction(kept), t, e);
    }
  } m(drop);
  Stmt r = m.mutate(s);
  if (dropped) *dropped += m.n;
  return r;
}

class Partitioner : public ir::IRMutator {
 public:
  Partitioner(const LaunchConfig& lc, NodeSet bound) : lc_(lc), bound_(std::move(bound)) {}
  using ir::IRMutator::mutate;
  Scope scope;
  // The start of every tail loop made, and the tail extents (X - split) that depend on symbols
  // only (the same for the whole launch: the host can tell whether any tail runs).
  std::vector<Expr> tail_starts, uniform_tails;
  bool all_tails_uniform = true;
  // `v < split` of each loop whose tail step is zero-padded (pad_reduction_tail.hpp): the
  // branch the tail-free version replaces by its full-step side.
  std::vector<Expr> padded_tails;

  Stmt mutate_LetStmt(const Stmt& s, const ir::LetStmt& op) override {
    Scope saved = scope;
    bind_let(scope, op, lc_);
    if (auto* t = op.value.as<ir::ThreadIndex>(); t && t->axis == ir::ThreadAxis::LocalId)
      local_ids_.insert(op.var.get());
    Stmt b = mutate(op.body);
    scope = std::move(saved);
    return b.same_as(op.body) ? s : ir::LetStmt::make(op.var, op.value, b);
  }

  // A serial loop from 0: its interior (guards on the loop index proven by relaxation) and a
  // guarded tail.
  Stmt mutate_For(const Stmt& s, const ir::For& op) override {
    Scope saved = scope;
    auto mn = as_const(op.min), ex = as_const(op.extent);
    if (mn && ex) scope.ranges[op.var.get()] = {*mn, *mn + *ex - 1};
    scope.uniform.insert(op.var.get());
    Stmt body = mutate(op.body);
    scope = std::move(saved);
    Stmt rebuilt =
        body.same_as(op.body) ? s : ir::For::make(op.var, op.min, op.extent, op.for_kind, body);
    if (op.for_kind != ir::ForKind::Serial || !is_const(op.min, 0)) return rebuilt;

    const ir::ExprNode* v = op.var.get();
    std::vector<Expr> relaxed;  // guard conjuncts the interior drops
    std::vector<Expr> limits;   // the loop index is below each of these in the interior
    Scope inner = scope;
    inner.uniform.insert(v);
    // The same guard can sit in places with different ranges (a loop and its tail): it is
    // dropped only if every occurrence relaxes.
    std::vector<Expr> rejected;
    std::vector<std::pair<Expr, Expr>> found;  // (guard, limit) per occurrence
    walk_guards(body, inner, lc_, [&](const Expr& c, const Scope& sc) {
      if (!ir::uses_var(c, v)) return;
      auto fail = [&] { add_unique(rejected, c); };
      auto l = relax(c, sc.ranges, v, lc_.workgroup_size);
      if (!l) return fail();
      int64_t a = 0;
      Linear rest;
      rest.c = l->c;
      for (auto& [atom, k] : l->terms) {
        if (atom.get() == v) {
          a += k;
        } else {
          // Every other value must be defined outside the loop and the same in every
          // invocation (the bounds of a loop holding a barrier must be uniform).
          for (auto* u : vars_of(atom))
            if (u == v || (bound_.count(u) && !scope.uniform.count(u))) return fail();
          rest.terms.push_back({atom, k});
        }
      }
      if (a <= 0) return fail();
      Expr t = simplify(threshold(rest, a));
      if (is_const(t, 0)) return fail();  // no iteration where the guard always holds
      found.push_back({c, t});
    });
    for (auto& [c, t] : found) {
      if (ir::contains_equal(rejected, c)) continue;
      add_unique(relaxed, c);
      add_unique(limits, t);
    }
    if (relaxed.empty()) return rebuilt;
    Expr split = op.extent;
    for (auto& t : limits) split = ir::Min::make(split, t);
    split = simplify(split);
    if (ir::deep_equal(split, op.extent)) return rebuilt;
    int dropped = 0;
    Stmt interior = drop_guards(body, relaxed, &dropped);
    if (dropped == 0) return rebuilt;
    Expr tail_extent = simplify(ir::Sub::make(op.extent, split));
    bool uniform = true;
    for (auto* u : vars_of(tail_extent)) uniform = uniform && !bound_.count(u);
    if (uniform)
      uniform_tails.push_back(tail_extent);
    else
      all_tails_uniform = false;
    tail_starts.push_back(split);
    auto form = [&](const Expr& c, const RangeMap& r) -> std::optional<Expr> {
      auto l = relax(c, r, v, lc_.workgroup_size);
      if (!l) return std::nullopt;
      return simplify(as_condition(*l));
    };
    if (auto merged = pad_reduction_tail(body, op.var, split, relaxed, scope.ranges, local_ids_,
                                         lc_.workgroup_size, form)) {
      padded_tails.push_back(ir::LT::make(op.var, split));
      return ir::For::make(op.var, make_int(0), op.extent, ir::ForKind::Serial, *merged);
    }
    Stmt main = ir::For::make(op.var, make_int(0), split, ir::ForKind::Serial, interior);
    Stmt tail = ir::For::make(op.var, split, tail_extent, ir::ForKind::Serial, body);
    return ir::Seq::make({main, tail});
  }

  // The largest T with a*v + rest <= -1 for every 0 <= v < T (0 if none):
  // v < ceil(-rest / a) = max(-rest - 1 + a, 0) / a.
  static Expr threshold(const Linear& rest, int64_t a) {
    Linear num;
    for (auto& [atom, k] : rest.terms) num.terms.push_back({atom, -k});
    num.c = -rest.c - 1 + a;
    return ir::Div::make(ir::Max::make(from_linear(num, ir::DType::i32()), make_int(0)),
                         make_int(a));
  }

 private:
  const LaunchConfig& lc_;
  NodeSet bound_, local_ids_;
};

NodeSet bound_vars(const Stmt& s) {
  struct V : ir::IRVisitor {
    NodeSet found;
    void visit_For(const ir::For& op) override {
      found.insert(op.var.get());
      ir::IRVisitor::visit_For(op);
    }
    void visit_LetStmt(const ir::LetStmt& op) override {
      found.insert(op.var.get());
      ir::IRVisitor::visit_LetStmt(op);
    }
  } v;
  v.visit(s);
  return v.found;
}

// `s` with the tail loops (serial loops starting at one of `starts`) removed, and zero-padded
// tail steps (branches on one of `padded`) down to their full-step side.
Stmt drop_tails(const Stmt& s, const std::vector<Expr>& starts, const std::vector<Expr>& padded) {
  struct M : ir::IRMutator {
    const std::vector<Expr>& starts;
    const std::vector<Expr>& padded;
    M(const std::vector<Expr>& t, const std::vector<Expr>& p) : starts(t), padded(p) {}
    using ir::IRMutator::mutate;
    Stmt mutate_For(const Stmt& st, const ir::For& op) override {
      if (op.for_kind == ir::ForKind::Serial && ir::contains_equal(starts, op.min))
        return ir::Seq::make({});
      return ir::IRMutator::mutate_For(st, op);
    }
    Stmt mutate_IfThenElse(const Stmt& st, const ir::IfThenElse& op) override {
      if (ir::contains_equal(padded, op.cond)) return mutate(op.then_case);
      return ir::IRMutator::mutate_IfThenElse(st, op);
    }
  } m(starts, padded);
  return m.mutate(s);
}

// Visits every load and store of a statement as note(buffer, index).
struct AccessVisitor : ir::IRVisitor {
  using ir::IRVisitor::visit;
  virtual void note(const ir::Buffer& b, const Expr& index) = 0;
  void visit_Load(const ir::Load& op) override {
    note(op.buffer, op.index);
    ir::IRVisitor::visit_Load(op);
  }
  void visit_Store(const ir::Store& op) override {
    note(op.buffer, op.index);
    ir::IRVisitor::visit_Store(op);
  }
};

// Whether `body` indexes a private array with `v` (its loads or stores).
bool indexes_private(const Stmt& body, const ir::ExprNode* v) {
  struct V : AccessVisitor {
    const ir::ExprNode* v = nullptr;
    bool found = false;
    void note(const ir::Buffer& b, const Expr& index) override {
      found = found || (b->scope == ir::MemScope::Private && ir::uses_var(index, v));
    }
  } vis;
  vis.v = v;
  vis.visit(body);
  return vis.found;
}

// Unrolled loops back to serial loops: the boundary copy runs for the edge tiles only, and
// unrolled, each of its guards would be code of its own (much larger shaders, measured slower).
// `keep_private`: loops that index a private array stay unrolled (rolled, the array would be
// indexed at run time: local memory, not registers).
Stmt roll(const Stmt& s, bool keep_private = false) {
  struct M : ir::IRMutator {
    using ir::IRMutator::mutate;
    bool keep_private = false;
    Stmt mutate_For(const Stmt& st, const ir::For& op) override {
      if (op.for_kind != ir::ForKind::Unrolled ||
          (keep_private && indexes_private(op.body, op.var.get())))
        return ir::IRMutator::mutate_For(st, op);
      return ir::For::make(op.var, op.min, op.extent, ir::ForKind::Serial, mutate(op.body));
    }
  } m;
  m.keep_private = keep_private;
  return m.mutate(s);
}

// Rebuilds the chain of thread-index lets `prefix` (outermost first) around `body`.
Stmt wrap(const std::vector<const ir::LetStmt*>& prefix, Stmt body) {
  for (auto it = prefix.rbegin(); it != prefix.rend(); ++it)
    body = ir::LetStmt::make((*it)->var, (*it)->value, body);
  return body;
}

// 1 when e > 0, else 0, for e >= 0.
Expr positive(const Expr& e) { return simplify(ir::Min::make(e, make_int(1))); }

Expr sum(const std::vector<Expr>& terms) {
  Expr r = make_int(0);
  for (auto& t : terms) r = ir::Add::make(r, t);
  return simplify(r);
}

// Symbols (variables bound nowhere in the kernel) in the indices of global loads and stores
// inside vectorized loops: the strides a vec4 copy needs divisible by 4.
std::vector<Expr> stride_symbols(const Stmt& s, const NodeSet& bound) {
  struct V : AccessVisitor {
    const NodeSet& bound;
    std::vector<Expr> found;
    int vector_loops = 0;
    explicit V(const NodeSet& b) : bound(b) {}
    void note(const ir::Buffer& b, const Expr& index) override {
      if (!vector_loops || b->scope != ir::MemScope::Global) return;
      // A buffer is declared as vectors only when its size is a multiple of 4 (vectorize.hpp):
      // where no constant dimension says so, its last symbolic one must (a 1-D tensor of n).
      bool sized = false;
      Expr last;
      for (auto& d : b->shape) {
        auto c = as_const(d);
        sized = sized || (c && *c % 4 == 0);
        if (!c && d.kind() == ir::ExprKind::Variable && !bound.count(d.get())) last = d;
      }
      if (!sized && last.defined()) add_unique(found, last);
      struct C : ir::IRVisitor {
        V* v;
        using ir::IRVisitor::visit;
        void visit(const Expr& x) override {
          if (x.defined() && x.kind() == ir::ExprKind::Variable && !v->bound.count(x.get()))
            add_unique(v->found, x);
          ir::IRVisitor::visit(x);
        }
      } c;
      c.v = this;
      c.visit(index);
    }
    void visit_For(const ir::For& op) override {
      const int vec = op.for_kind == ir::ForKind::Vectorized ? 1 : 0;
      vector_loops += vec;
      ir::IRVisitor::visit_For(op);
      vector_loops -= vec;
    }
  } v(bound);
  v.visit(s);
  return v.found;
}

std::array<Expr, 3> gated(std::array<Expr, 3> grid, const Expr& indicator) {
  grid[0] = simplify(ir::Mul::make(grid[0], indicator));
  return grid;
}

}  // namespace

namespace {
std::vector<KernelVersion> all_versions(const ir::Stmt& body, const LaunchConfig& lc);
}  // namespace

// The versions a launch can need: those whose grid is the constant 0 (the shapes are known to
// rule them out) are dropped, but one always stays.
std::vector<KernelVersion> partition_kernel(const ir::Stmt& body, const LaunchConfig& lc) {
  std::vector<KernelVersion> all = all_versions(body, lc), live;
  for (auto& v : all) {
    bool dead = false;
    for (auto& g : v.grid) dead = dead || is_const(g, 0);
    if (!dead) live.push_back(std::move(v));
  }
  if (live.empty()) live.push_back(std::move(all.back()));
  if (live.size() == 1) live[0].suffix.clear();  // the stage's only kernel keeps its name
  return live;
}

namespace {

std::vector<KernelVersion> all_versions(const ir::Stmt& body, const LaunchConfig& lc) {
  const NodeSet bound = bound_vars(body);
  // The loops' ranges before the partitioner splits them into main and tail pieces (pad_tiles
  // below needs them whole).
  RangeMap whole_loops;
  struct Loops : ir::IRVisitor {
    RangeMap* out;
    void visit_For(const ir::For& op) override {
      auto mn = as_const(op.min), ex = as_const(op.extent);
      if (mn && ex) (*out)[op.var.get()] = {*mn, *mn + *ex - 1};
      ir::IRVisitor::visit_For(op);
    }
  } loops;
  loops.out = &whole_loops;
  loops.visit(body);
  Partitioner part(lc, bound);
  const Stmt p = part.mutate(body);

  // The thread-index lets at the top, then the rest.
  std::vector<const ir::LetStmt*> prefix;
  Scope scope;
  std::unordered_map<const ir::ExprNode*, int> wg_dim;
  NodeSet local_ids;
  const Stmt* rest = &p;
  while (auto* let = rest->as<ir::LetStmt>()) {
    auto* t = let->value.as<ir::ThreadIndex>();
    if (!t) break;
    prefix.push_back(let);
    if (t->axis == ir::ThreadAxis::LocalId) {
      scope.ranges[let->var.get()] = {0, lc.workgroup_size[t->dim] - 1};
      local_ids.insert(let->var.get());
    } else {
      scope.uniform.insert(let->var.get());
      wg_dim[let->var.get()] = t->dim;
    }
    rest = &let->body;
  }

  // `workgroup_id.d < grid[d]` always holds (a loop bound to the grid keeps that guard when
  // simplify cannot prove it with a symbolic grid).
  std::vector<Expr> trivial;
  for (auto& [var, d] : wg_dim) {
    for (auto* let : prefix)
      if (let->var.get() == var) trivial.push_back(ir::LT::make(let->var, lc.grid[d]));
  }
  Stmt rest_body = trivial.empty() ? *rest : drop_guards(*rest, trivial);
  rest = &rest_body;

  // Guards that hold for a whole workgroup whose tile is inside the tensors: each relaxed to
  // `a * wid_d + r < 0` gives the number of such workgroups along d.
  struct Occurrence {
    Expr guard, cond, limit;
    int dim;
    bool in_loop;
  };
  std::vector<Occurrence> found;
  std::vector<Expr> rejected;  // guards with an occurrence that does not relax
  walk_guards(*rest, scope, lc, [&](const Expr& c, const Scope& sc) {
    auto fail = [&] { add_unique(rejected, c); };
    auto l = relax(c, sc.ranges, nullptr, lc.workgroup_size);
    if (!l) return fail();
    // A guard that fails in some invocation of every workgroup stays a guard.
    Expr cond = simplify(as_condition(*l));
    if (is_const(cond, 0)) return fail();
    int dim = -1;
    int64_t a = 0;
    bool single = true;
    Linear r;
    r.c = l->c;
    for (auto& [atom, k] : l->terms) {
      for (auto* u : vars_of(atom))
        if (bound.count(u) && !scope.uniform.count(u)) return fail();  // wg ids + symbols only
      auto it = wg_dim.find(atom.get());
      if (it != wg_dim.end() && (dim < 0 || dim == it->second)) {
        dim = it->second, a += k;
      } else {
        for (auto* u : vars_of(atom)) single = single && !wg_dim.count(u);
        r.terms.push_back({atom, k});
      }
    }
    Expr limit = single && dim >= 0 && a > 0 ? simplify(Partitioner::threshold(r, a)) : Expr();
    // Worth a version only where it varies inside a loop (hoist_invariant_guards lifts the rest
    // out of their loops anyway).
    bool varies = false;
    for (auto* u : vars_of(c)) varies = varies || sc.loop_vars.count(u);
    found.push_back({c, cond, limit, dim, varies});
  });
  std::vector<Expr> relaxed, conds;
  std::array<std::vector<Expr>, 3> limits;
  bool per_dim = true, in_loop = false;
  for (auto& o : found) {
    if (ir::contains_equal(rejected, o.guard)) continue;
    add_unique(relaxed, o.guard);
    add_unique(conds, o.cond);
    in_loop = in_loop || o.in_loop;
    if (o.limit.defined())
      add_unique(limits[o.dim], o.limit);
    else
      per_dim = false;
  }

  const bool tails = !part.tail_starts.empty() && part.all_tails_uniform;
  const Expr any_tail = tails ? positive(sum(part.uniform_tails)) : Expr();
  // The interior kernels: without the tail loops when no tail runs, and with them.
  // The tail-free body, first in a version for row strides that are multiples of 4.
  auto aligned_versions = [&](std::vector<KernelVersion>& v, const Stmt& body,
                              const std::array<Expr, 3>& grid, const std::string& what,
                              const std::string& suffix = "") {
    // (Only for stages that are versioned anyway: a lone kernel stays one kernel.)
    const std::vector<Expr> strides =
        what.empty() ? std::vector<Expr>{} : stride_symbols(body, bound);
    if (strides.empty()) {
      v.push_back({suffix, what, body, grid});
      return;
    }
    std::vector<Expr> rem;
    VarMap times4;
    std::vector<std::pair<Expr, Expr>> lets;
    for (auto& sym : strides) {
      rem.push_back(ir::Mod::make(sym, make_int(4)));
      Expr q = ir::Variable::make(ir::DType::i32(), sym.as<ir::Variable>()->name + "_div4");
      times4[sym.get()] = ir::Mul::make(q, make_int(4));
      lets.push_back({q, ir::Div::make(sym, make_int(4))});
    }
    const Expr misaligned = positive(sum(rem));
    Stmt b4 = substitute(body, times4);
    for (auto& [q, value] : lets) b4 = ir::LetStmt::make(q, value, b4);
    v.push_back({suffix + "_vec4", what + "; row strides that are multiples of 4", b4,
                 gated(grid, simplify(ir::Sub::make(make_int(1), misaligned))), strides});
    v.push_back({suffix, what, body, gated(grid, misaligned)});
  };
  auto interior_versions = [&](const Stmt& interior, const std::array<Expr, 3>& grid,
                               const std::string& what) {
    std::vector<KernelVersion> v;
    if (!tails) {
      aligned_versions(v, interior, grid, what);
      return v;
    }
    aligned_versions(v, drop_tails(interior, part.tail_starts, part.padded_tails),
                     gated(grid, simplify(ir::Sub::make(make_int(1), any_tail))),
                     what + "; shapes that divide every loop step");
    aligned_versions(v, interior, gated(grid, any_tail), what + "; the last partial loop steps",
                     "_tail");
    return v;
  };

  // The edge tiles padded (pad_tiles.hpp: guards only where global memory is touched), so the
  // edge keeps the interior's unrolled register tile.
  int padded_guards = 0;
  const Stmt padded = pad_tiles(*rest, scope.ranges, local_ids, &padded_guards, &whole_loops);
  const Stmt& edge = padded_guards > 0 ? padded : *rest;
  int dropped = 0;
  Stmt fast = relaxed.empty() ? *rest : drop_guards(*rest, relaxed, &dropped);
  const Expr interior = simplify(conjunction(conds));
  const std::string whole = part.tail_starts.empty() ? "" : "every workgroup";
  if (dropped == 0 || !in_loop || !has_loop_or_barrier(*rest) || is_const(interior, 0))
    return interior_versions(wrap(prefix, edge), lc.grid, whole);  // no interior workgroup known
  if (is_const(interior, 1)) return interior_versions(wrap(prefix, fast), lc.grid, whole);
  if (padded_guards > 0 || !per_dim) {
    // Interior and edge in one kernel, chosen per workgroup: one launch, so the edge tiles run
    // in the same wave as the interior (H100, Dawn: 2000^3 at 24.3 TFLOP/s against 16.8 with
    // a second launch for the edge). With padded edge tiles both branches index their
    // register tiles with constants; a rolled edge (its guards kept) would push the
    // accumulators of both into local memory (measured several times slower), so the
    // unpadded case below prefers separate kernels.
    Stmt both = wrap(
        prefix, ir::IfThenElse::make(interior, fast, padded_guards > 0 ? edge : roll(*rest, true)));
    return interior_versions(both, lc.grid, "interior and edge workgroups");
  }
  // Separate kernels: each compiles like a constant-shape one (a kernel that holds both
  // versions was measured several times slower on the H100 through Dawn).
  std::array<Expr, 3> inner = lc.grid;
  std::vector<Expr> outside;  // workgroups along each dimension outside the interior
  bool empty_interior = false;
  for (int d = 0; d < 3; ++d) {
    for (auto& t : limits[d]) inner[d] = ir::Min::make(inner[d], t);
    inner[d] = simplify(inner[d]);
    empty_interior = empty_interior || is_const(inner[d], 0);
    outside.push_back(simplify(ir::Sub::make(lc.grid[d], inner[d])));
  }
  if (empty_interior) return interior_versions(wrap(prefix, *rest), lc.grid, whole);
  auto versions = interior_versions(wrap(prefix, fast), inner, "interior workgroups");
  Stmt boundary = wrap(prefix, ir::IfThenElse::make(ir::Not::make(interior), roll(*rest)));
  versions.push_back(
      {"_boundary", "boundary workgroups", boundary, gated(lc.grid, positive(sum(outside)))});
  return versions;
}

}  // namespace

}  // namespace webtx::lowering
