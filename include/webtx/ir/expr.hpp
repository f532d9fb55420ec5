#pragma once
// Expression nodes of the loop IR. Nodes are immutable, shared, and identified by address
// (a Variable is the same variable only if it is the same node). Each node's make() checks its
// operands. Semantics that backends must agree on are written above each node.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "webtx/error.hpp"
#include "webtx/ir/dtype.hpp"
#include "webtx/ir/node_kinds.hpp"

namespace webtx::ir {

enum class ExprKind : uint8_t {
#define WEBTX_X(n) n,
  WEBTX_FOR_EACH_EXPR(WEBTX_X)
#undef WEBTX_X
};

struct ExprNode {
  ExprNode(ExprKind k, DType t) : kind(k), type(t) {}
  virtual ~ExprNode() = default;
  const ExprKind kind;
  const DType type;
};

struct BinaryExpr;

// A handle to an immutable expression node (null when undefined).
class Expr {
 public:
  Expr() = default;
  Expr(std::shared_ptr<const ExprNode> n) : node_(std::move(n)) {}
  // Convenience literals: 3 is an i32 constant, 1.5f an f32 constant.
  Expr(int v);
  Expr(float v);

  bool defined() const { return node_ != nullptr; }
  const ExprNode* get() const { return node_.get(); }
  const ExprNode* operator->() const { return node_.get(); }
  DType type() const { return node_->type; }
  ExprKind kind() const { return node_->kind; }
  bool same_as(const Expr& o) const { return node_ == o.node_; }
  template <typename T>
  const T* as() const {
    return node_ && node_->kind == T::kKind ? static_cast<const T*>(node_.get()) : nullptr;
  }
  // Any binary node (Add ... Or) through its common base; null otherwise.
  const BinaryExpr* as_binary() const;
  const std::shared_ptr<const ExprNode>& ptr() const { return node_; }

 private:
  std::shared_ptr<const ExprNode> node_;
};

template <typename T, ExprKind K>
struct ExprNodeBase : ExprNode {
  static constexpr ExprKind kKind = K;
  explicit ExprNodeBase(DType t) : ExprNode(K, t) {}
};

// ---- leaves ---------------------------------------------------------------------------------

// Integer (i32/u32) or bool constant; bools hold 0 or 1.
struct IntImm : ExprNodeBase<IntImm, ExprKind::IntImm> {
  int64_t value;
  IntImm(DType t, int64_t v) : ExprNodeBase(t), value(v) {}
  static Expr make(DType t, int64_t v);
};

// f32 or f16 constant (held as double; backends print it at the node's precision).
struct FloatImm : ExprNodeBase<FloatImm, ExprKind::FloatImm> {
  double value;
  FloatImm(DType t, double v) : ExprNodeBase(t), value(v) {}
  static Expr make(DType t, double v);
};

// A scalar variable: a loop index, a let-bound value, or a symbolic extent bound at run time.
// Identity is the node's address; the name is for printing only (printers uniquify it).
struct Variable : ExprNodeBase<Variable, ExprKind::Variable> {
  std::string name;
  Variable(DType t, std::string n) : ExprNodeBase(t), name(std::move(n)) {}
  static Expr make(DType t, std::string n);
};

// ---- arithmetic, comparison, logic ------------------------------------------------------------
// Operands of binary nodes have equal types (the DSL inserts no implicit casts).
// Div and Mod on integers truncate toward zero (C, WGSL and SPIR-V OpSDiv/OpSRem agree);
// Mod on floats is x - y * trunc(x / y). Integer overflow wraps (two's complement).
// Comparisons yield bool. And/Or/Not take and yield bool.

// Every binary node derives from BinaryExpr, so code that treats them alike reads a and b
// through the real base (never by casting one node type to another).
struct BinaryExpr : ExprNode {
  Expr a, b;
  BinaryExpr(ExprKind k, DType t, Expr a_, Expr b_)
      : ExprNode(k, t), a(std::move(a_)), b(std::move(b_)) {}
};

constexpr bool is_binary(ExprKind k) {
  switch (k) {
#define WEBTX_X(n) case ExprKind::n:
    WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_X)
#undef WEBTX_X
    return true;
    default:
      return false;
  }
}
constexpr bool is_comparison(ExprKind k) {
  switch (k) {
#define WEBTX_X(n) case ExprKind::n:
    WEBTX_FOR_EACH_CMP_EXPR(WEBTX_X)
#undef WEBTX_X
    return true;
    default:
      return false;
  }
}

