// Definitions for webtx/ir/functor.hpp: compiled once, so passes that derive from the
// visitor or mutator compile only what they override.
#include "webtx/ir/functor.hpp"

namespace webtx::ir {

IRVisitor::~IRVisitor() = default;
IRMutator::~IRMutator() = default;

#define WEBTX_X(n) \
  void IRVisitor::visit_##n(const n& op) { visit_binary(op); }
WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
#define WEBTX_X(n) \
  Expr IRMutator::mutate_##n(const Expr& e, const n& op) { return mutate_binary(e, op); }
WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X

void IRVisitor::visit(const Expr& e) {
  if (!e.defined()) return;
  switch (e.kind()) {
#define WEBTX_X(n)                              \
  case ExprKind::n:                             \
    visit_##n(*static_cast<const n*>(e.get())); \
    return;
    WEBTX_FOR_EACH_EXPR(WEBTX_X)
#undef WEBTX_X
  }
}

void IRVisitor::visit(const Stmt& s) {
  if (!s.defined()) return;
  switch (s.kind()) {
#define WEBTX_X(n)                              \
  case StmtKind::n:                             \
    visit_##n(*static_cast<const n*>(s.get())); \
    return;
    WEBTX_FOR_EACH_STMT(WEBTX_X)
#undef WEBTX_X
  }
}

void IRVisitor::visit_IntImm(const IntImm&) {}

void IRVisitor::visit_FloatImm(const FloatImm&) {}

void IRVisitor::visit_Variable(const Variable&) {}

void IRVisitor::visit_binary(const BinaryExpr& op) { visit(op.a), visit(op.b); }

void IRVisitor::visit_Not(const Not& op) { visit(op.a); }

void IRVisitor::visit_Select(const Select& op) { visit(op.cond), visit(op.t), visit(op.f); }

void IRVisitor::visit_Cast(const Cast& op) { visit(op.value); }

void IRVisitor::visit_Call(const Call& op) {
  for (auto& a : op.args) visit(a);
}

void IRVisitor::visit_Load(const Load& op) { visit(op.index); }

void IRVisitor::visit_ProducerLoad(const ProducerLoad& op) {
  for (auto& i : op.indices) visit(i);
}

void IRVisitor::visit_Reduce(const Reduce& op) {
  for (auto& a : op.axes) visit(a->min), visit(a->extent);
  visit(op.source);
}

void IRVisitor::visit_ThreadIndex(const ThreadIndex&) {}
void IRVisitor::visit_Subgroup(const Subgroup& op) {
  if (op.value.defined()) visit(op.value);
}
void IRVisitor::visit_VectorLane(const VectorLane& op) { visit(op.vector); }
void IRVisitor::visit_MakeVector(const MakeVector& op) {
  for (auto& e : op.elements) visit(e);
}

void IRVisitor::visit_LetStmt(const LetStmt& op) { visit(op.value), visit(op.body); }

void IRVisitor::visit_For(const For& op) { visit(op.min), visit(op.extent), visit(op.body); }

void IRVisitor::visit_Store(const Store& op) { visit(op.value), visit(op.index); }

void IRVisitor::visit_ProducerStore(const ProducerStore& op) {
  for (auto& i : op.indices) visit(i);
  visit(op.value);
}

void IRVisitor::visit_IfThenElse(const IfThenElse& op) {
  visit(op.cond), visit(op.then_case), visit(op.else_case);
}

void IRVisitor::visit_Seq(const Seq& op) {
  for (auto& s : op.stmts) visit(s);
}

void IRVisitor::visit_Allocate(const Allocate& op) {
  for (auto& e : op.buffer->shape) visit(e);
  visit(op.body);
}

void IRVisitor::visit_Barrier(const Barrier&) {}

void IRVisitor::visit_MatrixOp(const MatrixOp& op) {
  visit(op.slice), visit(op.offset), visit(op.stride);
}

Expr IRMutator::mutate(const Expr& e) {
  if (!e.defined()) return e;
  switch (e.kind()) {
#define WEBTX_X(n)  \
  case ExprKind::n: \
    return mutate_##n(e, *static_cast<const n*>(e.get()));
    WEBTX_FOR_EACH_EXPR(WEBTX_X)
#undef WEBTX_X
  }
  return e;
}

Stmt IRMutator::mutate(const Stmt& s) {
  if (!s.defined()) return s;
  switch (s.kind()) {
#define WEBTX_X(n)  \
  case StmtKind::n: \
    return mutate_##n(s, *static_cast<const n*>(s.get()));
    WEBTX_FOR_EACH_STMT(WEBTX_X)
#undef WEBTX_X
  }
  return s;
}

Expr IRMutator::mutate_IntImm(const Expr& e, const IntImm&) { return e; }

Expr IRMutator::mutate_FloatImm(const Expr& e, const FloatImm&) { return e; }

Expr IRMutator::mutate_Variable(const Expr& e, const Variable&) { return e; }

Expr IRMutator::mutate_binary(const Expr& e, const BinaryExpr& op) {
  Expr a = mutate(op.a), b = mutate(op.b);
  if (a.same_as(op.a) && b.same_as(op.b)) return e;
  return make_binary(op.kind, std::move(a), std::move(b));
}

Expr IRMutator::mutate_Not(const Expr& e, const Not& op) {
  Expr a = mutate(op.a);
  return a.same_as(op.a) ? e : Not::make(a);
}

Expr IRMutator::mutate_Select(const Expr& e, const Select& op) {
  Expr c = mutate(op.cond), t = mutate(op.t), f = mutate(op.f);
  if (c.same_as(op.cond) && t.same_as(op.t) && f.same_as(op.f)) return e;
  return Select::make(c, t, f);
}

Expr IRMutator::mutate_Cast(const Expr& e, const Cast& op) {
  Expr v = mutate(op.value);
  return v.same_as(op.value) ? e : Cast::make(op.type, v);
}

Expr IRMutator::mutate_Call(const Expr& e, const Call& op) {
  auto args = mutate_all(op.args);
  return args.second ? Call::make(op.func, std::move(args.first)) : e;
}

Expr IRMutator::mutate_Load(const Expr& e, const Load& op) {
  Expr i = mutate(op.index);
  return i.same_as(op.index) ? e : Load::make(op.buffer, i, op.lanes);
}

Expr IRMutator::mutate_ProducerLoad(const Expr& e, const ProducerLoad& op) {
  auto idx = mutate_all(op.indices);
  return idx.second ? ProducerLoad::make(op.producer, std::move(idx.first)) : e;
}

Expr IRMutator::mutate_Reduce(const Expr& e, const Reduce& op) {
  Expr s = mutate(op.source);
  return s.same_as(op.source) ? e : Reduce::make(op.op, s, op.axes);
}

Expr IRMutator::mutate_ThreadIndex(const Expr& e, const ThreadIndex&) { return e; }

Expr IRMutator::mutate_Subgroup(const Expr& e, const Subgroup& op) {
  if (!op.value.defined()) return e;
  Expr v = mutate(op.value);
  return v.same_as(op.value) ? e : Subgroup::reduce(op.op, v);
}

Expr IRMutator::mutate_VectorLane(const Expr& e, const VectorLane& op) {
  Expr v = mutate(op.vector);
  return v.same_as(op.vector) ? e : VectorLane::make(v, op.lane);
}

Expr IRMutator::mutate_MakeVector(const Expr& e, const MakeVector& op) {
  auto el = mutate_all(op.elements);
  return el.second ? MakeVector::make(std::move(el.first)) : e;
}

Stmt IRMutator::mutate_LetStmt(const Stmt& s, const LetStmt& op) {
  Expr v = mutate(op.value);
  Stmt b = mutate(op.body);
  if (v.same_as(op.value) && b.same_as(op.body)) return s;
  return LetStmt::make(op.var, v, b);
}

Stmt IRMutator::mutate_For(const Stmt& s, const For& op) {
  Expr mn = mutate(op.min), ex = mutate(op.extent);
  Stmt b = mutate(op.body);
  if (mn.same_as(op.min) && ex.same_as(op.extent) && b.same_as(op.body)) return s;
  return For::make(op.var, mn, ex, op.for_kind, b);
}

Stmt IRMutator::mutate_Store(const Stmt& s, const Store& op) {
  Expr v = mutate(op.value), i = mutate(op.index);
  if (v.same_as(op.value) && i.same_as(op.index)) return s;
  return Store::make(op.buffer, v, i, op.lanes);
}

Stmt IRMutator::mutate_ProducerStore(const Stmt& s, const ProducerStore& op) {
  Expr v = mutate(op.value);
  auto idx = mutate_all(op.indices);
  if (v.same_as(op.value) && !idx.second) return s;
  return ProducerStore::make(op.producer, v, std::move(idx.first));
}

Stmt IRMutator::mutate_IfThenElse(const Stmt& s, const IfThenElse& op) {
  Expr c = mutate(op.cond);
  Stmt t = mutate(op.then_case), f = mutate(op.else_case);
  if (c.same_as(op.cond) && t.same_as(op.then_case) && f.same_as(op.else_case)) return s;
  return IfThenElse::make(c, t, f);
}

Stmt IRMutator::mutate_Seq(const Stmt& s, const Seq& op) {
  std::vector<Stmt> out;
  bool changed = false;
  for (auto& x : op.stmts) {
    out.push_back(mutate(x));
    changed |= !out.back().same_as(x);
  }
  return changed ? Seq::make(std::move(out)) : s;
}

Stmt IRMutator::mutate_Allocate(const Stmt& s, const Allocate& op) {
  Stmt b = mutate(op.body);
  return b.same_as(op.body) ? s : Allocate::make(op.buffer, b);
}

Stmt IRMutator::mutate_Barrier(const Stmt& s, const Barrier&) { return s; }

Stmt IRMutator::mutate_MatrixOp(const Stmt& s, const MatrixOp& op) {
  if (op.op == MatrixOpKind::MultiplyAccumulate) return s;
  Expr sl = mutate(op.slice), o = mutate(op.offset), st = mutate(op.stride);
  if (sl.same_as(op.slice) && o.same_as(op.offset) && st.same_as(op.stride)) return s;
  return op.op == MatrixOpKind::Load ? MatrixOp::load(op.frag, op.mem, sl, o, st, op.col_major)
                                     : MatrixOp::store(op.frag, op.mem, sl, o, st, op.col_major);
}

std::pair<std::vector<Expr>, bool> IRMutator::mutate_all(const std::vector<Expr>& v) {
  std::vector<Expr> out;
  bool changed = false;
  for (auto& x : v) {
    out.push_back(mutate(x));
    changed |= !out.back().same_as(x);
  }
  return {std::move(out), changed};
}

}  // namespace webtx::ir
