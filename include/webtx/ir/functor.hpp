#pragma once
// Visitor and mutator over the loop IR. The visitor walks every child; the mutator rebuilds a
// node only when a child changed, so a pass that changes nothing returns the same nodes and
// shared subtrees stay shared (after Halide's IRMutator).
#include <type_traits>
#include <utility>
#include <vector>

#include "webtx/ir/operation.hpp"
#include "webtx/ir/stmt.hpp"

namespace webtx::ir {

class IRVisitor {
 public:
  virtual ~IRVisitor();

  virtual void visit(const Expr& e);
  virtual void visit(const Stmt& s);

 protected:
  virtual void visit_IntImm(const IntImm&);
  virtual void visit_FloatImm(const FloatImm&);
  virtual void visit_Variable(const Variable&);
  // Every binary node goes through visit_binary unless its own visit_<Node> is overridden.
  virtual void visit_binary(const BinaryExpr& op);
#define WEBTX_X(n) virtual void visit_##n(const n& op);
  WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
  virtual void visit_Not(const Not& op);
  virtual void visit_Select(const Select& op);
  virtual void visit_Cast(const Cast& op);
  virtual void visit_Call(const Call& op);
  virtual void visit_Load(const Load& op);
  virtual void visit_ProducerLoad(const ProducerLoad& op);
  virtual void visit_Reduce(const Reduce& op);
  virtual void visit_ThreadIndex(const ThreadIndex&);
  virtual void visit_Subgroup(const Subgroup& op);
  virtual void visit_VectorLane(const VectorLane& op);
  virtual void visit_MakeVector(const MakeVector& op);

  virtual void visit_LetStmt(const LetStmt& op);
  virtual void visit_For(const For& op);
  virtual void visit_Store(const Store& op);
  virtual void visit_ProducerStore(const ProducerStore& op);
  virtual void visit_IfThenElse(const IfThenElse& op);
  virtual void visit_Seq(const Seq& op);
  virtual void visit_Allocate(const Allocate& op);
  virtual void visit_Barrier(const Barrier&);
  virtual void visit_MatrixOp(const MatrixOp& op);
};

namespace detail {
// The node of handle `h` (an Expr or a Stmt) as an N, or null (also when N is of the other
// kind: an expression node asked of a statement).
template <typename N, typename Handle>
const N* node_as(const Handle& h) {
  if constexpr (std::is_same_v<std::remove_cv_t<decltype(N::kKind)>, decltype(h.kind())>)
    return h.template as<N>();
  else
    return nullptr;
}
}  // namespace detail

// Whether `root` (an Expr or a Stmt) holds a node for which `pred(handle)` holds; stops at the
// first one.
template <typename Root, typename Pred>
bool contains_node(const Root& root, Pred pred) {
  struct V : IRVisitor {
    Pred* pred;
    bool found = false;
    void visit(const Expr& e) override {
      if (found || !e.defined()) return;
      if (!(found = (*pred)(e))) IRVisitor::visit(e);
    }
    void visit(const Stmt& s) override {
      if (found || !s.defined()) return;
      if (!(found = (*pred)(s))) IRVisitor::visit(s);
    }
  } v;
  v.pred = &pred;
  v.visit(root);
  return v.found;
}

// Whether `root` holds a node of one of the types `Nodes`: contains<Barrier>(body),
// contains<Load, ProducerLoad>(index).
template <typename... Nodes, typename Root>
bool contains(const Root& root) {
  return contains_node(
      root, [](const auto& h) { return ((detail::node_as<Nodes>(h) != nullptr) || ...); });
}

// Whether `root` holds a node of type N for which `pred(node)` holds:
// contains_if<ThreadIndex>(e, [](const ThreadIndex& t) { return t.axis == ThreadAxis::LocalId; }).
template <typename N, typename Root, typename Pred>
bool contains_if(const Root& root, Pred pred) {
  return contains_node(root, [&](const auto& h) {
    const N* n = detail::node_as<N>(h);
    return n && pred(*n);
  });
}

// Whether `s` holds a workgroup barrier anywhere (passes that move or version code around
// guards must not put a barrier under non-uniform control flow).
inline bool contains_barrier(const Stmt& s) { return contains<Barrier>(s); }

class IRMutator {
 public:
  virtual ~IRMutator();

  virtual Expr mutate(const Expr& e);
  virtual Stmt mutate(const Stmt& s);

 protected:
  // Each takes the handle (to return unchanged) and the node.
  virtual Expr mutate_IntImm(const Expr& e, const IntImm&);
  virtual Expr mutate_FloatImm(const Expr& e, const FloatImm&);
  virtual Expr mutate_Variable(const Expr& e, const Variable&);
  // Every binary node goes through mutate_binary unless its own mutate_<Node> is overridden.
  virtual Expr mutate_binary(const Expr& e, const BinaryExpr& op);
#define WEBTX_X(n) virtual Expr mutate_##n(const Expr& e, const n& op);
  WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
  virtual Expr mutate_Not(const Expr& e, const Not& op);
  virtual Expr mutate_Select(const Expr& e, const Select& op);
  virtual Expr mutate_Cast(const Expr& e, const Cast& op);
  virtual Expr mutate_Call(const Expr& e, const Call& op);
  virtual Expr mutate_Load(const Expr& e, const Load& op);
  virtual Expr mutate_ProducerLoad(const Expr& e, const ProducerLoad& op);
  virtual Expr mutate_Reduce(const Expr& e, const Reduce& op);
  virtual Expr mutate_ThreadIndex(const Expr& e, const ThreadIndex&);
  virtual Expr mutate_Subgroup(const Expr& e, const Subgroup& op);
  virtual Expr mutate_VectorLane(const Expr& e, const VectorLane& op);
  virtual Expr mutate_MakeVector(const Expr& e, const MakeVector& op);

  virtual Stmt mutate_LetStmt(const Stmt& s, const LetStmt& op);
  virtual Stmt mutate_For(const Stmt& s, const For& op);
  virtual Stmt mutate_Store(const Stmt& s, const Store& op);
  virtual Stmt mutate_ProducerStore(const Stmt& s, const ProducerStore& op);
  virtual Stmt mutate_IfThenElse(const Stmt& s, const IfThenElse& op);
  virtual Stmt mutate_Seq(const Stmt& s, const Seq& op);
  virtual Stmt mutate_Allocate(const Stmt& s, const Allocate& op);
  virtual Stmt mutate_Barrier(const Stmt& s, const Barrier&);
  virtual Stmt mutate_MatrixOp(const Stmt& s, const MatrixOp& op);

  std::pair<std::vector<Expr>, bool> mutate_all(const std::vector<Expr>& v);
};

}  // namespace webtx::ir
