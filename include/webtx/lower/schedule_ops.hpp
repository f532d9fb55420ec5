#pragma once
// Schedule -> loop nest: one For per leaf axis of the stage (in leaf order, with its
// unroll/vectorize kind; loops bound to hardware axes stay For here and are recorded in
// ctx.bindings for bind_threads), root indices rebuilt from the leaves, and a guarded
// ProducerStore innermost. A reduction gets an init nest (identity) just outside its
// outermost reduction loop, then the update nest. Stages computed at a loop are built in
// place inside it: region origins bound by LetStmt, their buffer allocated, produced before
// the rest of the loop body. A reduction with an axis bound to local invocations is built by
// build_cross (see cross_reduce.hpp): its data-parallel loops outside, the reduction into a
// private accumulator, then the tree across invocations and one store.
#include <functional>
#include <string>

#include "webtx/lower/bound_inference.hpp"
#include "webtx/lower/cross_reduce.hpp"
#include "webtx/lower/predicates.hpp"
#include "webtx/lower/storage_alloc.hpp"

namespace webtx::lowering {

namespace detail {

inline ir::Expr combine(ir::ReduceOp op, const ir::Expr& acc, const ir::Expr& v) {
  switch (op) {
    case ir::ReduceOp::Sum:
      return ir::Add::make(acc, v);
    case ir::ReduceOp::Max:
      return ir::Max::make(acc, v);
    case ir::ReduceOp::Min:
      return ir::Min::make(acc, v);
  }
  return acc;
}

// A reduction's source `select(c, x, identity)` (rfactor's tail of a non-dividing split, or the
// user's) adds x only where c holds: {c, x}, so the update is guarded by c (IfThenElse: x's
// loads run only where c holds, and loop partitioning / pad_reduction_tail treat c as any
// tail guard) instead of a select evaluating x everywhere. Else {undefined, source}.
inline std::pair<ir::Expr, ir::Expr> conditional_source(const ir::Reduce& red,
                                                        const ir::Expr& src) {
  auto* sel = src.as<ir::Select>();
  if (sel && deep_equal(sel->f, ir::reduce_identity(red.op, red.type))) return {sel->cond, sel->t};
  return {ir::Expr(), src};
}

class StageBuilder {
 public:
  explicit StageBuilder(LowerContext& ctx) : ctx_(ctx) {}

  ir::Stmt build(StageInfo& si) {
    check_bindings(si);
    const auto& leaves = si.stage->leaf_axes();
    const int n = static_cast<int>(leaves.size());
    VarMap roots = root_indices(si);
    std::vector<ir::Expr> idx;
    for (auto& a : si.op->axis) idx.push_back(roots.at(a->var.get()));
    auto* red = si.body.as<ir::Reduce>();
    if (!red) {
      ir::Stmt store = ir::ProducerStore::make(si.op, substitute(si.body, roots), idx);
      return nest(si, 0, n, guard(make_predicate(ctx_, si, roots, {}, true), store), {});
    }
    if (binds_reduce_axis(*si.stage)) return build_cross(si, *red, roots, idx);
    int k0 = 0;
    while (k0 < n && leaves[k0]->kind != ir::IterKind::Reduce) ++k0;
    internal_assert(k0 < n) << "reduction stage without reduction leaves";
    // Init: fresh copies of the data-parallel loops inside the first reduction loop.
    VarMap fresh;
    for (int j = k0; j < n; ++j) {
      if (leaves[j]->kind != ir::IterKind::DataPar) continue;
      auto* v = leaves[j]->var.as<ir::Variable>();
      fresh[v] = ir::Variable::make(v->type, v->name + "_init");
    }
    std::vector<ir::Expr> init_idx;
    for (auto& e : idx) init_idx.push_back(substitute(e, fresh));
    ir::Stmt init =
        guard(make_predicate(ctx_, si, roots, fresh, false),
              ir::ProducerStore::make(si.op, ir::reduce_identity(red->op, red->type), init_idx));
    for (int j = n - 1; j >= k0; --j) {
      if (leaves[j]->kind != ir::IterKind::DataPar) continue;
      init = loop(si, leaves[j], fresh.at(leaves[j]->var.get()), init);
    }
    auto [when, src] = conditional_source(*red, substitute(red->source, roots));
    ir::Stmt update = ir::ProducerStore::make(
        si.op, combine(red->op, ir::ProducerLoad::make(si.op, idx), src), idx);
    update = nest(si, k0, n,
                  guard(logical_and(make_predicate(ctx_, si, roots, {}, true), when), update), {});
    return nest(si, 0, k0, ir::Seq::make({init, update}), {});
  }

