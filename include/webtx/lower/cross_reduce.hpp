#pragma once
// Reductions across the invocations of a workgroup (a reduction axis bound to local_id).
// Each invocation reduces its share into a private accumulator; the partials then meet in a
// workgroup buffer laid out [group][r]: `r` numbers the invocations of one reduction (the
// dimensions bound by the stage's reduction axes), `group` tells apart the reductions that
// run side by side in one workgroup (dimensions bound by the stage's data-parallel axes, and,
// for a private result, by the enclosing stages' loops around the attach point). A tree
// halves the live slots per step (any count: a step adds slot r + s only where it exists);
// insert_barriers puts a barrier between steps, which sit outside every branch. Dimensions
// bound by neither are "pinned": only invocation 0 of them writes, every one reads.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "webtx/lower/context.hpp"
#include "webtx/lower/predicates.hpp"

namespace webtx::lowering {

struct CrossLayout {
  enum class Role : uint8_t { Pinned, Group, Reduce };
  std::array<Role, 3> role{Role::Pinned, Role::Pinned, Role::Pinned};
  std::array<int64_t, 3> extent{1, 1, 1};
  int64_t reduce_count = 1, group_count = 1;
  ir::Expr r, group;   // linear indices over the Reduce / Group dimensions (ThreadIndex)
  ir::Expr may_write;  // in range on Reduce/Group dimensions, 0 on Pinned ones
  ir::Expr is_first;   // r == 0
  // The invocation ids the expressions above use, as variables bound by `bind_ids` (so later
  // passes see them as ranged invocation ids, like the loops bind_threads binds).
  std::array<ir::Expr, 3> id;

