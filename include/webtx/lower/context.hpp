#pragma once
// What the lowering passes know about each stage, filled in pass by pass: the effective body
// (after inlining), root ranges (after bound inference), and where its result lives.
#include <string>
#include <unordered_map>
#include <vector>

#include "webtx/lower/arith.hpp"
#include "webtx/schedule/schedule.hpp"
#include "webtx/target.hpp"

namespace webtx::lowering {

struct StageInfo {
  const Stage* stage = nullptr;
  ir::Operation op;  // the stage's current operation
  ir::Expr body;     // op->body with reads normalized and inlined stages substituted

  // Bound inference: per data-parallel axis, the computed region [min, min + extent).
  // Root stages: [0, shape). Attached stages: min is a fresh Var (`min_vars`) bound at the
  // attach point to `region_min` (an expression over the enclosing loops).
  std::vector<ir::Expr> dp_min, dp_extent;
  std::vector<ir::Expr> min_vars, region_min;
  // Extent of every axis of the stage (roots, split/fuse products, leaves), by IterVar node.
  std::unordered_map<const ir::IterVarNode*, ir::Expr> extent;

  // Storage: Global for root stages and placeholders; the attached stage's scope otherwise.
  ir::MemScope scope = ir::MemScope::Global;
  ir::Buffer buffer;  // set by storage allocation (global tensors: when the context is made)

  bool is_root() const { return stage->attach() == AttachKind::Root; }
  bool is_attached() const { return stage->attach() == AttachKind::ComputeAt; }
  bool is_inline() const { return stage->attach() == AttachKind::Inline; }
};

struct LowerContext {
  const Schedule* sched = nullptr;
  const Target* target = nullptr;  // what the kernels are for (features lowering may use)
  std::vector<StageInfo> stages;   // schedule order: producers first
  std::unordered_map<const ir::OperationNode*, int> index;  // current op -> stages[i]
  // Loop variables bound to hardware axes (leaf vars and their init-nest copies).
  struct Binding {
    ir::ThreadAxis thread;
    int dim;
    std::string stage, axis;
  };
  std::unordered_map<const ir::ExprNode*, Binding> bindings;

  StageInfo& info(const ir::Operation& op) {
    auto it = index.find(sched->current(op).get());
    internal_assert(it != index.end()) << "no stage for " << op->name;
    return stages[it->second];
  }
  StageInfo& info(const Stage* s) { return info(s->op()); }
};

}  // namespace webtx::lowering