 private:
  ir::Stmt loop(const StageInfo& si, const ir::IterVar& leaf, const ir::Expr& var, ir::Stmt body) {
    const AxisAttr* a = si.stage->attr_of(leaf);
    if (a && a->bound) {
      ctx_.bindings[var.get()] = {a->thread, a->dim, si.stage->name(), axis_name(leaf)};
    }
    ir::ForKind k = a ? a->for_kind : ir::ForKind::Serial;
    ir::Expr ext = si.extent.at(leaf.get());
    // Unrolling a loop of symbolic extent with a known bound (LowerContext::facts): one
    // guarded step per iteration of the largest call (Halide's GuardWithIf).
    if (k == ir::ForKind::Unrolled && !as_const(ext)) {
      if (auto hi = ctx_.const_upper(ext)) {
        return ir::For::make(var, make_int(0), make_int(std::max<int64_t>(*hi, 0)), k,
                             ir::IfThenElse::make(ir::LT::make(var, ext), std::move(body)));
      }
    }
    user_assert(k == ir::ForKind::Serial || as_const(ext))
        << "stage '" << si.stage->name() << "': cannot "
        << (k == ir::ForKind::Unrolled ? "unroll" : "vectorize") << " axis '" << axis_name(leaf)
        << "': its extent " << to_string(ext) << " is not a constant"
        << (k == ir::ForKind::Unrolled ? " and has no bound (a specialization's condition, such as "
                                         "n <= 4096, bounds its symbols)"
                                       : "");
    return ir::For::make(var, make_int(0), ext, k, std::move(body));
  }

  ir::Stmt nest(StageInfo& si, int from, int to, ir::Stmt body, const VarMap&) {
    const auto& leaves = si.stage->leaf_axes();
    return nest_of(si, {leaves.begin() + from, leaves.begin() + to}, std::move(body));
  }
  ir::Stmt nest_of(StageInfo& si, const std::vector<ir::IterVar>& leaves, ir::Stmt body) {
    for (auto it = leaves.rbegin(); it != leaves.rend(); ++it) {
      body = attach_block(si, *it, body);
      body = loop(si, *it, (*it)->var, body);
    }
    return body;
  }

  // A reduction across invocations: the data-parallel loops (in leaf order) around the
  // reduction loops, which accumulate privately; then the tree and the store (cross_reduce.hpp).
  ir::Stmt build_cross(StageInfo& si, const ir::Reduce& red, const VarMap& roots,
                       const std::vector<ir::Expr>& idx) {
    const std::string& name = si.stage->name();
    std::vector<ir::IterVar> dp, rd;
    for (auto& l : si.stage->leaf_axes()) (l->kind == ir::IterKind::Reduce ? rd : dp).push_back(l);
    bool in_thread = false;
    for (auto& l : rd) {
      const AxisAttr* a = si.stage->attr_of(l);
      in_thread |= a && a->bound;
      for (auto& p : ctx_.stages) {
        if (!p.is_attached() || p.stage->attach_stage() != si.stage || p.stage->attach_axis() != l)
          continue;
        user_assert(!in_thread || p.scope == ir::MemScope::Private)
            << "stage '" << p.stage->name() << "' is computed in " << scope_name(p.scope)
            << " memory at axis '" << axis_name(l) << "' of stage '" << name
            << "', inside its reduction over invocations: only a private stage can be computed "
               "there (each invocation's own part); compute it outside the bound axis";
      }
    }
    CrossLayout lay = cross_layout(ctx_, si);
    if (ir::Stmt block = cross_block(si, red, roots, idx, lay); block.defined()) return block;
    const ir::DType t = red.type;
    ir::Buffer acc = ir::make_buffer(name + "_acc", t, ir::MemScope::Private, {make_int(1)});
    ir::Buffer part = ir::make_buffer(name + "_partial", t, ir::MemScope::Workgroup,
                                      {make_int(lay.group_count * lay.reduce_count)});
    ir::Expr acc0 = ir::Load::make(acc, make_int(0));
    auto [when, src] = conditional_source(red, substitute(red.source, roots));
    ir::Stmt update = ir::Store::make(acc, combine(red.op, acc0, src), make_int(0));
    update = nest_of(si, rd,
                     guard(logical_and(make_predicate(ctx_, si, roots, {}, true), when), update));
    ir::Expr base = mul(lay.group, make_int(lay.reduce_count));
    ir::Stmt init = ir::Store::make(acc, ir::reduce_identity(red.op, t), make_int(0));
    std::vector<ir::Stmt> seq = {init, update};
    ir::Expr result = ir::Load::make(part, base);
    if (use_subgroups(ctx_, si, lay)) {
      // Each subgroup reduces its lanes; lane 0 writes the subgroup's slot; then every
      // subgroup reduces the slots (strided over its lanes), so each invocation has the result.
      ir::Expr lane = ir::Subgroup::lane(), size = ir::Subgroup::size();
      seq.push_back(ir::Store::make(acc, ir::Subgroup::reduce(red.op, acc0), make_int(0)));
      seq.push_back(guard(logical_and(lay.may_write, ir::EQ::make(lane, make_int(0))),
                          ir::Store::make(part, acc0, add(base, div(lay.r, size)))));
      seq.push_back(init);
      ir::Expr slots = div(make_int(lay.reduce_count), size);
      ir::Expr t_var = ir::Variable::make(ir::DType::i32(), name + "_slot");
      ir::Expr slot = add(mul(t_var, size), lane);
      ir::Stmt gather =
          guard(ir::LT::make(slot, slots),
                ir::Store::make(acc, combine(red.op, acc0, ir::Load::make(part, add(base, slot))),
                                make_int(0)));
      seq.push_back(
          ir::For::make(t_var, make_int(0), ceil_div(slots, size), ir::ForKind::Serial, gather));
      seq.push_back(ir::Store::make(acc, ir::Subgroup::reduce(red.op, acc0), make_int(0)));
      result = acc0;
    } else {
      seq.push_back(guard(lay.may_write, ir::Store::make(part, acc0, add(base, lay.r))));
      for (auto& step : tree_steps(lay, part, base, red.op)) seq.push_back(step);
    }
    // A result in private memory is every invocation's; a shared one is stored once.
    ir::Expr store_if = make_predicate(ctx_, si, roots, {}, false);
    if (si.scope != ir::MemScope::Private) store_if = logical_and(store_if, lay.is_first);
    seq.push_back(guard(store_if, ir::ProducerStore::make(si.op, result, idx)));
    ir::Stmt body = ir::Allocate::make(acc, ir::Allocate::make(part, ir::Seq::make(seq)));
    return nest_of(si, dp, lay.bind_ids(body));
  }

