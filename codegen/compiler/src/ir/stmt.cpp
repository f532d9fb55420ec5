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

}  // namespace webtx::ir
