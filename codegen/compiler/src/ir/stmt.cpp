// The statement nodes' make() functions (declared in webtx/ir/stmt.hpp), compiled once here.
#include "webtx/ir/stmt.hpp"

#include <memory>
#include <utility>
#include <vector>

#include "webtx/error.hpp"

namespace webtx::ir {

Stmt LetStmt::make(Expr var, Expr value, Stmt body) {
  internal_assert(var.as<Variable>() && value.defined() && body.defined()) << "bad LetStmt";
  internal_assert(var.type() == value.type()) << "LetStmt type mismatch";
  auto n = std::make_shared<LetStmt>();
  n->var = std::move(var), n->value = std::move(value), n->body = std::move(body);
  return Stmt(n);
}

Stmt For::make(Expr var, Expr min, Expr extent, ForKind k, Stmt body) {
  internal_assert(var.as<Variable>() && min.defined() && extent.defined() && body.defined())
      << "bad For";
  auto n = std::make_shared<For>();
  n->var = std::move(var), n->min = std::move(min), n->extent = std::move(extent);
  n->for_kind = k, n->body = std::move(body);
  return Stmt(n);
}

Stmt Store::make(Buffer b, Expr value, Expr index, int lanes) {
  internal_assert(b && value.defined() && index.defined()) << "bad Store";
  internal_assert(value.type() == b->type)
      << "Store of " << value.type().str() << " into " << b->type.str() << " buffer " << b->name;
  auto n = std::make_shared<Store>();
  n->buffer = std::move(b), n->value = std::move(value), n->index = std::move(index);
  n->lanes = lanes;
  return Stmt(n);
}

Stmt ProducerStore::make(Operation p, Expr value, std::vector<Expr> indices) {
  auto n = std::make_shared<ProducerStore>();
  n->producer = std::move(p), n->value = std::move(value), n->indices = std::move(indices);
  return Stmt(n);
}

Stmt Seq::make(std::vector<Stmt> s) {
  std::vector<Stmt> flat;
  for (auto& x : s) {
    if (!x.defined()) continue;
    if (auto q = x.as<Seq>()) {
      flat.insert(flat.end(), q->stmts.begin(), q->stmts.end());
    } else {
      flat.push_back(std::move(x));
    }
  }
  if (flat.size() == 1) return flat[0];
  auto n = std::make_shared<Seq>();
  n->stmts = std::move(flat);
  return Stmt(n);
}

Stmt Allocate::make(Buffer b, Stmt body) {
  internal_assert(b && b->scope != MemScope::Global && body.defined()) << "bad Allocate";
  auto n = std::make_shared<Allocate>();
  n->buffer = std::move(b), n->body = std::move(body);
  return Stmt(n);
}

Stmt Barrier::make() { return Stmt(std::make_shared<Barrier>()); }

namespace {
Stmt matrix_mem(MatrixOpKind k, Buffer frag, Buffer mem, Expr slice, Expr offset, Expr stride,
                bool col_major) {
  internal_assert(frag && frag->matrix != MatrixRole::None && mem &&
                  mem->matrix == MatrixRole::None && mem->scope != MemScope::Private &&
                  offset.defined() && stride.defined())
      << "bad subgroup-matrix load/store";
  internal_assert(k != MatrixOpKind::Store || frag->matrix == MatrixRole::Result)
      << "only result fragments are stored (" << frag->name << ")";
  internal_assert(!slice.defined() || (mem->scope == MemScope::Workgroup && mem->shape.size() == 2))
      << "a sliced subgroup-matrix access needs a 2-D workgroup buffer (" << mem->name << ")";
  auto n = std::make_shared<MatrixOp>();
  n->op = k, n->frag = std::move(frag), n->mem = std::move(mem), n->slice = std::move(slice);
  n->offset = std::move(offset), n->stride = std::move(stride), n->col_major = col_major;
  return Stmt(n);
}
}  // namespace

Stmt MatrixOp::load(Buffer frag, Buffer mem, Expr slice, Expr offset, Expr stride, bool cm) {
  return matrix_mem(MatrixOpKind::Load, std::move(frag), std::move(mem), std::move(slice),
                    std::move(offset), std::move(stride), cm);
}

Stmt MatrixOp::store(Buffer frag, Buffer mem, Expr slice, Expr offset, Expr stride, bool cm) {
  return matrix_mem(MatrixOpKind::Store, std::move(frag), std::move(mem), std::move(slice),
                    std::move(offset), std::move(stride), cm);
}

Stmt MatrixOp::multiply_accumulate(Buffer acc, Buffer left, Buffer right) {
  internal_assert(acc && left && right && acc->matrix == MatrixRole::Result &&
                  left->matrix == MatrixRole::Left && right->matrix == MatrixRole::Right &&
                  left->type == right->type)
      << "bad subgroup-matrix multiply-accumulate";
  auto n = std::make_shared<MatrixOp>();
  n->op = MatrixOpKind::MultiplyAccumulate, n->frag = std::move(acc);
  n->left = std::move(left), n->right = std::move(right);
  return Stmt(n);
}

}  // namespace webtx::ir