  // A block of results per invocation: data-parallel leaves of constant extent after the
  // first reduction leaf (a GEMV's rows x vec4 outputs, gemv.hpp). Each invocation
  // accumulates the whole block over its share of the reduction (each input loaded once for
  // all of it), then one tree combines the block across invocations ([element][r][group]), a
  // barrier per step, not per element. Null when the stage has no such leaves.
  ir::Stmt cross_block(StageInfo& si, const ir::Reduce& red, const VarMap& roots,
                       const std::vector<ir::Expr>& idx, const CrossLayout& lay) {
    const auto& leaves = si.stage->leaf_axes();
    size_t k0 = 0;
    while (k0 < leaves.size() && leaves[k0]->kind != ir::IterKind::Reduce) ++k0;
    std::vector<ir::IterVar> outer(leaves.begin(), leaves.begin() + k0), inner;
    std::vector<int64_t> ext;
    int64_t count = 1;
    for (size_t j = k0; j < leaves.size(); ++j) {
      if (leaves[j]->kind != ir::IterKind::DataPar) continue;
      const AxisAttr* a = si.stage->attr_of(leaves[j]);
      auto e = as_const(si.extent.at(leaves[j].get()));
      if (!e || (a && a->bound)) return {};
      inner.push_back(leaves[j]), ext.push_back(*e), count *= *e;
    }
    if (inner.empty()) return {};
    const std::string& name = si.stage->name();
    const ir::DType t = red.type;
    auto element = [&](const VarMap& m) {
      ir::Expr e = make_int(0);
      for (size_t i = 0; i < inner.size(); ++i)
        e = add(mul(e, make_int(ext[i])), substitute(inner[i]->var, m));
      return e;
    };
    // The block's elements as unrolled loops over fresh variables.
    auto each = [&](const std::string& tag, const std::function<ir::Stmt(const VarMap&)>& f) {
      VarMap m;
      for (auto& l : inner) {
        auto* v = l->var.as<ir::Variable>();
        m[v] = ir::Variable::make(v->type, v->name + "_" + tag);
      }
      ir::Stmt b = f(m);
      for (size_t i = inner.size(); i-- > 0;)
        b = ir::For::make(m.at(inner[i]->var.as<ir::Variable>()), make_int(0), make_int(ext[i]),
                          ir::ForKind::Unrolled, b);
      return b;
    };
    ir::Buffer acc = ir::make_buffer(name + "_acc", t, ir::MemScope::Private, {make_int(count)});
    ir::Buffer part = ir::make_buffer(name + "_partial", t, ir::MemScope::Workgroup,
                                      {make_int(lay.group_count * count * lay.reduce_count)});
    // Slot [element][r][group]: neighbouring invocations (the group, on x) touch neighbouring
    // words of workgroup memory (no bank conflicts).
    auto slot = [&](const VarMap& m, const ir::Expr& r) {
      return add(
          mul(add(mul(element(m), make_int(lay.reduce_count)), r), make_int(lay.group_count)),
          lay.group);
    };
    std::vector<ir::Stmt> seq;
    seq.push_back(each("init", [&](const VarMap& m) {
      return ir::Store::make(acc, ir::reduce_identity(red.op, t), element(m));
    }));
    ir::Expr here = element({});
    auto [when, src] = conditional_source(red, substitute(red.source, roots));
    ir::Stmt update = ir::Store::make(acc, combine(red.op, ir::Load::make(acc, here), src), here);
    seq.push_back(
        nest_of(si, {leaves.begin() + k0, leaves.end()},
                guard(logical_and(make_predicate(ctx_, si, roots, {}, true), when), update)));
    seq.push_back(guard(lay.may_write, each("part", [&](const VarMap& m) {
                          return ir::Store::make(part, ir::Load::make(acc, element(m)),
                                                 slot(m, lay.r));
                        })));
    // The tree: each step halves the live slots (a step adds r + s only where it exists).
    int64_t p = 1;
    while (p < lay.reduce_count) p *= 2;
    for (int64_t st = p / 2; st >= 1; st /= 2) {
      ir::Expr cond = logical_and(lay.may_write, ir::LT::make(lay.r, make_int(st)));
      if (2 * st > lay.reduce_count)
        cond =
            logical_and(cond, ir::LT::make(add(lay.r, make_int(st)), make_int(lay.reduce_count)));
      seq.push_back(ir::IfThenElse::make(
          cond, each("tree", [&](const VarMap& m) {
            ir::Expr at = slot(m, lay.r), from = slot(m, add(lay.r, make_int(st)));
            return ir::Store::make(
                part, combine(red.op, ir::Load::make(part, at), ir::Load::make(part, from)), at);
          })));
    }
    auto base = [&](const VarMap& m) { return slot(m, make_int(0)); };
    seq.push_back(each("out", [&](const VarMap& m) {
      ir::Expr store_if = make_predicate(ctx_, si, roots, m, false);
      if (si.scope != ir::MemScope::Private) store_if = logical_and(store_if, lay.is_first);
      std::vector<ir::Expr> at;
      for (auto& e : idx) at.push_back(substitute(e, m));
      return guard(store_if, ir::ProducerStore::make(si.op, ir::Load::make(part, base(m)), at));
    }));
    ir::Stmt body = ir::Allocate::make(acc, ir::Allocate::make(part, ir::Seq::make(seq)));
    return nest_of(si, outer, lay.bind_ids(body));
  }

