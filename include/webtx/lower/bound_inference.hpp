#pragma once
// Bound inference: for each stage computed at another stage's loop, the region of its output
// that one iteration of that loop needs (the union over every read of it, with the loops
// inside the attach point free and those outside fixed; for workgroup memory, loops bound to
// local invocations are free too, since the whole workgroup shares the buffer). Private memory
// is each invocation's own: for a private stage that binds no axis to invocations, the loops
// bound to local invocations stay fixed at the invocation's index, so the region is the part
// this invocation reads, with the distance between its elements (an invocation of a row split
// over t invocations reads every t-th element: it holds only those). Regions must have
// constant extents (they become Allocate sizes), or a constant upper bound under the symbols'
// known ranges (LowerContext::facts). Also derives every axis's extent.
#include <algorithm>
#include <numeric>
#include <string>
#include <variant>

#include "webtx/lower/context.hpp"
#include "webtx/lower/simplify.hpp"

namespace webtx::lowering {

// Values of the stage's root axes (data-parallel then reduction axes) in terms of its leaf
// loop variables, by replaying splits and fuses backwards (each starting at 0).
inline std::unordered_map<const ir::IterVarNode*, ir::Expr> root_values(const StageInfo& si) {
  std::unordered_map<const ir::IterVarNode*, ir::Expr> v;
  for (auto& l : si.stage->leaf_axes()) v[l.get()] = l->var;
  auto& rels = si.stage->relations();
  for (auto it = rels.rbegin(); it != rels.rend(); ++it) {
    std::visit(Overloaded{[&](const SplitRel& s) {
                            v[s.parent.get()] = add(mul(v.at(s.outer.get()), make_int(s.factor)),
                                                    v.at(s.inner.get()));
                          },
                          [&](const FuseRel& f) {
                            ir::Expr inner_ext = si.extent.at(f.inner.get());
                            v[f.outer.get()] = div(v.at(f.fused.get()), inner_ext);
                            v[f.inner.get()] = mod(v.at(f.fused.get()), inner_ext);
                          }},
               *it);
  }
  return v;
}

// Index of each root axis of the stage: region min + value (data-parallel), min + value
// (reduction). Keyed by the root axis Var.
inline VarMap root_indices(const StageInfo& si) {
  auto v = root_values(si);
  VarMap m;
  for (size_t d = 0; d < si.op->axis.size(); ++d) {
    auto& a = si.op->axis[d];
    ir::Expr k = v.at(a.get());
    if (si.block(d) != 1) {
      const ir::Expr b = make_int(si.block(d));
      k = add(mul(div(k, b), make_int(si.stride(d))), mod(k, b));
    } else if (si.stride(d) != 1) {
      k = mul(k, make_int(si.stride(d)));
    }
    m[a->var.get()] = add(si.dp_min[d], k);
  }
  if (auto* r = si.op->reduce()) {
    for (auto& a : r->axes) m[a->var.get()] = add(a->min, v.at(a.get()));
  }
  return m;
}

// Derives the extent of every axis from the root ranges.
inline void infer_axis_extents(StageInfo& si) {
  si.extent.clear();
  for (size_t d = 0; d < si.op->axis.size(); ++d) si.extent[si.op->axis[d].get()] = si.dp_extent[d];
  if (auto* r = si.op->reduce()) {
    for (auto& a : r->axes) si.extent[a.get()] = simplify(a->extent);
  }
  for (auto& rel : si.stage->relations()) {
    std::visit(
        Overloaded{[&](const SplitRel& s) {
                     si.extent[s.outer.get()] =
                         simplify(ceil_div(si.extent.at(s.parent.get()), make_int(s.factor)));
                     si.extent[s.inner.get()] = make_int(s.factor);
                   },
                   [&](const FuseRel& f) {
                     si.extent[f.fused.get()] =
                         simplify(mul(si.extent.at(f.outer.get()), si.extent.at(f.inner.get())));
                   }},
        rel);
  }
}

namespace detail {

// A set of integers within [min, min + extent), all of them min + k * stride + r with
// 0 <= r < block (runs of `block` consecutive integers every `stride`; extent - block is a
// multiple of stride; block < stride unless both are 1).
struct Interval {
  ir::Expr min, extent;
  int64_t stride = 1, block = 1;
  bool is_point() const { return is_const(extent, 1); }
  // The stride for gcd: a point has none (0); runs hold neighbours (1).
  int64_t step() const { return is_point() ? 0 : block > 1 ? 1 : stride; }
  bool contiguous() const { return stride == 1 && block == 1; }
};
// Runs of `block` every `stride`, or contiguous where the runs touch.
inline Interval runs(ir::Expr min, ir::Expr extent, int64_t stride, int64_t block) {
  if (block >= stride) return {std::move(min), std::move(extent)};
  return {std::move(min), std::move(extent), stride, block};
}
inline int64_t step_of(int64_t g) { return g > 0 ? g : 1; }
using IntervalMap = std::unordered_map<const ir::ExprNode*, Interval>;

inline bool mentions_any(const ir::Expr& e, const IntervalMap& env) {
  return ir::contains_if<ir::Variable>(e,
                                       [&](const ir::Variable& op) { return env.count(&op) > 0; });
}

// The key under which an IntervalMap holds the range of local_id.d where a region covers
// every invocation (origins of per-invocation private stages name local_id.d).
inline const ir::ExprNode* invocation_key(int d) {
  static const ir::Expr keys[3] = {ir::Variable::make(ir::DType::i32(), "local_id.x"),
                                   ir::Variable::make(ir::DType::i32(), "local_id.y"),
                                   ir::Variable::make(ir::DType::i32(), "local_id.z")};
  return keys[d].get();
}

inline bool mentions_invocation(const ir::Expr& e, const IntervalMap& env) {
  return ir::contains_if<ir::ThreadIndex>(e, [&](const ir::ThreadIndex& t) {
    return t.axis == ir::ThreadAxis::LocalId && env.count(invocation_key(t.dim)) > 0;
  });
}

inline Interval eval_interval(const ir::Expr& e, const IntervalMap& env, const std::string& what) {
  using namespace ir;
  auto one = make_int(1);
  if (auto* v = e.as<Variable>()) {
    auto it = env.find(v);
    return it == env.end() ? Interval{e, one} : it->second;
  }
  if (auto* t = e.as<ThreadIndex>(); t && t->axis == ThreadAxis::LocalId) {
    auto it = env.find(invocation_key(t->dim));
    return it == env.end() ? Interval{e, one} : it->second;
  }
  if (!mentions_any(e, env) && !mentions_invocation(e, env)) return {e, one};
  auto last = [](const Interval& x) { return sub(add(x.min, x.extent), make_int(1)); };
  if (auto* a = e.as<Add>()) {
    Interval x = eval_interval(a->a, env, what), y = eval_interval(a->b, env, what);
    const ir::Expr mn = add(x.min, y.min), ext = sub(add(x.extent, y.extent), one);
    if (y.is_point()) return {mn, x.extent, x.stride, x.block};
    if (x.is_point()) return {mn, y.extent, y.stride, y.block};
    // Runs every stride plus a short contiguous range: longer runs (4t + 4096j + c, c < 4).
    if (!x.contiguous() && y.contiguous() && as_const(y.extent))
      return runs(mn, ext, x.stride, x.block + *as_const(y.extent) - 1);
    if (!y.contiguous() && x.contiguous() && as_const(x.extent))
      return runs(mn, ext, y.stride, y.block + *as_const(x.extent) - 1);
    return {mn, ext, step_of(std::gcd(x.step(), y.step()))};
  }
  if (auto* s = e.as<Sub>()) {
    Interval x = eval_interval(s->a, env, what), y = eval_interval(s->b, env, what);
    if (y.is_point()) return {sub(x.min, y.min), x.extent, x.stride, x.block};
    return {sub(x.min, last(y)), sub(add(x.extent, y.extent), one),
            step_of(std::gcd(x.step(), y.step()))};
  }
  if (auto* m = e.as<Mul>()) {
    auto c = as_const(m->b) ? as_const(m->b) : as_const(m->a);
    if (c) {
      Interval x = eval_interval(as_const(m->b) ? m->a : m->b, env, what);
      const int64_t st = step_of(x.step() * (*c >= 0 ? *c : -*c));
      if (*c >= 0)
        return {mul(x.min, make_int(*c)), add(mul(sub(x.extent, one), make_int(*c)), one), st};
      return {mul(last(x), make_int(*c)), add(mul(sub(x.extent, one), make_int(-*c)), one), st};
    }
  }
  if (auto* d = e.as<Div>()) {
    if (auto c = as_const(d->b); c && *c > 0) {
      Interval x = eval_interval(d->a, env, what);
      ir::Expr lo = div(x.min, d->b), ext = simplify(add(sub(div(last(x), d->b), lo), one));
      if (!as_const(ext) && as_const(x.extent)) ext = make_int((*as_const(x.extent) - 1) / *c + 2);
      return {lo, ext};
    }
  }
  if (auto* d = e.as<Mod>()) {
    if (auto c = as_const(d->b); c && *c > 0) return {make_int(0), d->b};
  }
  if (e.as<Min>() || e.as<Max>()) {
    auto* n = e.as_binary();
    Interval x = eval_interval(n->a, env, what), y = eval_interval(n->b, env, what);
    ir::Expr lo = e.as<Min>() ? Min::make(x.min, y.min) : Max::make(x.min, y.min);
    ir::Expr hi = e.as<Min>() ? Min::make(last(x), last(y)) : Max::make(last(x), last(y));
    return {simplify(lo), simplify(add(sub(hi, lo), one))};
  }
  user_error << what << ": cannot infer the region read through index " << to_string(e);
  return {};
}

inline Interval union_of(const Interval& a, const Interval& b) {
  auto d = as_const(simplify(sub(b.min, a.min)));
  auto ea = as_const(a.extent), eb = as_const(b.extent);
  // The same runs, shifted by whole strides.
  if (d && ea && eb && a.block > 1 && a.block == b.block && a.stride == b.stride &&
      *d % a.stride == 0) {
    if (*d >= 0) return {a.min, make_int(std::max(*ea, *d + *eb)), a.stride, a.block};
    return {b.min, make_int(std::max(*ea - *d, *eb)), a.stride, a.block};
  }
  if (d && ea && eb) {
    const int64_t st = step_of(std::gcd(std::gcd(a.step(), b.step()), *d));
    if (*d >= 0) return {a.min, make_int(std::max(*ea, *d + *eb)), st};
    return {b.min, make_int(std::max(*ea - *d, *eb)), st};
  }
  ir::Expr lo = ir::Min::make(a.min, b.min);
  ir::Expr hi = ir::Max::make(add(a.min, a.extent), add(b.min, b.extent));
  return {simplify(lo), simplify(sub(hi, lo))};
}

// How loops bound to local invocations count when a region is seen from an attach point.
enum class Invocations {
  Inner,   // like any loop: free inside the attach point, fixed outside it
  Shared,  // free everywhere (workgroup memory: one buffer for the whole workgroup)
  Own,     // fixed at this invocation's index (private memory of a stage that binds none)
};

// The interval of a loop variable that `mode` frees: its whole extent, or, bound to local
// invocations under Own, the invocation's index (one buffer per invocation).
inline Interval free_loop(const Stage& st, const ir::IterVar& l, const ir::Expr& extent,
                          Invocations mode) {
  const AxisAttr* a = st.attr_of(l);
  if (mode == Invocations::Own && a && a->bound && a->thread == ir::ThreadAxis::LocalId)
    return {ir::ThreadIndex::make(ir::ThreadAxis::LocalId, a->dim), make_int(1)};
  return {make_int(0), extent};
}

// The range of local_id.d for a region that covers every invocation, under invocation_key(d):
// [0, the largest constant extent any stage binds to it) (an over-estimate of the workgroup;
// the predicates keep the rest out).
inline IntervalMap every_invocation(const LowerContext& ctx) {
  IntervalMap env;
  for (auto& o : ctx.stages) {
    for (auto& a : o.stage->attrs()) {
      auto ext =
          a.bound && a.thread == ir::ThreadAxis::LocalId ? as_const(a.axis->extent) : std::nullopt;
      if (!ext) continue;
      auto [it, fresh] =
          env.try_emplace(invocation_key(a.dim), Interval{make_int(0), make_int(*ext)});
      if (!fresh && *as_const(it->second.extent) < *ext) it->second.extent = make_int(*ext);
    }
  }
  return env;
}

// Intervals of the loop variables of `c` seen from inside its loop over `axis`: inner loops
// free, outer fixed, local-invocation loops as `mode` says; recursively for the region
// origin of an attached `c`. Unless `mode` is Own, local_id itself ranges as `every` says
// (every_invocation).
inline void attach_env(LowerContext& ctx, const StageInfo& c, const ir::IterVar& axis,
                       Invocations mode, const IntervalMap& every, IntervalMap& env) {
  if (mode != Invocations::Own) env.insert(every.begin(), every.end());
  auto& leaves = c.stage->leaf_axes();
  bool inside = false;
  for (auto& l : leaves) {
    const AxisAttr* a = c.stage->attr_of(l);
    bool thread = a && a->bound && a->thread == ir::ThreadAxis::LocalId;
    if (inside || (mode == Invocations::Shared && thread))
      env[l->var.get()] = free_loop(*c.stage, l, c.extent.at(l.get()), mode);
    if (l == axis) inside = true;
  }
  if (c.is_attached()) {
    IntervalMap up;
    auto& parent = ctx.info(c.stage->attach_stage());
    attach_env(ctx, parent, c.stage->attach_axis(), mode, every, up);
    for (size_t d = 0; d < c.min_vars.size(); ++d) {
      Interval r = eval_interval(c.region_min[d], up, "stage '" + c.stage->name() + "'");
      // Even a point may differ from the variable: its relaxed loops sit at their minimum.
      env[c.min_vars[d].get()] = r;
    }
    // A point origin is substituted where it is used, so c's own origin (and the reads of a
    // stage computed inside c) may name an ancestor's loops directly, not only through c's
    // origin variables: a workgroup buffer must cover those loops bound to invocations too
    // (fuzz seed 30300: a workgroup cache inside two private stages inside a reduction
    // parallelized over 8 invocations held the element of invocation 0 only).
    if (mode == Invocations::Shared) env.insert(up.begin(), up.end());
  }
}

inline void collect_reads(const ir::Expr& e, const ir::OperationNode* p,
                          std::vector<std::vector<ir::Expr>>& out) {
  struct C : ir::IRVisitor {
    const ir::OperationNode* p;
    std::vector<std::vector<ir::Expr>>* out;
    void visit_ProducerLoad(const ir::ProducerLoad& op) override {
      if (op.producer.get() == p) out->push_back(op.indices);
      ir::IRVisitor::visit_ProducerLoad(op);
    }
  } c;
  c.p = p, c.out = &out;
  c.visit(e);
}

}  // namespace detail

// Fills dp ranges, region origins and axis extents of every stage (consumers first).
inline void infer_bounds(LowerContext& ctx) {
  const detail::IntervalMap every = detail::every_invocation(ctx);
  for (auto it = ctx.stages.rbegin(); it != ctx.stages.rend(); ++it) {
    StageInfo& si = *it;
    if (si.op->is_placeholder() || si.is_inline()) continue;
    si.dp_min.clear(), si.dp_extent.clear(), si.min_vars.clear(), si.region_min.clear();
    si.dp_stride.clear(), si.dp_block.clear(), si.per_invocation = false;
    if (si.is_root()) {
      for (auto& e : si.op->shape) si.dp_min.push_back(make_int(0)), si.dp_extent.push_back(e);
      infer_axis_extents(si);
      continue;
    }
    const std::string& name = si.stage->name();
    StageInfo& c = ctx.info(si.stage->attach_stage());
    const ir::IterVar& axis = si.stage->attach_axis();
    for (const Stage* s = c.stage; s;
         s = s->attach() == AttachKind::ComputeAt ? s->attach_stage() : nullptr)
      user_assert(s != si.stage) << "stage '" << name << "' is computed at stage '"
                                 << c.stage->name() << "', which is itself computed inside '"
                                 << name << "'" << si.stage->attached_where();
    // Readers: the attach stage, and stages computed at the same stage at `axis` or inside it
    // (e.g. a register cache of a workgroup tile); their regions are already known.
    auto& pleaves = c.stage->leaf_axes();
    auto leaf_pos = [&](const ir::IterVar& v) {
      return std::find(pleaves.begin(), pleaves.end(), v) - pleaves.begin();
    };
    std::vector<StageInfo*> siblings;
    for (auto& other : ctx.stages) {
      if (&other == &c || &other == &si || other.op->is_placeholder() || other.is_inline())
        continue;
      std::vector<std::vector<ir::Expr>> reads;
      detail::collect_reads(other.body, si.op.get(), reads);
      if (reads.empty()) continue;
      bool sibling = other.is_attached() && other.stage->attach_stage() == c.stage &&
                     leaf_pos(other.stage->attach_axis()) >= leaf_pos(axis) &&
                     !other.min_vars.empty();
      user_assert(sibling) << "stage '" << name << "' is computed at stage '" << c.stage->name()
                           << "' but stage '" << other.stage->name()
                           << "' reads it too; only its attach stage (or a stage computed "
                              "at that stage, at the same loop or inside it) may read it"
                           << si.stage->attached_where();
      siblings.push_back(&other);
    }
    std::vector<std::vector<ir::Expr>> reads;
    detail::collect_reads(c.body, si.op.get(), reads);
    user_assert(!reads.empty() || !siblings.empty())
        << "stage '" << name << "' is computed at stage '" << c.stage->name()
        << "', which does not read it" << si.stage->attached_where();
    const ir::MemScope scope = si.stage->scope().value_or(ir::MemScope::Private);
    bool binds_local = false;
    for (auto& a : si.stage->attrs()) binds_local |= a.bound && a.thread == ir::ThreadAxis::LocalId;
    // A private stage reduced across invocations (row reductions) is computed by all of them
    // together, so it covers what every invocation reads; so is one whose loops compute a
    // workgroup stage (every invocation must run the same iterations to fill it together).
    bool holds_shared = false;
    for (auto& other : ctx.stages) {
      if (!other.is_attached() || other.stage->scope() != ir::MemScope::Workgroup) continue;
      for (const Stage* p = other.stage->attach_stage(); p && !holds_shared;
           p = p->attach() == AttachKind::ComputeAt ? p->attach_stage() : nullptr)
        holds_shared = p == si.stage;
    }
    std::string what = "stage '" + name + "' computed at stage '" + c.stage->name() + "' axis '" +
                       axis_name(axis) + "'" + si.stage->attached_where();
    // The region (per dimension) that `mode` gives.
    auto region_of = [&](detail::Invocations mode) {
      detail::IntervalMap env;
      detail::attach_env(ctx, c, axis, mode, every, env);
      std::vector<detail::Interval> region;
      auto add_reads = [&](const std::vector<std::vector<ir::Expr>>& rs, const VarMap& roots,
                           const detail::IntervalMap& e) {
        for (auto& idx : rs) {
          for (size_t d = 0; d < idx.size(); ++d) {
            detail::Interval r =
                detail::eval_interval(simplify(substitute(idx[d], roots)), e, what);
            r = {simplify(r.min), simplify(r.extent), r.stride, r.block};
            // A symbolic extent with a known bound: the region for the largest call.
            if (auto hi = as_const(r.extent) ? std::nullopt : ctx.const_upper(r.extent))
              r.extent = make_int(std::max<int64_t>(0, *hi - r.block + r.stride - 1) / r.stride *
                                      r.stride +
                                  r.block);
            region.size() <= d ? region.push_back(r)
                               : void(region[d] = detail::union_of(region[d], r));
          }
        }
      };
      add_reads(reads, root_indices(c), env);
      // A sibling's region origin may name the loops of `c`'s own parents (bound inference
      // substitutes point origins): relax those the same way.
      detail::IntervalMap penv = env;
      if (!siblings.empty() && c.is_attached())
        detail::attach_env(ctx, ctx.info(c.stage->attach_stage()), c.stage->attach_axis(), mode,
                           every, penv);
      for (StageInfo* r : siblings) {
        // All of the sibling's own loops free; its region origin over the loops `env` frees.
        detail::IntervalMap renv = env;
        for (auto& l : r->stage->leaf_axes())
          renv[l->var.get()] = detail::free_loop(*r->stage, l, r->extent.at(l.get()), mode);
        for (size_t d = 0; d < r->min_vars.size(); ++d) {
          detail::Interval m = detail::eval_interval(r->region_min[d], penv, what);
          renv[r->min_vars[d].get()] = m;
        }
        std::vector<std::vector<ir::Expr>> rr;
        detail::collect_reads(r->body, si.op.get(), rr);
        add_reads(rr, root_indices(*r), renv);
      }
      // Strided regions are compacted only in an invocation's own memory.
      if (mode != detail::Invocations::Own)
        for (auto& r : region) r.stride = 1, r.block = 1;
      return region;
    };
    // Elements a region holds (nullopt: not constant).
    auto size_of = [](const std::vector<detail::Interval>& region) -> std::optional<int64_t> {
      int64_t n = 1;
      for (auto& r : region) {
        auto e = as_const(r.extent);
        if (!e) return std::nullopt;
        n *= ((*e - r.block) / r.stride + 1) * r.block;
      }
      return n;
    };
    detail::Invocations mode =
        scope == ir::MemScope::Workgroup ? detail::Invocations::Shared : detail::Invocations::Inner;
    std::vector<detail::Interval> region = region_of(mode);
    // A private stage that binds no axis holds only what its own invocation reads, where that
    // is less than the whole workgroup's reads (a row split over invocations: every t-th
    // element); where it is the same, the region stays in terms of the loops, as before.
    if (scope == ir::MemScope::Private && !binds_local && !holds_shared) {
      std::vector<detail::Interval> own = region_of(detail::Invocations::Own);
      auto whole = size_of(region), mine = size_of(own);
      if (mine && (!whole || *mine < *whole))
        region = std::move(own), mode = detail::Invocations::Own;
    }
    si.per_invocation = mode == detail::Invocations::Own;
    for (size_t d = 0; d < region.size(); ++d) {
      auto ext = as_const(region[d].extent);
      user_assert(ext && *ext > 0)
          << what << ": the region of dimension " << d << " (axis '" << axis_name(si.op->axis[d])
          << "') has non-constant extent " << to_string(region[d].extent)
          << "; workgroup/private buffers need a constant size";
      ir::Expr v = ir::Variable::make(ir::DType::i32(), name + "_min" + std::to_string(d));
      si.min_vars.push_back(v), si.region_min.push_back(region[d].min);
      const int64_t st = region[d].stride, bl = region[d].block;
      si.dp_min.push_back(v), si.dp_extent.push_back(make_int(((*ext - bl) / st + 1) * bl));
      si.dp_stride.push_back(st), si.dp_block.push_back(bl);
    }
    infer_axis_extents(si);
  }
}

}  // namespace webtx::lowering
