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
    return hoisted(body.same_as(op.body) ? s : rebuilt(op, body));
  }

 private:
  static ir::Stmt rebuilt(const ir::For& op, const ir::Stmt& body) {
    return ir::For::make(op.var, op.min, op.extent, op.for_kind, body);
  }
  // `s`: a loop whose body has been hoisted from already.
  ir::Stmt hoisted(const ir::Stmt& s) {
    const ir::For& op = *s.as<ir::For>();
    // The guard may sit under lets (bind_threads names a loop bound to an invocation inside
    // the loop around it: `let k_inner = local_id.x`); a conjunct naming one of them stays.
    std::vector<const ir::LetStmt*> lets;
    ir::Stmt under = op.body;
    while (auto* l = under.as<ir::LetStmt>()) lets.push_back(l), under = l->body;
    auto* guard = under.as<ir::IfThenElse>();
    if (!guard || ir::contains_barrier(op.body)) return s;
    auto invariant = [&](const ir::Expr& c) {
      bool inv = !ir::uses_var(c, op.var.get()) && !ir::reads_memory(c);
      for (auto* l : lets) inv = inv && !ir::uses_var(c, l->var.get());
      return inv;
    };
    auto loop_of = [&](ir::Stmt inner) {
      for (auto it = lets.rbegin(); it != lets.rend(); ++it)
        inner = ir::LetStmt::make((*it)->var, (*it)->value, inner);
      return rebuilt(op, inner);
    };
    if (guard->else_case.defined()) {
      // if (c) A else B with c invariant: one loop each side (unswitching), so that neither
      // repeats the test in every step (fuzz seed 62915: a padded reduction tail's
      // `if (in) acc += x else acc = 0` in each of 38 unrolled steps took SwiftShader over
      // 120 s to compile).
      if (!invariant(guard->cond)) return s;
      return ir::IfThenElse::make(guard->cond, loop_of(guard->then_case),
                                  loop_of(guard->else_case));
    }
    std::vector<ir::Expr> all, outside, inside;
    split_conjuncts(guard->cond, all);
    for (auto& c : all) (invariant(c) ? outside : inside).push_back(c);
    if (outside.empty()) return s;
    ir::Stmt inner = inside.empty() ? guard->then_case
                                    : ir::IfThenElse::make(conjunction(inside), guard->then_case);
    // What is left inside may itself be an if/else (a guard around one): unswitched too.
    ir::Stmt first = inner;
    while (auto* l = first.as<ir::LetStmt>()) first = l->body;
    auto* branch = first.as<ir::IfThenElse>();
    const ir::Stmt loop = loop_of(inner);
    return ir::IfThenElse::make(conjunction(outside),
                                branch && branch->else_case.defined() ? hoisted(loop) : loop);
  }
};

}  // namespace

ir::Stmt hoist_invariant_guards(const ir::Stmt& s) { return Hoist().mutate(s); }

}  // namespace webtx::lowering
