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
    auto* guard = body.as<ir::IfThenElse>();
    if (!guard || guard->else_case.defined() || ir::contains_barrier(body)) {
      return body.same_as(op.body) ? s
                                   : ir::For::make(op.var, op.min, op.extent, op.for_kind, body);
    }
    std::vector<ir::Expr> all, outside, inside;
    split_conjuncts(guard->cond, all);
    for (auto& c : all) {
      const bool invariant = !ir::uses_var(c, op.var.get()) && !ir::reads_memory(c);
      (invariant ? outside : inside).push_back(c);
    }
    if (outside.empty()) return ir::For::make(op.var, op.min, op.extent, op.for_kind, body);
    ir::Stmt inner = inside.empty() ? guard->then_case
                                    : ir::IfThenElse::make(conjunction(inside), guard->then_case);
    return ir::IfThenElse::make(conjunction(outside),
                                ir::For::make(op.var, op.min, op.extent, op.for_kind, inner));
  }
};

}  // namespace

ir::Stmt hoist_invariant_guards(const ir::Stmt& s) { return Hoist().mutate(s); }

}  // namespace webtx::lowering