  ir::Stmt bind_ids(ir::Stmt body) const {
    for (int d = 2; d >= 0; --d)
      if (id[d].defined())
        body = ir::LetStmt::make(id[d], ir::ThreadIndex::make(ir::ThreadAxis::LocalId, d), body);
    return body;
  }
};

// Whether the stage binds one of its reduction axes to local invocations.
inline bool binds_reduce_axis(const Stage& st) {
  for (auto& a : st.attrs())
    if (a.bound && a.thread == ir::ThreadAxis::LocalId && a.axis->kind == ir::IterKind::Reduce)
      return true;
  return false;
}

inline CrossLayout cross_layout(LowerContext& ctx, const StageInfo& si) {
  using Role = CrossLayout::Role;
  CrossLayout l;
  std::array<std::string, 3> who;
  auto claim = [&](int d, Role role, int64_t ext, const std::string& by) {
    if (l.role[d] != Role::Pinned) {
      user_assert(!(role == Role::Reduce || l.role[d] == Role::Reduce))
          << "stage '" << si.stage->name() << "': " << by << " and " << who[d]
          << " are both bound to local_id."
          << "xyz"[d] << "; a reduction over invocations needs its dimension to itself";
      return;
    }
    l.role[d] = role, l.extent[d] = ext, who[d] = by;
  };
  for (auto& a : si.stage->attrs()) {
    if (!a.bound || a.thread != ir::ThreadAxis::LocalId) continue;
    auto ext = as_const(si.extent.at(a.axis.get()));
    internal_assert(ext) << "local_id-bound axis of non-constant extent";
    bool red = a.axis->kind == ir::IterKind::Reduce;
    claim(a.dim, red ? Role::Reduce : Role::Group, *ext,
          std::string(red ? "its reduction axis '" : "its axis '") + axis_name(a.axis) + "'");
  }
  // A private result is per invocation: the invocations the enclosing loops tell apart (at
  // the attach point) each run their own reduction.
  for (const StageInfo* cur = &si; cur->is_attached() && cur->scope == ir::MemScope::Private;) {
    const Stage* parent = cur->stage->attach_stage();
    for (auto& lf : parent->leaf_axes()) {
      const AxisAttr* a = parent->attr_of(lf);
      if (a && a->bound && a->thread == ir::ThreadAxis::LocalId) {
        auto ext = as_const(ctx.info(parent).extent.at(lf.get()));
        internal_assert(ext) << "local_id-bound axis of non-constant extent";
        claim(a->dim, Role::Group, *ext,
              "axis '" + axis_name(lf) + "' of enclosing stage '" + parent->name() + "'");
      }
      if (lf == cur->stage->attach_axis()) break;
    }
    cur = &ctx.info(parent);
  }
  l.r = make_int(0), l.group = make_int(0);
  for (int d = 2; d >= 0; --d) {
    ir::Expr t = l.id[d] =
        ir::Variable::make(ir::DType::i32(), si.stage->name() + "_local_" + "xyz"[d]);
    if (l.role[d] == Role::Pinned) {
      l.may_write = logical_and(l.may_write, ir::EQ::make(t, make_int(0)));
      continue;
    }
    l.may_write = logical_and(l.may_write, ir::LT::make(t, make_int(l.extent[d])));
    if (l.role[d] == Role::Reduce) {
      l.r = add(mul(l.r, make_int(l.extent[d])), t), l.reduce_count *= l.extent[d];
      l.is_first = logical_and(l.is_first, ir::EQ::make(t, make_int(0)));
    } else {
      l.group = add(mul(l.group, make_int(l.extent[d])), t), l.group_count *= l.extent[d];
    }
  }
  return l;
}

// The largest extent bound to local_id dimension `d` in the kernel `si` belongs to (its root
// stage and every stage computed inside it): that dimension's workgroup size.
inline int64_t kernel_local_extent(LowerContext& ctx, const StageInfo& si, int d) {
  auto root_of = [&](const Stage* s) {
    while (s->attach() == AttachKind::ComputeAt) s = s->attach_stage();
    return s;
  };
  const Stage* root = root_of(si.stage);
  int64_t n = 1;
  for (auto& o : ctx.stages) {
    if (o.op->is_placeholder() || o.is_inline() || root_of(o.stage) != root) continue;
    for (auto& a : o.stage->attrs()) {
      if (!a.bound || a.thread != ir::ThreadAxis::LocalId || a.dim != d) continue;
      if (auto c = as_const(o.extent.at(a.axis.get()))) n = std::max(n, *c);
    }
  }
  return n;
}

// Subgroup operations take the first step when the target has them and every subgroup lies
// within one reduction: the reduction alone on local_id.x, over the whole of x, and a multiple
// of 128 invocations (WebGPU's largest subgroup size). Subgroups are taken to be consecutive
// invocations of the linear local index (what GPUs do; WGSL does not promise it).
inline bool use_subgroups(LowerContext& ctx, const StageInfo& si, const CrossLayout& l) {
  using Role = CrossLayout::Role;
  return ctx.target && ctx.target->has(Feature::Subgroups) && l.role[0] == Role::Reduce &&
         l.role[1] != Role::Reduce && l.role[2] != Role::Reduce && l.extent[0] % 128 == 0 &&
         kernel_local_extent(ctx, si, 0) == l.extent[0];
}

// The steps that combine buf[base + 0 .. count) into buf[base] (one statement per step).
inline std::vector<ir::Stmt> tree_steps(const CrossLayout& l, const ir::Buffer& buf,
                                        const ir::Expr& base, ir::ReduceOp op) {
  auto combine = [&](const ir::Expr& a, const ir::Expr& b) -> ir::Expr {
    switch (op) {
      case ir::ReduceOp::Sum:
        return ir::Add::make(a, b);
      case ir::ReduceOp::Max:
        return ir::Max::make(a, b);
      case ir::ReduceOp::Min:
        return ir::Min::make(a, b);
    }
    return a;
  };
  int64_t p = 1;
  while (p < l.reduce_count) p *= 2;
  std::vector<ir::Stmt> steps;
  ir::Expr at = add(base, l.r);
  for (int64_t s = p / 2; s >= 1; s /= 2) {
    ir::Expr cond = logical_and(l.may_write, ir::LT::make(l.r, make_int(s)));
    if (2 * s > l.reduce_count)
      cond = logical_and(cond, ir::LT::make(add(l.r, make_int(s)), make_int(l.reduce_count)));
    ir::Expr v = combine(ir::Load::make(buf, at), ir::Load::make(buf, add(at, make_int(s))));
    steps.push_back(ir::IfThenElse::make(cond, ir::Store::make(buf, v, at)));
  }
  return steps;
}

}  // namespace webtx::lowering