inline const BinaryExpr* Expr::as_binary() const {
  return node_ && is_binary(node_->kind) ? static_cast<const BinaryExpr*>(node_.get()) : nullptr;
}

template <typename T, ExprKind K>
struct BinaryNode : BinaryExpr {
  static constexpr ExprKind kKind = K;
  BinaryNode(DType t, Expr a_, Expr b_) : BinaryExpr(K, t, std::move(a_), std::move(b_)) {}
};

// (The nodes' make() functions are compiled once, in webtx::compiler: src/ir/expr.cpp.)
#define WEBTX_BINARY_NODE(N)              \
  struct N : BinaryNode<N, ExprKind::N> { \
    using BinaryNode::BinaryNode;         \
    static Expr make(Expr a, Expr b);     \
  };
WEBTX_FOR_EACH_BINARY_EXPR(WEBTX_BINARY_NODE)
#undef WEBTX_BINARY_NODE

// The C-like infix operator of a binary node ("+", "==", "&&", ...); null for Min and Max,
// which print as calls. Backends with other spellings keep their own table.
inline const char* binary_infix(ExprKind k) {
  switch (k) {
    case ExprKind::Add:
      return "+";
    case ExprKind::Sub:
      return "-";
    case ExprKind::Mul:
      return "*";
    case ExprKind::Div:
      return "/";
    case ExprKind::Mod:
      return "%";
    case ExprKind::EQ:
      return "==";
    case ExprKind::NE:
      return "!=";
    case ExprKind::LT:
      return "<";
    case ExprKind::LE:
      return "<=";
    case ExprKind::GT:
      return ">";
    case ExprKind::GE:
      return ">=";
    case ExprKind::And:
      return "&&";
    case ExprKind::Or:
      return "||";
    default:
      return nullptr;
  }
}

// The binary node of kind k (k must be binary): for passes that rebuild any binary node.
Expr make_binary(ExprKind k, Expr a, Expr b);

struct Not : ExprNodeBase<Not, ExprKind::Not> {
  Expr a;
  Not(Expr a_) : ExprNodeBase(DType::boolean()), a(std::move(a_)) {}
  static Expr make(Expr a);
};

// cond ? t : f. Both branches may be evaluated (no short-circuit): never guard a memory
// access with Select; use IfThenElse for that.
struct Select : ExprNodeBase<Select, ExprKind::Select> {
  Expr cond, t, f;
  Select(Expr c, Expr t_, Expr f_)
      : ExprNodeBase(t_.type()), cond(std::move(c)), t(std::move(t_)), f(std::move(f_)) {}
  static Expr make(Expr c, Expr t, Expr f);
};

// Value conversion (float->int truncates toward zero; bool->number gives 0/1; number->bool is
// "!= 0").
struct Cast : ExprNodeBase<Cast, ExprKind::Cast> {
  Expr value;
  Cast(DType t, Expr v) : ExprNodeBase(t), value(std::move(v)) {}
  static Expr make(DType t, Expr v);
};

// Pure math functions on floats (Abs also on ints). Erf has no GPU instruction: the
// legalize_intrinsics pass rewrites it to arithmetic before any backend sees it.
enum class Intrinsic : uint8_t {
  Exp,
  Log,
  Sqrt,
  Rsqrt,
  Tanh,
  Erf,
  Pow,
  Abs,
  Floor,
  Ceil,
  Sin,
  Cos,
  Sigmoid
};
inline const char* intrinsic_name(Intrinsic f) {
  static const char* names[] = {"exp", "log",   "sqrt", "rsqrt", "tanh", "erf",    "pow",
                                "abs", "floor", "ceil", "sin",   "cos",  "sigmoid"};
  return names[static_cast<int>(f)];
}
inline int intrinsic_arity(Intrinsic f) { return f == Intrinsic::Pow ? 2 : 1; }

