#pragma once
// Operations: the graph the DSL builds and lowering consumes. A placeholder is an input
// tensor; a compute op defines each output element by an expression over its axes (and
// reads other operations through ProducerLoad). Untyped here; the DSL adds static types.
#include <memory>
#include <string>
#include <vector>

#include "webtx/ir/expr.hpp"

namespace webtx::ir {

enum class OpKind : uint8_t { Placeholder, Compute };

struct OperationNode {
  OpKind kind;
  std::string name;
  DType type;
  std::vector<Expr> shape;  // one extent per dimension: constants or symbolic Vars
  // Compute only: one DataPar axis per dimension (axis[i] ranges over [0, shape[i])), and the
  // element's value (may be a Reduce at the top).
  std::vector<IterVar> axis;
  Expr body;

  int ndim() const { return static_cast<int>(shape.size()); }
  bool is_placeholder() const { return kind == OpKind::Placeholder; }
  const Reduce* reduce() const { return body.as<Reduce>(); }
};

inline Operation make_placeholder(std::string name, DType t, std::vector<Expr> shape) {
  auto n = std::make_shared<OperationNode>();
  n->kind = OpKind::Placeholder, n->name = std::move(name), n->type = t;
  n->shape = std::move(shape);
  return n;
}

inline Operation make_compute(std::string name, std::vector<IterVar> axis, Expr body) {
  internal_assert(body.defined()) << "compute " << name << " without a body";
  auto n = std::make_shared<OperationNode>();
  n->kind = OpKind::Compute, n->name = std::move(name), n->type = body.type();
  for (auto& a : axis) n->shape.push_back(a->extent);
  n->axis = std::move(axis), n->body = std::move(body);
  return n;
}

inline Expr ProducerLoad::make(Operation p, std::vector<Expr> indices) {
  internal_assert(p) << "ProducerLoad of null operation";
  internal_assert(static_cast<int>(indices.size()) == p->ndim())
      << "tensor " << p->name << " has rank " << p->ndim() << ", indexed with " << indices.size();
  DType t = p->type;
  return Expr(std::make_shared<ProducerLoad>(t, std::move(p), std::move(indices)));
}

inline Expr reduce_identity(ReduceOp op, DType t) {
  if (op == ReduceOp::Sum) {
    return t.is_float() ? FloatImm::make(t, 0.0) : IntImm::make(t, 0);
  }
  const bool is_max = op == ReduceOp::Max;
  if (t.is_float()) {
    // Largest finite magnitude rather than infinity: WGSL has no infinity literal.
    double big = t.bits == 16 ? 65504.0 : 3.4028234663852886e38;
    return FloatImm::make(t, is_max ? -big : big);
  }
  if (t.is_uint()) return IntImm::make(t, is_max ? 0 : 0xffffffffLL);
  return IntImm::make(t, is_max ? -2147483648LL : 2147483647LL);
}

}  // namespace webtx::ir
