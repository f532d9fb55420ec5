#pragma once
// Kernel extraction: a root stage's finished body becomes an ir::Kernel: the global buffers it
// touches (in program tensor order, with read/written flags), the symbols it uses (in program
// symbol order; these become its uniform block), the launch shape, workgroup bytes and f16 use.
#include <unordered_map>
#include <unordered_set>

#include "webtx/lower/bind_threads.hpp"

namespace webtx::lowering {

// Variables used but not bound by a For or LetStmt, in first-use order.
inline std::vector<ir::Expr> free_vars(const ir::Stmt& s, const std::vector<ir::Expr>& extra = {}) {
  struct V : ir::IRVisitor {
    std::unordered_set<const ir::ExprNode*> bound, seen;
    std::vector<ir::Expr> out;
    std::unordered_map<const ir::ExprNode*, ir::Expr> handles;
    using ir::IRVisitor::visit;
    void visit_Variable(const ir::Variable& op) override {
      if (!bound.count(&op) && seen.insert(&op).second) out.push_back(handles.at(&op));
    }
    void visit_LetStmt(const ir::LetStmt& op) override {
      visit(op.value), bound.insert(op.var.get()), visit(op.body);
    }
    void visit_For(const ir::For& op) override {
      visit(op.min), visit(op.extent), bound.insert(op.var.get()), visit(op.body);
    }
  } v;
  // Vars are compared by node; keep handles to return them.
  struct H : ir::IRVisitor {
    std::unordered_map<const ir::ExprNode*, ir::Expr>* h;
    void visit(const ir::Expr& e) override {
      if (e.defined() && e.as<ir::Variable>()) (*h)[e.get()] = e;
      ir::IRVisitor::visit(e);
    }
    using ir::IRVisitor::visit;
    void visit_LetStmt(const ir::LetStmt& op) override {
      visit(op.var), ir::IRVisitor::visit_LetStmt(op);
    }
    void visit_For(const ir::For& op) override { visit(op.var), ir::IRVisitor::visit_For(op); }
  } h;
  h.h = &v.handles;
  h.visit(s);
  for (auto& e : extra) h.visit(e);
  v.visit(s);
  for (auto& e : extra) v.visit(e);
  return v.out;
}

inline ir::Kernel make_kernel(std::string name, ir::Stmt body, const LaunchConfig& lc,
                              const std::vector<ir::ProgramTensor>& tensors,
                              const std::vector<ir::Expr>& symbols) {
  struct V : ir::IRVisitor {
    std::unordered_set<const ir::BufferNode*> reads, writes, shared;
    int64_t wg_bytes = 0;
    bool f16 = false, subgroups = false, matrix = false;
    using ir::IRVisitor::visit;
    void visit(const ir::Expr& e) override {
      if (e.defined() && e.type() == ir::DType::f16()) f16 = true;
      ir::IRVisitor::visit(e);
    }
    void visit_Subgroup(const ir::Subgroup& op) override {
      subgroups = true;
      ir::IRVisitor::visit_Subgroup(op);
    }
    void visit_Load(const ir::Load& op) override {
      reads.insert(op.buffer.get());
      f16 |= op.buffer->type == ir::DType::f16();
      ir::IRVisitor::visit_Load(op);
    }
    void visit_Store(const ir::Store& op) override {
      writes.insert(op.buffer.get());
      f16 |= op.buffer->type == ir::DType::f16();
      ir::IRVisitor::visit_Store(op);
    }
    void visit_MatrixOp(const ir::MatrixOp& op) override {
      if (op.op == ir::MatrixOpKind::Load) reads.insert(op.mem.get());
      if (op.op == ir::MatrixOpKind::Store) writes.insert(op.mem.get());
      matrix = true;
      ir::IRVisitor::visit_MatrixOp(op);
    }
    void visit_Allocate(const ir::Allocate& op) override {
      f16 |= op.buffer->type == ir::DType::f16();
      // One workgroup variable per buffer, however often its Allocate appears (unrolled or
      // partitioned code repeats it; the backends declare it once).
      if (op.buffer->scope == ir::MemScope::Workgroup && shared.insert(op.buffer.get()).second) {
        int64_t n = op.buffer->type.bytes();
        for (auto& e : op.buffer->shape) n *= *as_const(e);
        wg_bytes += n;
      }
      ir::IRVisitor::visit_Allocate(op);
    }
  } v;
  v.visit(body);
  ir::Kernel k;
  k.name = std::move(name);
  for (auto& t : tensors) {
    bool r = v.reads.count(t.buffer.get()), w = v.writes.count(t.buffer.get());
    if (r || w) k.buffers.push_back({t.buffer, r, w});
  }
  std::vector<ir::Expr> extra(lc.grid.begin(), lc.grid.end());
  std::unordered_set<const ir::ExprNode*> used;
  for (auto& f : free_vars(body, extra)) used.insert(f.get());
  for (auto& s : symbols)
    if (used.count(s.get())) k.scalars.push_back(s);
  for (auto& f : free_vars(body, extra)) {
    internal_assert(
        std::any_of(symbols.begin(), symbols.end(), [&](auto& s) { return s.same_as(f); }))
        << "kernel " << k.name << ": free variable '" << f.as<ir::Variable>()->name
        << "' is not a symbol";
  }
  k.workgroup_size = lc.workgroup_size;
  k.grid = lc.grid;
  k.body = std::move(body);
  k.workgroup_bytes = v.wg_bytes;
  k.uses_f16 = v.f16;
  k.uses_subgroups = v.subgroups;
  // MatrixOps come only from tensorize, whose kernels assume 32-invocation subgroups.
  k.subgroup_matrix_size = v.matrix ? 32 : 0;
  return k;
}

}  // namespace webtx::lowering
