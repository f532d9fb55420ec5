#pragma once
// Checks a lowered kernel body against the contract in kernel.hpp before any backend sees it:
// no ProducerLoad/ProducerStore/Reduce and no erf left, every variable defined (loop, let or
// scalar), integer indices, vector values only where kernel.hpp allows them (a vector load
// as a vector store's value or a let's, VectorLane of such a let, MakeVector as a vector
// store's value), Allocate of constant size and non-global scope, barriers only in
// uniform control flow (outside branches and loops whose condition or bounds differ between the
// invocations of a workgroup: those may read only constants, symbols, workgroup ids and the
// indices of such loops), thread indices in range of the launch. Failures
// are internal errors: lowering produced something it must not.
#include <unordered_set>

#include "webtx/ir.hpp"
#include "webtx/lower/arith.hpp"

namespace webtx::lowering {

inline void verify_kernel(const ir::Kernel& k) {
  struct V : ir::IRVisitor {
    std::unordered_set<const ir::ExprNode*> defined, uniform;
    std::unordered_set<const ir::ExprNode*> vectors;  // variables bound to vector loads
    int branches = 0;  // enclosing branches and loops that may diverge within a workgroup
    // Whether `e` has one value for every invocation of a workgroup.
    bool is_uniform(const ir::Expr& e) const {
      struct U : ir::IRVisitor {
        const std::unordered_set<const ir::ExprNode*>* uniform;
        bool ok = true;
        using ir::IRVisitor::visit;
        void visit(const ir::Expr& x) override {
          if (x.defined() && x.kind() == ir::ExprKind::Variable && !uniform->count(x.get()))
            ok = false;
          ir::IRVisitor::visit(x);
        }
        void visit_ThreadIndex(const ir::ThreadIndex& t) override {
          ok = ok && t.axis == ir::ThreadAxis::WorkgroupId;
        }
        void visit_Load(const ir::Load&) override { ok = false; }
      } u;
      u.uniform = &uniform;
      u.visit(e);
      return u.ok;
    }
    std::string name;
    using ir::IRVisitor::visit;
    void visit_Variable(const ir::Variable& op) override {
      internal_assert(defined.count(&op))
          << "kernel " << name << ": variable '" << op.name << "' is used but never defined";
    }
    void visit_ProducerLoad(const ir::ProducerLoad& op) override {
      internal_error << "kernel " << name << ": ProducerLoad of " << op.producer->name << " left";
    }
    void visit_Reduce(const ir::Reduce&) override {
      internal_error << "kernel " << name << ": Reduce left";
    }
    void visit_ProducerStore(const ir::ProducerStore& op) override {
      internal_error << "kernel " << name << ": ProducerStore of " << op.producer->name << " left";
    }
    void visit_Call(const ir::Call& op) override {
      internal_assert(op.func != ir::Intrinsic::Erf) << "kernel " << name << ": erf not legalized";
      ir::IRVisitor::visit_Call(op);
    }
    void visit_Load(const ir::Load& op) override {
      internal_assert(op.index.type() == ir::DType::i32())
          << "kernel " << name << ": non-i32 index";
      internal_assert(op.lanes == 1) << "kernel " << name << ": a vector load of "
                                     << op.buffer->name << " outside a vector copy";
      ir::IRVisitor::visit_Load(op);
    }
    void visit_Store(const ir::Store& op) override {
      internal_assert(op.index.type() == ir::DType::i32())
          << "kernel " << name << ": non-i32 index";
      if (op.lanes > 1) {
        auto* ld = op.value.as<ir::Load>();
        auto* mv = op.value.as<ir::MakeVector>();
        internal_assert((ld && ld->lanes == op.lanes) ||
                        (mv && static_cast<int>(mv->elements.size()) == op.lanes))
            << "kernel " << name << ": a vector store to " << op.buffer->name
            << " whose value is neither a vector load nor a vector of the same lanes";
        visit(op.index);
        if (ld) visit(ld->index);
        if (mv)
          for (auto& e : mv->elements) visit(e);
        return;
      }
      ir::IRVisitor::visit_Store(op);
    }
    void visit_MakeVector(const ir::MakeVector&) override {
      internal_error << "kernel " << name << ": a vector built outside a vector store";
    }
    void visit_VectorLane(const ir::VectorLane& op) override {
      internal_assert(vectors.count(op.vector.get()))
          << "kernel " << name << ": a vector lane of " << ir::to_string(op.vector)
          << ", which is not a vector load's variable";
    }
    void visit_LetStmt(const ir::LetStmt& op) override {
      if (auto* ld = op.value.as<ir::Load>(); ld && ld->lanes > 1) {
        visit(ld->index);
        defined.insert(op.var.get()), vectors.insert(op.var.get());
        visit(op.body);
        return;
      }
      visit(op.value);
      defined.insert(op.var.get());
      if (is_uniform(op.value)) uniform.insert(op.var.get());
      visit(op.body);
    }
    void visit_For(const ir::For& op) override {
      visit(op.min), visit(op.extent);
      defined.insert(op.var.get());
      const int diverges = is_uniform(op.min) && is_uniform(op.extent) ? 0 : 1;
      if (!diverges) uniform.insert(op.var.get());
      branches += diverges;
      visit(op.body);
      branches -= diverges;
    }
    void visit_IfThenElse(const ir::IfThenElse& op) override {
      visit(op.cond);
      const int diverges = is_uniform(op.cond) ? 0 : 1;
      branches += diverges;
      visit(op.then_case), visit(op.else_case);
      branches -= diverges;
    }
    void visit_Allocate(const ir::Allocate& op) override {
      for (auto& e : op.buffer->shape)
        internal_assert(as_const(e)) << "kernel " << name << ": Allocate of non-constant size";
      visit(op.body);
    }
    void visit_Barrier(const ir::Barrier&) override {
      internal_assert(branches == 0) << "kernel " << name << ": barrier inside a branch";
    }
  } v;
  v.name = k.name;
  for (auto& s : k.scalars) v.defined.insert(s.get()), v.uniform.insert(s.get());
  for (auto& g : k.grid) v.visit(g);
  v.visit(k.body);
  (void)ir::buffer_lanes(k.body);  // one vector width per buffer
}

}  // namespace webtx::lowering
