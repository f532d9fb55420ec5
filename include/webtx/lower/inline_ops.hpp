#pragma once
// compute_inline substitution: every read of an inlined stage is replaced by that stage's
// expression with its axes substituted by the read's indices (recursively). Reads of any
// operation a stage has had (cache_read/cache_write replace operations) are redirected to the
// stage's current operation first.
#include "webtx/lower/context.hpp"

namespace webtx::lowering {

namespace detail {
class InlineOps : public ir::IRMutator {
 public:
  explicit InlineOps(const Schedule& s) : s_(s) {}
  using ir::IRMutator::mutate;

 protected:
  ir::Expr mutate_ProducerLoad(const ir::Expr&, const ir::ProducerLoad& op) override {
    auto idx = mutate_all(op.indices).first;
    ir::Operation p = s_.current(op.producer);
    if (s_.has_stage(p) && s_[p].attach() == AttachKind::Inline) {
      VarMap m;
      for (size_t i = 0; i < idx.size(); ++i) m[p->axis[i]->var.get()] = idx[i];
      return mutate(substitute(p->body, m));
    }
    return ir::ProducerLoad::make(p, std::move(idx));
  }

 private:
  const Schedule& s_;
};
}  // namespace detail

// The body of `op` as lowering sees it: reads normalized, inlined producers substituted.
inline ir::Expr inline_ops(const ir::Expr& body, const Schedule& s) {
  return detail::InlineOps(s).mutate(body);
}

// Fills StageInfo::body for every compute stage of the context.
inline void inline_ops(LowerContext& ctx) {
  for (auto& si : ctx.stages) {
    if (!si.op->is_placeholder()) si.body = inline_ops(si.op->body, *ctx.sched);
  }
}

}  // namespace webtx::lowering