struct Call : ExprNodeBase<Call, ExprKind::Call> {
  Intrinsic func;
  std::vector<Expr> args;
  Call(DType t, Intrinsic f, std::vector<Expr> a) : ExprNodeBase(t), func(f), args(std::move(a)) {}
  static Expr make(Intrinsic f, std::vector<Expr> args);
};

// ---- memory ---------------------------------------------------------------------------------

enum class MemScope : uint8_t {
  Global,     // a storage buffer bound to the kernel (a tensor)
  Workgroup,  // shared by the invocations of one workgroup (var<workgroup>)
  Private     // per invocation (function-local array / registers)
};
inline const char* scope_name(MemScope s) {
  return s == MemScope::Global ? "global" : s == MemScope::Workgroup ? "workgroup" : "private";
}

// What a buffer is when it is a subgroup matrix (a tensor-core fragment): None for memory.
// A fragment is a Private buffer of shape {rows, cols} (Left: M x K, Right: K x N, Result:
// M x N) held collectively by the invocations of one subgroup; only MatrixOp statements
// (stmt.hpp) touch it.
enum class MatrixRole : uint8_t { None, Left, Right, Result };
inline const char* matrix_role_name(MatrixRole r) {
  return r == MatrixRole::Left     ? "left"
         : r == MatrixRole::Right  ? "right"
         : r == MatrixRole::Result ? "result"
                                   : "none";
}

// A flat, typed memory region. Shape is kept for bounds/size reasoning and host checks; Load
// and Store index it as 1-D, row-major. Identity is the node's address.
struct BufferNode {
  std::string name;
  DType type;
  MemScope scope;
  std::vector<Expr> shape;
  MatrixRole matrix = MatrixRole::None;
};
using Buffer = std::shared_ptr<const BufferNode>;
Buffer make_buffer(std::string name, DType t, MemScope s, std::vector<Expr> shape);
// A subgroup-matrix fragment of `rows` x `cols` elements of type t (see MatrixRole).
Buffer make_fragment(std::string name, DType t, MatrixRole role, int rows, int cols);

// buffer[index], flattened. Reading out of bounds is undefined: lowering guards every access.
//
// Vector accesses: `lanes` > 1 (2 or 4; 8 for f16, 16 bytes) reads elements index .. index +
// lanes - 1 at once. Such a Load is the value of a Store with the same lanes (a vector copy), or
// the value of a LetStmt whose variable only VectorLane reads (elementwise code vectorized
// lane by lane: vectorize.hpp); there is no arithmetic on vectors. `index` is a multiple of
// `lanes` (lowering proves it: the vectorize pass), and its type is still the scalar element
// type. The buffer's element count is a multiple of `lanes`, so a backend may declare it as an
// array of vectors (see vector_access.hpp).
struct Load : ExprNodeBase<Load, ExprKind::Load> {
  Buffer buffer;
  Expr index;
  int lanes = 1;
  Load(Buffer b, Expr i, int l = 1)
      : ExprNodeBase(b->type), buffer(std::move(b)), index(std::move(i)), lanes(l) {}
  static Expr make(Buffer b, Expr i, int lanes = 1);
};

// ---- before lowering: tensors and reductions -------------------------------------------------

struct OperationNode;  // operation.hpp
using Operation = std::shared_ptr<const OperationNode>;

// A read of a tensor (an operation's output) at multi-dimensional indices. Exists only until
// lowering flattens it to a Load (or inlines the producer).
struct ProducerLoad : ExprNodeBase<ProducerLoad, ExprKind::ProducerLoad> {
  Operation producer;
  std::vector<Expr> indices;
  ProducerLoad(DType t, Operation p, std::vector<Expr> i)
      : ExprNodeBase(t), producer(std::move(p)), indices(std::move(i)) {}
  static Expr make(Operation p, std::vector<Expr> indices);
};

