// Definitions for webtx/lower/hoist_guards.hpp.
#include "webtx/lower/hoist_guards.hpp"

#include <vector>

#include "webtx/ir/operators.hpp"
#include "webtx/ir/substitute.hpp"
#include "webtx/lower/arith.hpp"

namespace webtx::lowering {

namespace {

struct Hoist : ir::IRMutator {
  using ir::IRMutator::mutate;
  ir::Stmt mutate_For(const ir::Stmt& s, const ir::For& op) override {
    ir::Stmt body = mutate(op.body);
    // The guard may sit under lets (bind_threads names a loop bound to an invocation inside
    // the loop around it: `let k_inner = local_id.x`); a conjunct naming one of them stays.
    std::vector<const ir::LetStmt*> lets;
    ir::Stmt under = body;
    while (auto* l = under.as<ir::LetStmt>()) lets.push_back(l), under = l->body;
    auto* guard = under.as<ir::IfThenElse>();
    if (!guard || guard->else_case.defined() || ir::contains_barrier(body)) {
      return body.same_as(op.body) ? s
                                   : ir::For::make(op.var, op.min, op.extent, op.for_kind, body);
    }
    std::vector<ir::Expr> all, outside, inside;
    split_conjuncts(guard->cond, all);
    for (auto& c : all) {
      bool invariant = !ir::uses_var(c, op.var.get()) && !ir::reads_memory(c);
      for (auto* l : lets) invariant = invariant && !ir::uses_var(c, l->var.get());
      (invariant ? outside : inside).push_back(c);
    }
    if (outside.empty()) return ir::For::make(op.var, op.min, op.extent, op.for_kind, body);
    ir::Stmt inner = inside.empty() ? guard->then_case
                                    : ir::IfThenElse::make(conjunction(inside), guard->then_case);
    for (auto it = lets.rbegin(); it != lets.rend(); ++it)
      inner = ir::LetStmt::make((*it)->var, (*it)->value, inner);
    return ir::IfThenElse::make(conjunction(outside),
                                ir::For::make(op.var, op.min, op.extent, op.for_kind, inner));
  }
};

}  // namespace

ir::Stmt hoist_invariant_guards(const ir::Stmt& s) { return Hoist().mutate(s); }

}  // namespace webtx::lowering