  ir::Stmt attach_block(StageInfo& si, const ir::IterVar& leaf, ir::Stmt body) {
    std::vector<StageInfo*> here;
    for (auto& p : ctx_.stages) {
      if (p.is_attached() && p.stage->attach_stage() == si.stage && p.stage->attach_axis() == leaf)
        here.push_back(&p);
    }
    if (here.empty()) return body;
    std::vector<ir::Stmt> seq;
    for (auto* p : here) seq.push_back(build(*p));
    seq.push_back(body);
    ir::Stmt s = ir::Seq::make(seq);
    for (auto it = here.rbegin(); it != here.rend(); ++it) {
      StageInfo& p = **it;
      s = allocate_stage(p, s);
      for (size_t d = p.min_vars.size(); d-- > 0;)
        s = ir::LetStmt::make(p.min_vars[d], p.region_min[d], s);
    }
    return s;
  }

  void check_bindings(const StageInfo& si) {
    if (!si.is_attached()) return;
    for (auto& a : si.stage->attrs()) {
      if (!a.bound) continue;
      user_assert(a.thread == ir::ThreadAxis::LocalId)
          << "stage '" << si.stage->name() << "' is computed at stage '"
          << si.stage->attach_stage()->name() << "': it cannot bind axis '" << axis_name(a.axis)
          << "' to workgroup_id (only its root stage decides the workgroups)";
      // A reduction over invocations ends with every invocation holding the result.
      if (a.axis->kind == ir::IterKind::Reduce) continue;
      user_assert(si.scope == ir::MemScope::Workgroup)
          << "stage '" << si.stage->name() << "' lives in " << scope_name(si.scope)
          << " memory: binding its axis '" << axis_name(a.axis)
          << "' to local invocations would leave each invocation's copy incomplete";
    }
  }

  LowerContext& ctx_;
};

}  // namespace detail

// The loop nest of one root stage (with every stage computed inside it).
inline ir::Stmt schedule_ops(LowerContext& ctx, StageInfo& root) {
  internal_assert(root.is_root()) << "schedule_ops of a non-root stage";
  return detail::StageBuilder(ctx).build(root);
}

}  // namespace webtx::lowering
