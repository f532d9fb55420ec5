#pragma once
// Predicate insertion: the guard around one stage's store. Generated generously and pruned by
// simplify, which proves the redundant ones away from loop and thread ranges:
//  * each root index in range: tails of non-dividing splits, regions of attached stages that
//    stick out of the tensor (cache tiles at the edge), symbolic extents;
//  * loops bound to local invocations within their extent (the workgroup may be larger);
//  * for results shared by the workgroup (global or workgroup memory), local-invocation
//    dimensions the stage does not bind pinned to 0, so replicated work stores once.
// Guards are IfThenElse around the innermost store, never Select, so the loads they protect
// are not executed; and being innermost they never enclose a barrier.
#include <algorithm>

#include "webtx/lower/bound_inference.hpp"

namespace webtx::lowering {

namespace detail {
// Whether a stage that is not private (computed by the whole workgroup) and is computed at
// the same stage as `si` reads `si`.
inline bool read_by_shared_sibling(LowerContext& ctx, const StageInfo& si) {
  for (auto& other : ctx.stages) {
    if (&other == &si || !other.is_attached() || other.scope == ir::MemScope::Private ||
        other.stage->attach_stage() != si.stage->attach_stage())
      continue;
    std::vector<std::vector<ir::Expr>> reads;
    collect_reads(other.body, si.op.get(), reads);
    if (!reads.empty()) return true;
  }
  return false;
}
}  // namespace detail

// `roots`: root axis Var -> index in this nest; `subst`: replacements for leaf loop vars (the
// reduction's init nest uses fresh copies). With `with_reduce` false, reduction axes are not
// checked (the init store has none).
inline ir::Expr make_predicate(LowerContext& ctx, const StageInfo& si, const VarMap& roots,
                               const VarMap& subst, bool with_reduce) {
  ir::Expr cond;
  auto in = [&](ir::Expr c) { cond = logical_and(cond, c); };
  for (size_t d = 0; d < si.op->axis.size(); ++d) {
    ir::Expr idx = roots.at(si.op->axis[d]->var.get());
    if (si.is_attached()) {
      // Inside the region (split tails), and inside the tensor (regions at its edge).
      // (dp_extent counts elements: runs of block(d) every stride(d).)
      ir::Expr runs =
          si.block(d) == 1 ? si.dp_extent[d] : div(si.dp_extent[d], make_int(si.block(d)));
      in(ir::LT::make(idx, add(si.dp_min[d], mul(runs, make_int(si.stride(d))))));
      in(ir::GE::make(idx, make_int(0)));
    }
    in(ir::LT::make(idx, si.op->shape[d]));
  }
  if (auto* r = si.op->reduce(); r && with_reduce) {
    for (auto& a : r->axes) in(ir::LT::make(roots.at(a->var.get()), add(a->min, a->extent)));
  }
  // Invocations past a local_id-bound loop's extent still run what is computed inside that
  // loop; a private stage there must not act for them (its region would be out of range)...
  // unless a workgroup stage computed in the same nest reads it: that stage is computed by
  // the whole workgroup, past those extents too, and each invocation reads its own copy.
  bool feeds_workgroup = false;
  for (const StageInfo* cur = &si; cur->is_attached() && cur->scope == ir::MemScope::Private;
       cur = &ctx.info(cur->stage->attach_stage()))
    feeds_workgroup = feeds_workgroup || detail::read_by_shared_sibling(ctx, *cur);
  for (const StageInfo* cur = &si;
       !feeds_workgroup && cur->is_attached() && cur->scope == ir::MemScope::Private;) {
    const Stage* parent = cur->stage->attach_stage();
    for (auto& l : parent->leaf_axes()) {
      const AxisAttr* a = parent->attr_of(l);
      if (a && a->bound && a->thread == ir::ThreadAxis::LocalId)
        in(ir::LT::make(l->var, ctx.info(parent).extent.at(l.get())));
      if (l == cur->stage->attach_axis()) break;
    }
    cur = &ctx.info(parent);
  }
  // A split of a split's inner part can overshoot the inner extent while the root index stays
  // in range (landing on another outer iteration's element): bound every non-root parent.
  auto values = root_values(si);
  for (auto& rel : si.stage->relations()) {
    auto* split = std::get_if<SplitRel>(&rel);  // fuses cannot overshoot: fused extents multiply
    if (!split) continue;
    const ir::IterVar& p = split->parent;
    bool is_root =
        std::find(si.op->axis.begin(), si.op->axis.end(), p) != si.op->axis.end() ||
        (si.op->reduce() && std::find(si.op->reduce()->axes.begin(), si.op->reduce()->axes.end(),
                                      p) != si.op->reduce()->axes.end());
    if (is_root || (!with_reduce && p->kind == ir::IterKind::Reduce)) continue;
    in(ir::LT::make(values.at(p.get()), si.extent.at(p.get())));
  }
  bool bound_local[3] = {false, false, false};
  for (auto& a : si.stage->attrs()) {
    if (!a.bound || a.thread != ir::ThreadAxis::LocalId) continue;
    bound_local[a.dim] = true;
    if (!with_reduce && a.axis->kind == ir::IterKind::Reduce) continue;
    in(ir::LT::make(a.axis->var, si.extent.at(a.axis.get())));
  }
  if (si.scope != ir::MemScope::Private) {
    for (int d = 0; d < 3; ++d)
      if (!bound_local[d])
        in(ir::EQ::make(ir::ThreadIndex::make(ir::ThreadAxis::LocalId, d), make_int(0)));
  }
  return substitute(cond, subst);
}

inline ir::Stmt guard(const ir::Expr& cond, ir::Stmt s) {
  return cond.defined() ? ir::IfThenElse::make(cond, std::move(s)) : s;
}

}  // namespace webtx::lowering
