// Operations and the nodes that refer to them (declared in webtx/ir/operation.hpp and
// webtx/ir/expr.hpp), compiled once here.
#include "webtx/ir/operation.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "webtx/error.hpp"

namespace webtx::ir {

Operation make_placeholder(std::string name, DType t, std::vector<Expr> shape) {
  auto n = std::make_shared<OperationNode>();
  n->kind = OpKind::Placeholder, n->name = std::move(name), n->type = t;
  n->shape = std::move(shape);
  return n;
}

Operation make_compute(std::string name, std::vector<IterVar> axis, Expr body) {
  internal_assert(body.defined()) << "compute " << name << " without a body";
  auto n = std::make_shared<OperationNode>();
  n->kind = OpKind::Compute, n->name = std::move(name), n->type = body.type();
  for (auto& a : axis) n->shape.push_back(a->extent);
  n->axis = std::move(axis), n->body = std::move(body);
  return n;
}

Expr ProducerLoad::make(Operation p, std::vector<Expr> indices) {
  internal_assert(p) << "ProducerLoad of null operation";
  internal_assert(static_cast<int>(indices.size()) == p->ndim())
      << "tensor " << p->name << " has rank " << p->ndim() << ", indexed with " << indices.size();
  DType t = p->type;
  return Expr(std::make_shared<ProducerLoad>(t, std::move(p), std::move(indices)));
}

Expr reduce_identity(ReduceOp op, DType t) {
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
