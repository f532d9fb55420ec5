#pragma once
// vectorize: a `Vectorized` loop of 4 iterations whose body is one Store (after its lets are
// substituted), v the loop index:
//  * a copy  dst[i + v] = src[j + v]  (i and j multiples of 4) becomes one vector copy
//    dst[i/4 +: 4] = src[j/4 +: 4] (Load/Store with lanes = 4; see expr.hpp);
//  * elementwise code  dst[i + v] = f(a[j + v], b[k + v], ..., x)  becomes, lane by lane,
//      let a4 = a[j/4 +: 4]; let b4 = b[k/4 +: 4]; ...
//      dst[i/4 +: 4] = vec4(f(a4.x, b4.x, ..., x), ..., f(a4.w, b4.w, ..., x))
//    the arithmetic staying scalar (GPUs compute vectors lane by lane anyway; what pays is one
//    16-byte memory access instead of four), the vector loads from global memory only. Where
//    dst is not vectorizable the four stores stay scalar with the vector loads shared; where
//    no access is, the loop stays as it was; dst outside global memory takes a vector of
//    scalars only along with a vector load.
// Alignment is proven from the canonical linear form of each index: the loop index with
// coefficient 1, every other term's coefficient and the constant divisible by 4. Buffers must
// hold 32-bit non-bool elements, a multiple of 4 of them (so a backend can declare them as
// arrays of vec4): a constant count, or a dimension that is a constant multiple of 4 or one of
// the `aligned` symbols (a kernel version launched only when those are multiples of 4,
// partition_loops.hpp). Loads the vector loads would move past a write stay scalar: a load
// of the stored buffer in lane-by-lane stores, any load of it not at the stored vector in a
// vector store (lane c may read what lane c - 1 wrote), and loads under `&&` or `||` (the
// other operand may keep them from running; both sides of a select always run, which is why
// lowering clamps the indices of reads inside one). Anything else stays a scalar loop (the
// backends unroll it).
#include <string>
#include <unordered_map>
#include <vector>

#include "webtx/lower/linear.hpp"
#include "webtx/lower/simplify.hpp"

