#pragma once
// merge_adjacent_guards: consecutive `if (c) A; if (c) B` (no else branches, deep-equal
// conditions that read no buffer) become `if (c) {A; B}`. Lowering guards each statement on
// its own (a stage's init and its update, each step of a tile), so the same bounds condition
// repeats; statements cannot rebind the variables a condition reads, so it means the same
// before and after A. Fewer branches: smaller shaders, and SwiftShader's compile time and
// memory grow steeply with the number of guarded blocks after a barrier in a loop (fuzz seed
// 23437: 42 guards, 26 repeating the one before, grew past 24 GB and was killed).
// Runs after insert_barriers: a barrier between two guards keeps them apart.
#include <vector>

#include "webtx/ir/equality.hpp"
#include "webtx/ir/functor.hpp"
#include "webtx/ir/substitute.hpp"

namespace webtx::lowering {

namespace detail {

class MergeGuards : public ir::IRMutator {
 public:
  using ir::IRMutator::mutate;
  ir::Stmt mutate_Seq(const ir::Stmt& s, const ir::Seq& op) override {
    std::vector<ir::Stmt> out;
    bool changed = false;
    for (auto& st : op.stmts) {
      ir::Stmt m = mutate(st);
      changed = changed || !m.same_as(st);
      auto* cur = m.as<ir::IfThenElse>();
      auto* prev = out.empty() ? nullptr : out.back().as<ir::IfThenElse>();
      if (cur && prev && !cur->else_case.defined() && !prev->else_case.defined() &&
          ir::deep_equal(cur->cond, prev->cond) && !ir::reads_memory(cur->cond)) {
        out.back() =
            ir::IfThenElse::make(prev->cond, ir::Seq::make({prev->then_case, cur->then_case}));
        changed = true;
        continue;
      }
      out.push_back(m);
    }
    return changed ? ir::Seq::make(out) : s;
  }
};

}  // namespace detail

inline ir::Stmt merge_adjacent_guards(const ir::Stmt& s) { return detail::MergeGuards().mutate(s); }

}  // namespace webtx::lowering