// An iteration axis: a variable with a range [min, min + extent).
enum class IterKind : uint8_t { DataPar, Reduce };
struct IterVarNode {
  Expr var;  // a Variable
  Expr min, extent;
  IterKind kind;
};
using IterVar = std::shared_ptr<const IterVarNode>;
IterVar make_iter_var(Expr var, Expr min, Expr extent, IterKind kind);

// Combine `source` over every point of `axes` with `op`, starting from op's identity.
// Appears only as the whole body of a ComputeOp.
enum class ReduceOp : uint8_t { Sum, Max, Min };
inline const char* reduce_op_name(ReduceOp op) {
  return op == ReduceOp::Sum ? "sum" : op == ReduceOp::Max ? "max" : "min";
}
struct Reduce : ExprNodeBase<Reduce, ExprKind::Reduce> {
  ReduceOp op;
  Expr source;
  std::vector<IterVar> axes;
  Reduce(ReduceOp o, Expr s, std::vector<IterVar> a)
      : ExprNodeBase(s.type()), op(o), source(std::move(s)), axes(std::move(a)) {}
  static Expr make(ReduceOp op, Expr source, std::vector<IterVar> axes);
};

// The identity element of a reduction in type t (-inf/+inf for float max/min).
Expr reduce_identity(ReduceOp op, DType t);

// ---- after lowering: hardware indices --------------------------------------------------------

// workgroup_id / local_invocation_id component `dim` (0 = x, 1 = y, 2 = z), as i32.
enum class ThreadAxis : uint8_t { WorkgroupId, LocalId };
struct ThreadIndex : ExprNodeBase<ThreadIndex, ExprKind::ThreadIndex> {
  ThreadAxis axis;
  int dim;
  ThreadIndex(ThreadAxis a, int d) : ExprNodeBase(DType::i32()), axis(a), dim(d) {}
  static Expr make(ThreadAxis a, int d);
};

// Subgroup operations (Target feature "subgroups"; WGSL `enable subgroups;`, SPIR-V
// GroupNonUniform*). Lane: subgroup_invocation_id; Size: subgroup_size (both i32, the size a
// power of two in [4, 128]); Id: subgroup_id, the subgroup's index in the workgroup (uniform
// over the subgroup, which is what subgroup-matrix operands need); Reduce: `op` over `value` of the
// subgroup's active invocations, every one getting the result. A Reduce is only ever the whole
// value of a Store, in uniform control flow (lowering's cross-invocation reductions put it there).
enum class SubgroupOp : uint8_t { Lane, Size, Reduce, Id };
struct Subgroup : ExprNodeBase<Subgroup, ExprKind::Subgroup> {
  SubgroupOp what;
  ReduceOp op;  // Reduce only
  Expr value;   // Reduce only
  Subgroup(DType t, SubgroupOp w, ReduceOp o, Expr v)
      : ExprNodeBase(t), what(w), op(o), value(std::move(v)) {}
  static Expr lane();
  static Expr size();
  static Expr id();
  static Expr reduce(ReduceOp op, Expr value);
};

// Elementwise code vectorized lane by lane (vectorize.hpp): the loads and the store of a
// 4-iteration loop become single vector accesses, the arithmetic stays scalar, one copy per
// lane. Vector values keep their element type as their type, as a vector Load does.
// VectorLane: element `lane` of `vector`, a variable bound (LetStmt) to a vector Load.
struct VectorLane : ExprNodeBase<VectorLane, ExprKind::VectorLane> {
  Expr vector;
  int lane;
  VectorLane(Expr v, int l) : ExprNodeBase(v.type()), vector(std::move(v)), lane(l) {}
  static Expr make(Expr vector, int lane);
};
// MakeVector: the vector of `elements` (scalars of one type), only ever the value of a Store
// with as many lanes.
struct MakeVector : ExprNodeBase<MakeVector, ExprKind::MakeVector> {
  std::vector<Expr> elements;
  MakeVector(DType t, std::vector<Expr> e) : ExprNodeBase(t), elements(std::move(e)) {}
  static Expr make(std::vector<Expr> elements);
};

}  // namespace webtx::ir