namespace webtx::lowering {

namespace detail {

constexpr int kVectorLanes = 4;

inline bool vectorizable_buffer(const ir::Buffer& b, const std::vector<ir::Expr>& aligned) {
  if (b->type.bits != 32 || b->type.is_bool()) return false;
  int64_t n = 1;
  bool symbolic = false, some_aligned = false;
  for (auto& d : b->shape) {
    auto c = as_const(d);
    if (c) {
      n *= *c;
      some_aligned = some_aligned || *c % kVectorLanes == 0;
      continue;
    }
    symbolic = true;
    for (auto& a : aligned) some_aligned = some_aligned || a.same_as(d);
  }
  return symbolic ? some_aligned : n % kVectorLanes == 0;
}

// index / lanes when index = (multiple of lanes) + v, else undefined.
inline ir::Expr aligned_quotient(const ir::Expr& index, const ir::Expr& v) {
  Linear l;
  to_linear(index, 1, l);
  Linear q;
  bool found = false;
  for (auto& [atom, k] : l.terms) {
    if (atom.same_as(v)) {
      if (k != 1 || found) return {};
      found = true;
      continue;
    }
    if (uses_var(atom, v.get()) || k % kVectorLanes != 0) return {};
    q.terms.push_back({atom, k / kVectorLanes});
  }
  if (!found || l.c % kVectorLanes != 0) return {};
  q.c = l.c / kVectorLanes;
  return simplify(from_linear(q, index.type()));
}
// The same, where needed with the lets around the loop spelled out (`outer`: each let's value,
// which may name an earlier let; a cache origin let m = local_id.x * 4 is a multiple of 4
// only by its value).
inline ir::Expr vector_index(const ir::Expr& index, const ir::Expr& v, const VarMap& outer) {
  ir::Expr q = aligned_quotient(index, v);
  if (q.defined() || outer.empty()) return q;
  ir::Expr spelled = index;
  for (ir::Expr next = substitute(spelled, outer); !next.same_as(spelled);
       next = substitute(spelled, outer))
    spelled = next;
  return aligned_quotient(spelled, v);
}

// One vector load shared by the lanes: the scalar loads it replaces read buffer[4 * index + v].
struct SharedLoad {
  ir::Buffer buffer;
  ir::Expr index, var;
};
// The shared loads of a value (in order of appearance), and which one each of its scalar loads
// reads a lane of.
struct SharedLoads {
  std::vector<SharedLoad> loads;
  std::unordered_map<const ir::Load*, size_t> of;
};

// The loads of `value` that can become shared vector loads.
inline SharedLoads shared_loads(const ir::Expr& value, const ir::Expr& v, const ir::Store& st,
                                bool vector_store, const std::vector<ir::Expr>& aligned,
                                const VarMap& outer, bool& blocked) {
  struct C : ir::IRVisitor {
    const ir::Expr* v;
    const ir::Store* st;
    bool vector_store;
    const std::vector<ir::Expr>* aligned;
    const VarMap* outer;
    ir::Expr store_index;  // the stored vector (vector_store)
    SharedLoads found;
    int guarded = 0;
    bool blocked = false;  // a load that must stay scalar would see the vector store early
    void visit_And(const ir::And& op) override { ++guarded, IRVisitor::visit_And(op), --guarded; }
    void visit_Or(const ir::Or& op) override { ++guarded, IRVisitor::visit_Or(op), --guarded; }
    void visit_Load(const ir::Load& op) override {
      IRVisitor::visit_Load(op);
      const bool stored = op.buffer == st->buffer;
      // Only global memory gains from vector loads here (registers need none; workgroup
      // memory's banks are the schedule's business: its copies vectorize as copies).
      ir::Expr vi = op.lanes == 1 && !guarded && op.buffer->scope == ir::MemScope::Global &&
                            vectorizable_buffer(op.buffer, *aligned)
                        ? vector_index(op.index, *v, *outer)
                        : ir::Expr();
      if (stored && vector_store && (!vi.defined() || !deep_equal(vi, store_index))) blocked = true;
      if (!vi.defined() || (stored && !vector_store)) return;
      auto& loads = found.loads;
      size_t k = 0;
      while (k < loads.size() && !(loads[k].buffer == op.buffer && deep_equal(loads[k].index, vi)))
        ++k;
      if (k == loads.size())
        loads.push_back(
            {op.buffer, vi,
             ir::Variable::make(op.buffer->type, op.buffer->name + "_vec" + std::to_string(k))});
      found.of[&op] = k;
    }
  } c;
  c.v = &v, c.st = &st, c.vector_store = vector_store, c.aligned = &aligned, c.outer = &outer;
  if (vector_store) c.store_index = vector_index(st.index, v, outer);
  c.visit(value);
  blocked = c.blocked;
  return c.found;
}

// The value of lane `lane`: the loop index the constant `lane`, the shared loads their lanes.
inline ir::Expr lane_value(const ir::Expr& value, const ir::Expr& v, int lane,
                           const SharedLoads& shared) {
  struct M : ir::IRMutator {
    const ir::Expr* v;
    int lane;
    const SharedLoads* shared;
    using ir::IRMutator::mutate;
    ir::Expr mutate_Variable(const ir::Expr& e, const ir::Variable&) override {
      return e.same_as(*v) ? make_int(lane) : e;
    }
    ir::Expr mutate_Load(const ir::Expr& e, const ir::Load& op) override {
      auto it = shared->of.find(&op);
      if (it != shared->of.end()) return ir::VectorLane::make(shared->loads[it->second].var, lane);
      return ir::IRMutator::mutate_Load(e, op);
    }
  } m;
  m.v = &v, m.lane = lane, m.shared = &shared;
  return simplify(m.mutate(value));
}

class Vectorize : public ir::IRMutator {
 public:
  explicit Vectorize(const std::vector<ir::Expr>& aligned) : aligned_(aligned) {}
  using ir::IRMutator::mutate;
  ir::Stmt mutate_For(const ir::Stmt& s, const ir::For& op) override {
    if (op.for_kind == ir::ForKind::Vectorized && is_const(op.min, 0) &&
        is_const(op.extent, kVectorLanes)) {
      ir::Stmt v = vectorized(op);
      if (v.defined()) return v;
    }
    return ir::IRMutator::mutate_For(s, op);
  }
  // Integer lets around the loop, kept to spell out indices aligned only by a let's value
  // (a per-invocation cache's origin: let m = local_id.x * 4).
  ir::Stmt mutate_LetStmt(const ir::Stmt& s, const ir::LetStmt& op) override {
    if (!op.value.type().is_int()) return ir::IRMutator::mutate_LetStmt(s, op);
    lets_[op.var.get()] = op.value;
    ir::Stmt r = ir::IRMutator::mutate_LetStmt(s, op);
    lets_.erase(op.var.get());
    return r;
  }

