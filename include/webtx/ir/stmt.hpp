#pragma once
// Statement nodes of the loop IR.
#include <memory>
#include <utility>
#include <vector>

#include "webtx/ir/expr.hpp"

namespace webtx::ir {

enum class StmtKind : uint8_t {
#define WEBTX_X(n) n,
  WEBTX_FOR_EACH_STMT(WEBTX_X)
#undef WEBTX_X
};

// (The nodes' make() functions are compiled once, in webtx::compiler: src/ir/stmt.cpp.)
struct StmtNode {
  explicit StmtNode(StmtKind k) : kind(k) {}
  virtual ~StmtNode() = default;
  const StmtKind kind;
};

class Stmt {
 public:
  Stmt() = default;
  Stmt(std::shared_ptr<const StmtNode> n) : node_(std::move(n)) {}
  bool defined() const { return node_ != nullptr; }
  const StmtNode* get() const { return node_.get(); }
  const StmtNode* operator->() const { return node_.get(); }
  StmtKind kind() const { return node_->kind; }
  bool same_as(const Stmt& o) const { return node_ == o.node_; }
  template <typename T>
  const T* as() const {
    return node_ && node_->kind == T::kKind ? static_cast<const T*>(node_.get()) : nullptr;
  }

 private:
  std::shared_ptr<const StmtNode> node_;
};

template <StmtKind K>
struct StmtNodeBase : StmtNode {
  static constexpr StmtKind kKind = K;
  StmtNodeBase() : StmtNode(K) {}
};

// let var = value in body (var is a Variable; value evaluated once).
struct LetStmt : StmtNodeBase<StmtKind::LetStmt> {
  Expr var, value;
  Stmt body;
  static Stmt make(Expr var, Expr value, Stmt body);
};

// for (var = min; var < min + extent; ++var) body.
//  Serial: a plain loop. Unrolled: backends emit the body once per iteration (extent must be
//  a constant). Vectorized: iterations are independent and the extent a constant; a backend
//  may use vector instructions or unroll. Loops bound to hardware axes never reach the IR as
//  For: lowering turns them into LetStmt of ThreadIndex.
enum class ForKind : uint8_t { Serial, Unrolled, Vectorized };
inline const char* for_kind_name(ForKind k) {
  return k == ForKind::Serial ? "for" : k == ForKind::Unrolled ? "unrolled" : "vectorized";
}
struct For : StmtNodeBase<StmtKind::For> {
  Expr var, min, extent;
  ForKind for_kind = ForKind::Serial;
  Stmt body;
  static Stmt make(Expr var, Expr min, Expr extent, ForKind k, Stmt body);
};

// buffer[index] = value (flattened). With `lanes` > 1 a vector store: `value` is a Load of the
// same lanes (a vector copy) or a MakeVector of that many elements, and elements index * lanes
// .. index * lanes + lanes - 1 are written (index counts vectors).
struct Store : StmtNodeBase<StmtKind::Store> {
  Buffer buffer;
  Expr value, index;
  int lanes = 1;
  static Stmt make(Buffer b, Expr value, Expr index, int lanes = 1);
};

// producer(indices) = value. Exists only until storage flattening.
struct ProducerStore : StmtNodeBase<StmtKind::ProducerStore> {
  Operation producer;
  Expr value;
  std::vector<Expr> indices;
  static Stmt make(Operation p, Expr value, std::vector<Expr> indices);
};

struct IfThenElse : StmtNodeBase<StmtKind::IfThenElse> {
  Expr cond;
  Stmt then_case, else_case;  // else_case may be undefined
  static Stmt make(Expr cond, Stmt t, Stmt e = Stmt()) {
    internal_assert(cond.defined() && cond.type().is_bool() && t.defined()) << "bad IfThenElse";
    auto n = std::make_shared<IfThenElse>();
    n->cond = std::move(cond), n->then_case = std::move(t), n->else_case = std::move(e);
    return Stmt(n);
  }
};

// Statements in order.
struct Seq : StmtNodeBase<StmtKind::Seq> {
  std::vector<Stmt> stmts;
  static Stmt make(std::vector<Stmt> s);
};

// Declares a Workgroup or Private buffer (constant shape) live within body.
struct Allocate : StmtNodeBase<StmtKind::Allocate> {
  Buffer buffer;
  Stmt body;
  static Stmt make(Buffer b, Stmt body);
};

// workgroupBarrier(): every invocation of the workgroup must reach it (uniform control flow);
// orders workgroup-memory accesses before it with those after it.
struct Barrier : StmtNodeBase<StmtKind::Barrier> {
  static Stmt make();
};

// A subgroup-matrix (tensor-core) operation, executed together by all invocations of one
// subgroup in uniform control flow (WGSL subgroupMatrixLoad/Store/MultiplyAccumulate, SPIR-V
// OpCooperativeMatrix*KHR). Fragments are buffers made by make_fragment (expr.hpp).
//  Load:  frag[r][c] = mem[base + r * stride + c]   (col_major: mem[base + c * stride + r])
//  Store: mem[base + r * stride + c] = frag[r][c]   (col_major likewise)
//  MultiplyAccumulate: frag = left x right + frag   (frag the Result, exact products summed in
//         the result type)
// base = slice * L + offset, where a `slice` (optional) selects row `slice` of a 2-D Workgroup
// buffer of shape {slices, L}: backends then pass that row with a constant offset and stride,
// which lets WebGPU's robustness pass prove the access in bounds. offset and stride are i32 in
// elements of mem's type (backends that declare mem as vectors divide by the lanes).
enum class MatrixOpKind : uint8_t { Load, Store, MultiplyAccumulate };
struct MatrixOp : StmtNodeBase<StmtKind::MatrixOp> {
  MatrixOpKind op = MatrixOpKind::Load;
  Buffer frag;         // Load: destination; Store: source; MultiplyAccumulate: accumulator
  Buffer left, right;  // MultiplyAccumulate only
  Buffer mem;          // Load/Store: a Global or Workgroup buffer
  Expr slice, offset, stride;
  bool col_major = false;
  static Stmt load(Buffer frag, Buffer mem, Expr slice, Expr offset, Expr stride,
                   bool col_major = false);
  static Stmt store(Buffer frag, Buffer mem, Expr slice, Expr offset, Expr stride,
                    bool col_major = false);
  static Stmt multiply_accumulate(Buffer acc, Buffer left, Buffer right);
};

}  // namespace webtx::ir
