#pragma once
// Barrier insertion around workgroup-memory phases. In each statement sequence outside any
// branch, a barrier goes before a statement that touches a workgroup buffer an earlier one
// (since the last barrier) wrote, or writes one an earlier one read; inside a loop, a leading
// barrier also keeps the next iteration's writes from racing this iteration's reads. Branches
// are per-invocation guards, so barriers are never placed inside one: a sequence that would
// need one there is an error.
#include <set>

#include "webtx/lower/context.hpp"

namespace webtx::lowering {

namespace detail {

struct WgAccess {
  std::set<const ir::BufferNode*> reads, writes;
};
inline WgAccess wg_access(const ir::Stmt& s) {
  struct V : ir::IRVisitor {
    WgAccess acc;
    void visit_Load(const ir::Load& op) override {
      if (op.buffer->scope == ir::MemScope::Workgroup) acc.reads.insert(op.buffer.get());
      ir::IRVisitor::visit_Load(op);
    }
    void visit_Store(const ir::Store& op) override {
      if (op.buffer->scope == ir::MemScope::Workgroup) acc.writes.insert(op.buffer.get());
      ir::IRVisitor::visit_Store(op);
    }
  } v;
  v.visit(s);
  return v.acc;
}
inline bool meets(const std::set<const ir::BufferNode*>& a,
                  const std::set<const ir::BufferNode*>& b) {
  for (auto* x : a)
    if (b.count(x)) return true;
  return false;
}

class InsertBarriers : public ir::IRMutator {
 public:
  using ir::IRMutator::mutate;

 protected:
  ir::Stmt mutate_For(const ir::Stmt& s, const ir::For& op) override {
    ++loops_;
    ir::Stmt r = ir::IRMutator::mutate_For(s, op);
    --loops_;
    return r;
  }
  ir::Stmt mutate_IfThenElse(const ir::Stmt& s, const ir::IfThenElse& op) override {
    ++branches_;
    ir::Stmt r = ir::IRMutator::mutate_IfThenElse(s, op);
    --branches_;
    return r;
  }
  ir::Stmt mutate_Seq(const ir::Stmt& s, const ir::Seq& op) override {
    ir::Stmt m = ir::IRMutator::mutate_Seq(s, op);
    auto* seq = m.as<ir::Seq>();
    if (!seq) return m;
    std::vector<WgAccess> acc;
    for (auto& c : seq->stmts) acc.push_back(wg_access(c));
    std::vector<ir::Stmt> out;
    WgAccess since;  // accesses since the last barrier
    bool any_dep = false;
    for (size_t j = 0; j < seq->stmts.size(); ++j) {
      auto& a = acc[j];
      bool dep = meets(since.writes, a.reads) || meets(since.writes, a.writes) ||
                 meets(since.reads, a.writes);
      if (dep) {
        internal_assert(branches_ == 0) << "a workgroup-memory barrier would be divergent";
        out.push_back(ir::Barrier::make());
        since = WgAccess{};
        any_dep = true;
      }
      since.reads.insert(a.reads.begin(), a.reads.end());
      since.writes.insert(a.writes.begin(), a.writes.end());
      out.push_back(seq->stmts[j]);
    }
    if (any_dep && loops_ > 0) out.insert(out.begin(), ir::Barrier::make());
    return any_dep ? ir::Seq::make(out) : m;
  }

 private:
  int loops_ = 0, branches_ = 0;
};
}  // namespace detail

inline ir::Stmt insert_barriers(const ir::Stmt& body) {
  return detail::InsertBarriers().mutate(body);
}

}  // namespace webtx::lowering
