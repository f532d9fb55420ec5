// The DSL's non-template parts (webtx/dsl/var.hpp, webtx/dsl/tensor.hpp): Var and RVar and
// the run-time checks of TypedExpr and Tensor, compiled once here rather than instantiated in
// every generator.
#include <string>
#include <utility>
#include <vector>

#include "webtx/dsl.hpp"

namespace webtx {
namespace dsl {

void check_typed_expr(const ir::Expr& e, ir::DType t) {
  user_assert(e.defined()) << "TypedExpr<" << t.str() << "> from an undefined ir::Expr";
  user_assert(e.type() == t) << "expected an expression of type " << t.str() << ", got "
                             << e.type().str();
}

void check_defined_expr(const ir::Expr& e) {
  user_assert(e.defined()) << "use of an undefined expression";
}

void check_extents(const char* what, const std::string& name, const std::vector<ir::Expr>& shape) {
  user_assert(!name.empty()) << what << " needs a name";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (auto* c = shape[i].as<ir::IntImm>()) {
      user_assert(c->value > 0) << what << " '" << name << "': axis " << i << " has extent "
                                << c->value << "; extents must be positive";
    }
  }
}

void check_tensor_op(const ir::Operation& op, ir::DType t, std::size_t rank) {
  user_assert(op != nullptr) << "Tensor from a null operation";
  user_assert(op->type == t) << "tensor '" << op->name << "' has type " << op->type.str()
                             << ", not " << t.str();
  user_assert(op->ndim() == static_cast<int>(rank))
      << "tensor '" << op->name << "' has rank " << op->ndim() << ", not " << rank;
}

}  // namespace dsl

Var::Var(std::string name) : expr_(ir::Variable::make(ir::DType::i32(), std::move(name))) {}

RVar::RVar(Extent extent, std::string name)
    : iv_(ir::make_iter_var(ir::Variable::make(ir::DType::i32(), name),
                            ir::IntImm::make(ir::DType::i32(), 0), extent.to_ir(),
                            ir::IterKind::Reduce)) {
  if (auto* c = iv_->extent.as<ir::IntImm>()) {
    user_assert(c->value > 0) << "reduction axis '" << name << "' has extent " << c->value
                              << "; extents must be positive";
  }
}

void check_same_extent(const Extent& a, const Extent& b, const std::string& what) {
  const auto* ca = a.to_ir().as<ir::IntImm>();
  const auto* cb = b.to_ir().as<ir::IntImm>();
  user_assert(!(ca && cb && ca->value != cb->value))
      << what << ": extents " << ca->value << " and " << cb->value << " differ";
}

}  // namespace webtx
