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
  // Per data-parallel axis of an attached stage, the distance between the region's elements
  // (empty: 1 everywhere). Only per-invocation private stages (`per_invocation`) get strides
  // above 1: an invocation that reads every t-th element of a row holds just those, element k
  // of dimension d at index min + k * stride (dp_extent counts the elements).
  std::vector<int64_t> dp_stride;
  // Per such axis, runs of `block` consecutive elements every `stride` (empty: 1 everywhere):
  // an invocation that reads 4 neighbouring elements every 4096th (vector loads) holds those,
  // element k at min + (k / block) * stride + k % block.
  std::vector<int64_t> dp_block;
  // Bound inference: this private stage holds only what its own invocation reads (its region
  // origin names local_id.d).
  bool per_invocation = false;
  int64_t stride(size_t d) const { return d < dp_stride.size() ? dp_stride[d] : 1; }
  int64_t block(size_t d) const { return d < dp_block.size() ? dp_block[d] : 1; }
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
  // Known ranges of symbols, by name: a specialization's condition (`n <= 32768`) bounds the
  // symbols of its version, so extents over them have constant upper bounds (buffers sized
  // for the largest call, loops unrolled with a guard per step).
  std::unordered_map<std::string, ConstRange> facts;

  StageInfo& info(const ir::Operation& op) {
    auto it = index.find(sched->current(op).get());
    internal_assert(it != index.end()) << "no stage for " << op->name;
    return stages[it->second];
  }
  StageInfo& info(const Stage* s) { return info(s->op()); }

  // A constant upper bound of `e` under `facts`; nullopt where a variable has no fact.
  std::optional<int64_t> const_upper(const ir::Expr& e) const {
    if (auto c = as_const(e)) return *c;
    RangeMap vars;
    for (const ir::ExprNode* v : vars_of(e)) {
      auto it = facts.find(static_cast<const ir::Variable*>(v)->name);
      if (it == facts.end()) return std::nullopt;
      vars[v] = it->second;
    }
    auto b = const_bounds(e, vars);
    return b ? std::optional<int64_t>(b->hi) : std::nullopt;
  }
};

}  // namespace webtx::lowering
