#pragma once
// Visitor and mutator over the loop IR. The visitor walks every child; the mutator rebuilds a
// node only when a child changed, so a pass that changes nothing returns the same nodes and
// shared subtrees stay shared (after Halide's IRMutator).
#include <vector>

#include "webtx/ir/operation.hpp"
#include "webtx/ir/stmt.hpp"

namespace webtx::ir {

class IRVisitor {
 public:
  virtual ~IRVisitor() = default;

  virtual void visit(const Expr& e) {
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
  virtual void visit(const Stmt& s) {
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

 protected:
  virtual void visit_IntImm(const IntImm&) {}
  virtual void visit_FloatImm(const FloatImm&) {}
  virtual void visit_Variable(const Variable&) {}
  // Every binary node goes through visit_binary unless its own visit_<Node> is overridden.
  virtual void visit_binary(const BinaryExpr& op) { visit(op.a), visit(op.b); }
#define WEBTX_X(n) \
  virtual void visit_##n(const n& op) { visit_binary(op); }
  WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
  virtual void visit_Not(const Not& op) { visit(op.a); }
  virtual void visit_Select(const Select& op) { visit(op.cond), visit(op.t), visit(op.f); }
  virtual void visit_Cast(const Cast& op) { visit(op.value); }
  virtual void visit_Call(const Call& op) {
    for (auto& a : op.args) visit(a);
  }
  virtual void visit_Load(const Load& op) { visit(op.index); }
  virtual void visit_ProducerLoad(const ProducerLoad& op) {
    for (auto& i : op.indices) visit(i);
  }
  virtual void visit_Reduce(const Reduce& op) {
    for (auto& a : op.axes) visit(a->min), visit(a->extent);
    visit(op.source);
  }
  virtual void visit_ThreadIndex(const ThreadIndex&) {}

  virtual void visit_LetStmt(const LetStmt& op) { visit(op.value), visit(op.body); }
  virtual void visit_For(const For& op) { visit(op.min), visit(op.extent), visit(op.body); }
  virtual void visit_Store(const Store& op) { visit(op.value), visit(op.index); }
  virtual void visit_ProducerStore(const ProducerStore& op) {
    for (auto& i : op.indices) visit(i);
    visit(op.value);
  }
  virtual void visit_IfThenElse(const IfThenElse& op) {
    visit(op.cond), visit(op.then_case), visit(op.else_case);
  }
  virtual void visit_Seq(const Seq& op) {
    for (auto& s : op.stmts) visit(s);
  }
  virtual void visit_Allocate(const Allocate& op) {
    for (auto& e : op.buffer->shape) visit(e);
    visit(op.body);
  }
  virtual void visit_Barrier(const Barrier&) {}
};

class IRMutator {
 public:
  virtual ~IRMutator() = default;

  virtual Expr mutate(const Expr& e) {
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
  virtual Stmt mutate(const Stmt& s) {
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

 protected:
  // Each takes the handle (to return unchanged) and the node.
  virtual Expr mutate_IntImm(const Expr& e, const IntImm&) { return e; }
  virtual Expr mutate_FloatImm(const Expr& e, const FloatImm&) { return e; }
  virtual Expr mutate_Variable(const Expr& e, const Variable&) { return e; }
  // Every binary node goes through mutate_binary unless its own mutate_<Node> is overridden.
  virtual Expr mutate_binary(const Expr& e, const BinaryExpr& op) {
    Expr a = mutate(op.a), b = mutate(op.b);
    if (a.same_as(op.a) && b.same_as(op.b)) return e;
    return make_binary(op.kind, std::move(a), std::move(b));
  }
#define WEBTX_X(n) \
  virtual Expr mutate_##n(const Expr& e, const n& op) { return mutate_binary(e, op); }
  WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
  virtual Expr mutate_Not(const Expr& e, const Not& op) {
    Expr a = mutate(op.a);
    return a.same_as(op.a) ? e : Not::make(a);
  }
  virtual Expr mutate_Select(const Expr& e, const Select& op) {
    Expr c = mutate(op.cond), t = mutate(op.t), f = mutate(op.f);
    if (c.same_as(op.cond) && t.same_as(op.t) && f.same_as(op.f)) return e;
    return Select::make(c, t, f);
  }
  virtual Expr mutate_Cast(const Expr& e, const Cast& op) {
    Expr v = mutate(op.value);
    return v.same_as(op.value) ? e : Cast::make(op.type, v);
  }
  virtual Expr mutate_Call(const Expr& e, const Call& op) {
    auto args = mutate_all(op.args);
    return args.second ? Call::make(op.func, std::move(args.first)) : e;
  }
  virtual Expr mutate_Load(const Expr& e, const Load& op) {
    Expr i = mutate(op.index);
    return i.same_as(op.index) ? e : Load::make(op.buffer, i, op.lanes);
  }
  virtual Expr mutate_ProducerLoad(const Expr& e, const ProducerLoad& op) {
    auto idx = mutate_all(op.indices);
    return idx.second ? ProducerLoad::make(op.producer, std::move(idx.first)) : e;
  }
  virtual Expr mutate_Reduce(const Expr& e, const Reduce& op) {
    Expr s = mutate(op.source);
    return s.same_as(op.source) ? e : Reduce::make(op.op, s, op.axes);
  }
  virtual Expr mutate_ThreadIndex(const Expr& e, const ThreadIndex&) { return e; }

  virtual Stmt mutate_LetStmt(const Stmt& s, const LetStmt& op) {
    Expr v = mutate(op.value);
    Stmt b = mutate(op.body);
    if (v.same_as(op.value) && b.same_as(op.body)) return s;
    return LetStmt::make(op.var, v, b);
  }
  virtual Stmt mutate_For(const Stmt& s, const For& op) {
    Expr mn = mutate(op.min), ex = mutate(op.extent);
    Stmt b = mutate(op.body);
    if (mn.same_as(op.min) && ex.same_as(op.extent) && b.same_as(op.body)) return s;
    return For::make(op.var, mn, ex, op.for_kind, b);
  }
  virtual Stmt mutate_Store(const Stmt& s, const Store& op) {
    Expr v = mutate(op.value), i = mutate(op.index);
    if (v.same_as(op.value) && i.same_as(op.index)) return s;
    return Store::make(op.buffer, v, i, op.lanes);
  }
  virtual Stmt mutate_ProducerStore(const Stmt& s, const ProducerStore& op) {
    Expr v = mutate(op.value);
    auto idx = mutate_all(op.indices);
    if (v.same_as(op.value) && !idx.second) return s;
    return ProducerStore::make(op.producer, v, std::move(idx.first));
  }
  virtual Stmt mutate_IfThenElse(const Stmt& s, const IfThenElse& op) {
    Expr c = mutate(op.cond);
    Stmt t = mutate(op.then_case), f = mutate(op.else_case);
    if (c.same_as(op.cond) && t.same_as(op.then_case) && f.same_as(op.else_case)) return s;
    return IfThenElse::make(c, t, f);
  }
  virtual Stmt mutate_Seq(const Stmt& s, const Seq& op) {
    std::vector<Stmt> out;
    bool changed = false;
    for (auto& x : op.stmts) {
      out.push_back(mutate(x));
      changed |= !out.back().same_as(x);
    }
    return changed ? Seq::make(std::move(out)) : s;
  }
  virtual Stmt mutate_Allocate(const Stmt& s, const Allocate& op) {
    Stmt b = mutate(op.body);
    return b.same_as(op.body) ? s : Allocate::make(op.buffer, b);
  }
  virtual Stmt mutate_Barrier(const Stmt& s, const Barrier&) { return s; }

  std::pair<std::vector<Expr>, bool> mutate_all(const std::vector<Expr>& v) {
    std::vector<Expr> out;
    bool changed = false;
    for (auto& x : v) {
      out.push_back(mutate(x));
      changed |= !out.back().same_as(x);
    }
    return {std::move(out), changed};
  }
};

}  // namespace webtx::ir
