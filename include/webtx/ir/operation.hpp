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

// (Compiled once, in webtx::compiler: src/ir/operation.cpp.)
Operation make_placeholder(std::string name, DType t, std::vector<Expr> shape);
Operation make_compute(std::string name, std::vector<IterVar> axis, Expr body);

}  // namespace webtx::ir