 private:
  ir::Stmt vectorized(const ir::For& op) const {
    // The body's lets, substituted into its Store.
    ir::Stmt body = op.body;
    VarMap lets;
    while (auto* l = body.as<ir::LetStmt>()) {
      lets[l->var.get()] = substitute(l->value, lets);
      body = l->body;
    }
    auto* st0 = body.as<ir::Store>();
    if (!st0 || st0->lanes != 1) return {};
    ir::Stmt sub = substitute(body, lets);
    auto* st = sub.as<ir::Store>();
    const ir::Expr& v = op.var;
    // A subgroup operation must stay a store's whole value in uniform control flow.
    if (ir::contains<ir::Subgroup>(st->value)) return {};
    ir::Expr si =
        vectorizable_buffer(st->buffer, aligned_) ? vector_index(st->index, v, lets_) : ir::Expr();
    // A plain copy: one vector load, one vector store.
    if (auto* ld = st->value.as<ir::Load>();
        ld && si.defined() && ld->lanes == 1 && vectorizable_buffer(ld->buffer, aligned_)) {
      if (ir::Expr li = vector_index(ld->index, v, lets_); li.defined())
        return ir::Store::make(st->buffer, ir::Load::make(ld->buffer, li, kVectorLanes), si,
                               kVectorLanes);
    }
    bool blocked = false;
    SharedLoads shared = shared_loads(st->value, v, *st, si.defined(), aligned_, lets_, blocked);
    if (blocked) {
      // Keep the store scalar instead; its buffer's loads then stay scalar too.
      si = ir::Expr();
      shared = shared_loads(st->value, v, *st, false, aligned_, lets_, blocked);
    }
    if (!si.defined() && shared.loads.empty()) return {};
    // Into workgroup or private memory a vector store of scalar loads buys little (and the
    // buffer would become an array of vectors): only global stores go vector on their own.
    if (shared.loads.empty() && st->buffer->scope != ir::MemScope::Global) return {};
    std::vector<ir::Expr> lanes;
    for (int c = 0; c < kVectorLanes; ++c) lanes.push_back(lane_value(st->value, v, c, shared));
    ir::Stmt out;
    if (si.defined()) {
      out = ir::Store::make(st->buffer, ir::MakeVector::make(lanes), si, kVectorLanes);
    } else {
      std::vector<ir::Stmt> stores;
      for (int c = 0; c < kVectorLanes; ++c)
        stores.push_back(ir::Store::make(
            st->buffer, lanes[c], simplify(substitute(st->index, {{v.get(), make_int(c)}}))));
      out = ir::Seq::make(stores);
    }
    for (auto it = shared.loads.rbegin(); it != shared.loads.rend(); ++it)
      out = ir::LetStmt::make(it->var, ir::Load::make(it->buffer, it->index, kVectorLanes), out);
    return out;
  }

  const std::vector<ir::Expr>& aligned_;
  VarMap lets_;  // enclosing integer lets (their values as written)
};

}  // namespace detail

// `aligned`: symbols this kernel is only launched with at multiples of 4.
inline ir::Stmt vectorize(const ir::Stmt& body, const std::vector<ir::Expr>& aligned = {}) {
  return detail::Vectorize(aligned).mutate(body);
}

}  // namespace webtx::lowering
