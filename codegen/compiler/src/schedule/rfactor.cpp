// Schedule::rfactor (declared in webtx/schedule/schedule.hpp): a reduction split in two stages.
#include <variant>

#include "webtx/ir/operators.hpp"
#include "webtx/ir/substitute.hpp"
#include "webtx/schedule/schedule.hpp"

namespace webtx {

namespace {

ir::IterVar fresh(const ir::IterVar& like, ir::IterKind kind) {
  return ir::make_iter_var(ir::Variable::make(ir::DType::i32(), axis_name(like)),
                           ir::IntImm::make(ir::DType::i32(), 0), like->extent, kind);
}

ir::Expr i32(int64_t v) { return ir::IntImm::make(ir::DType::i32(), v); }

}  // namespace

Stage& Schedule::rfactor(const ir::Operation& op, const ir::IterVar& axis) {
  Stage& st = (*this)[op];
  const std::string name = st.name();
  auto* red = st.op()->reduce();
  user_assert(red) << "rfactor of stage '" << name << "': it is not a reduction";
  st.leaf_pos(axis, "rfactor");
  user_assert(axis->kind == ir::IterKind::Reduce)
      << "rfactor of stage '" << name << "': axis '" << axis_name(axis)
      << "' is data-parallel; rfactor takes a reduction axis";
  user_assert(st.attach() == AttachKind::Root && st.attrs().empty())
      << "rfactor of stage '" << name << "': call it before binding, unrolling or placing the "
      << "stage";
  for (auto& rel : st.relations()) {
    const ir::IterVar& touched =
        std::visit(Overloaded{[](const SplitRel& r) -> const ir::IterVar& { return r.parent; },
                              [](const FuseRel& r) -> const ir::IterVar& { return r.outer; }},
                   rel);
    user_assert(touched->kind == ir::IterKind::Reduce)
        << "rfactor of stage '" << name << "': its data-parallel axis '" << axis_name(touched)
        << "' is already split or fused; call rfactor before scheduling data-parallel axes";
  }
  const ir::Operation orig = st.op();
  // The factored stage: `axis` (outermost: the partial results of one part are contiguous),
  // then op's data-parallel axes; reduced over the other leaves.
  std::vector<ir::IterVar> dp = {fresh(axis, ir::IterKind::DataPar)};
  ir::VarMap vmap;  // op's variables -> the factored stage's
  for (auto& a : orig->axis) {
    dp.push_back(fresh(a, ir::IterKind::DataPar));
    vmap[a->var.get()] = dp.back()->var;
  }
  std::vector<ir::IterVar> rest;
  std::unordered_map<const ir::IterVarNode*, ir::Expr> value;  // leaf/parent -> value
  for (auto& l : st.leaf_axes()) {
    if (l->kind != ir::IterKind::Reduce) continue;
    if (l == axis) {
      value[l.get()] = dp.front()->var;
    } else {
      rest.push_back(fresh(l, ir::IterKind::Reduce));
      value[l.get()] = rest.back()->var;
    }
  }
  user_assert(!rest.empty()) << "rfactor of stage '" << name << "': axis '" << axis_name(axis)
                             << "' is its only reduction axis; split it first and factor a part";
  // Replay splits and fuses backwards; a non-dividing split may overshoot its parent.
  ir::Expr in_range;
  auto bound = [&](const ir::Expr& v, const ir::Expr& ext) {
    ir::Expr lt = ir::LT::make(v, ext);
    in_range = in_range.defined() ? ir::And::make(in_range, lt) : lt;
  };
  const auto& rels = st.relations();
  for (auto it = rels.rbegin(); it != rels.rend(); ++it) {
    std::visit(
        Overloaded{[&](const SplitRel& s) {
                     value[s.parent.get()] =
                         ir::Add::make(ir::Mul::make(value.at(s.outer.get()), i32(s.factor)),
                                       value.at(s.inner.get()));
                     auto c = ir::as_const(s.parent->extent);
                     if (!c || *c % s.factor != 0) bound(value[s.parent.get()], s.parent->extent);
                   },
                   [&](const FuseRel& f) {
                     value[f.outer.get()] = ir::Div::make(value.at(f.fused.get()), f.inner->extent);
                     value[f.inner.get()] = ir::Mod::make(value.at(f.fused.get()), f.inner->extent);
                   }},
        *it);
  }
  // Past the end: select(in range, source, identity). Lowering turns that select into a guard
  // on the update (schedule_ops.hpp, conditional_source), so the reads are not clamped: a
  // clamped index (min(k, K - 1)) would leave tiles of the factored stage's inputs without a
  // constant size when K is symbolic (split-K matmul: k = ko * L + ki, ki constant).
  for (auto& a : red->axes) vmap[a->var.get()] = ir::Add::make(a->min, value.at(a.get()));
  ir::Expr src = ir::substitute(red->source, vmap);
  if (in_range.defined())
    src = ir::Select::make(in_range, src, ir::reduce_identity(red->op, red->type));
  auto rf = ir::make_compute(name + ".rf", dp, ir::Reduce::make(red->op, src, rest));
  // op's stage: the reduction of the factored stage over `axis`.
  auto k = fresh(axis, ir::IterKind::Reduce);
  std::vector<ir::Expr> idx = {k->var};
  for (auto& a : orig->axis) idx.push_back(a->var);
  replace_op(st, ir::make_compute(name, orig->axis,
                                  ir::Reduce::make(red->op, ir::ProducerLoad::make(rf, idx), {k})));
  st.leaves_ = orig->axis, st.all_ = orig->axis;
  st.leaves_.push_back(k), st.all_.push_back(k);
  st.rels_.clear();
  return add_stage(rf, false, find(&st));
}

}  // namespace webtx
