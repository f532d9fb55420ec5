// The expression nodes' make() functions (declared in webtx/ir/expr.hpp): compiled once here
// rather than in every generator, each with the operand checks written above its node.
#include "webtx/ir/expr.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "webtx/error.hpp"

namespace webtx::ir {

Expr::Expr(int v) : Expr(IntImm::make(DType::i32(), v)) {}
Expr::Expr(float v) : Expr(FloatImm::make(DType::f32(), v)) {}

Expr IntImm::make(DType t, int64_t v) {
  internal_assert(t.is_integer() || t.is_bool()) << "IntImm of type " << t.str();
  // The value as the GPU holds it: every constant fold (ir::fold, the simplifier, linear
  // forms) computes in int64 and lands here, so i32/u32 arithmetic wraps exactly as on the
  // GPU (two's complement, 32 bits) wherever a constant is made.
  if (t.is_bool()) {
    v = v != 0;
  } else if (t.is_uint()) {
    v = static_cast<uint32_t>(static_cast<uint64_t>(v));
  } else {
    v = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
  }
  return Expr(std::make_shared<IntImm>(t, v));
}

Expr FloatImm::make(DType t, double v) {
  internal_assert(t.is_float()) << "FloatImm of type " << t.str();
  return Expr(std::make_shared<FloatImm>(t, v));
}

Expr Variable::make(DType t, std::string n) {
  return Expr(std::make_shared<Variable>(t, std::move(n)));
}

#define WEBTX_BINARY_MAKE(N)                                                           \
  Expr N::make(Expr a, Expr b) {                                                       \
    internal_assert(a.defined() && b.defined()) << #N " of undefined operand";         \
    internal_assert(a.type() == b.type())                                              \
        << #N " operand types differ: " << a.type().str() << " vs " << b.type().str(); \
    DType t = is_comparison(kKind) ? DType::boolean() : a.type();                      \
    return Expr(std::make_shared<N>(t, std::move(a), std::move(b)));                   \
  }
WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_BINARY_MAKE)
#undef WEBTX_BINARY_MAKE

Expr make_binary(ExprKind k, Expr a, Expr b) {
  switch (k) {
#define WEBTX_X(n)  \
  case ExprKind::n: \
    return n::make(std::move(a), std::move(b));
    WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
    default:
      break;
  }
  internal_error << "make_binary of a non-binary kind " << static_cast<int>(k);
}

Expr Not::make(Expr a) {
  internal_assert(a.type().is_bool()) << "Not of " << a.type().str();
  return Expr(std::make_shared<Not>(std::move(a)));
}

Expr Select::make(Expr c, Expr t, Expr f) {
  internal_assert(c.type().is_bool()) << "Select condition of type " << c.type().str();
  internal_assert(t.type() == f.type()) << "Select branches differ in type";
  return Expr(std::make_shared<Select>(std::move(c), std::move(t), std::move(f)));
}

Expr Cast::make(DType t, Expr v) {
  internal_assert(v.defined()) << "Cast of undefined value";
  if (v.type() == t) return v;
  return Expr(std::make_shared<Cast>(t, std::move(v)));
}

Expr Call::make(Intrinsic f, std::vector<Expr> args) {
  internal_assert(static_cast<int>(args.size()) == intrinsic_arity(f))
      << intrinsic_name(f) << " takes " << intrinsic_arity(f) << " argument(s)";
  DType t = args[0].type();
  internal_assert(t.is_float() || (f == Intrinsic::Abs && t.is_integer()))
      << intrinsic_name(f) << " of " << t.str();
  return Expr(std::make_shared<Call>(t, f, std::move(args)));
}

Buffer make_buffer(std::string name, DType t, MemScope s, std::vector<Expr> shape) {
  return std::make_shared<const BufferNode>(BufferNode{std::move(name), t, s, std::move(shape)});
}

Buffer make_fragment(std::string name, DType t, MatrixRole role, int rows, int cols) {
  internal_assert(role != MatrixRole::None && rows > 0 && cols > 0) << "bad fragment " << name;
  return std::make_shared<const BufferNode>(
      BufferNode{std::move(name), t, MemScope::Private, {Expr(rows), Expr(cols)}, role});
}

Expr Load::make(Buffer b, Expr i, int lanes) {
  internal_assert(b && i.defined() && i.type().is_integer()) << "Load needs a buffer and int index";
  internal_assert(lanes == 1 || lanes == 2 || lanes == 4 || (lanes == 8 && b->type.bits == 16))
      << "Load of " << lanes << " lanes";
  return Expr(std::make_shared<Load>(std::move(b), std::move(i), lanes));
}

IterVar make_iter_var(Expr var, Expr min, Expr extent, IterKind kind) {
  internal_assert(var.as<Variable>()) << "IterVar needs a Variable";
  return std::make_shared<const IterVarNode>(
      IterVarNode{std::move(var), std::move(min), std::move(extent), kind});
}

Expr Reduce::make(ReduceOp op, Expr source, std::vector<IterVar> axes) {
  internal_assert(source.defined() && !axes.empty()) << "Reduce needs a source and axes";
  for (auto& a : axes) internal_assert(a->kind == IterKind::Reduce) << "non-reduce axis";
  return Expr(std::make_shared<Reduce>(op, std::move(source), std::move(axes)));
}

Expr Subgroup::lane() {
  return Expr(std::make_shared<Subgroup>(DType::i32(), SubgroupOp::Lane, ReduceOp::Sum, Expr()));
}
Expr Subgroup::size() {
  return Expr(std::make_shared<Subgroup>(DType::i32(), SubgroupOp::Size, ReduceOp::Sum, Expr()));
}
Expr Subgroup::id() {
  return Expr(std::make_shared<Subgroup>(DType::i32(), SubgroupOp::Id, ReduceOp::Sum, Expr()));
}
Expr Subgroup::reduce(ReduceOp op, Expr value) {
  internal_assert(value.defined() && !value.type().is_bool()) << "subgroup reduce of a bool";
  DType t = value.type();
  return Expr(std::make_shared<Subgroup>(t, SubgroupOp::Reduce, op, std::move(value)));
}

Expr VectorLane::make(Expr vector, int lane) {
  internal_assert(vector.defined() && lane >= 0 && lane < 8) << "VectorLane of lane " << lane;
  return Expr(std::make_shared<VectorLane>(std::move(vector), lane));
}

Expr MakeVector::make(std::vector<Expr> elements) {
  internal_assert(elements.size() == 2 || elements.size() == 4)
      << "MakeVector of " << elements.size() << " elements";
  const DType t = elements.front().type();
  for (auto& e : elements) internal_assert(e.type() == t) << "MakeVector elements differ in type";
  return Expr(std::make_shared<MakeVector>(t, std::move(elements)));
}

Expr ThreadIndex::make(ThreadAxis a, int d) {
  internal_assert(d >= 0 && d < 3) << "thread dim " << d;
  return Expr(std::make_shared<ThreadIndex>(a, d));
}

}  // namespace webtx::ir
