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

// The steps that combine buf[base + 0 .. count) into buf[base] (one statement per step, a
// barrier between steps). Each step folds up to kTreeRadix live slots into one: invocation
// r < s (s = ceil(live / radix)) adds slots r + s, r + 2s, ... that exist, so 1024 partials
// take 4 steps (128, 16, 2, 1) where halving took 10: fewer barriers, each one a wait for the
// whole workgroup, for a few more workgroup-memory reads per step.
constexpr int64_t kTreeRadix = 8;
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
  std::vector<ir::Stmt> steps;
  const ir::Expr at = add(base, l.r);
  for (int64_t live = l.reduce_count; live > 1;) {
    const int64_t s = (live + kTreeRadix - 1) / kTreeRadix;
    // One store per step (a read after a write of the buffer would need a barrier between).
    ir::Expr v = ir::Load::make(buf, at);
    for (int64_t j = 1; j * s < live; ++j) {
      if ((j + 1) * s <= live) {
        v = combine(v, ir::Load::make(buf, add(at, make_int(j * s))));
        continue;
      }
      // The last, partial, stride: slot r + j s exists only for r < live - j s; the others
      // read a slot that does (clamped) and keep their value.
      const ir::Expr exists = ir::LT::make(add(l.r, make_int(j * s)), make_int(live));
      const ir::Expr from = ir::Min::make(add(at, make_int(j * s)), add(base, make_int(live - 1)));
      v = ir::Select::make(exists, combine(v, ir::Load::make(buf, from)), v);
    }
    steps.push_back(ir::IfThenElse::make(logical_and(l.may_write, ir::LT::make(l.r, make_int(s))),
                                         ir::Store::make(buf, v, at)));
    live = s;
  }
  return steps;
}

}  // namespace webtx::lowering
