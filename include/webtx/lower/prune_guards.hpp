#pragma once
// Guards of one unrolled iteration: the backends replicate Unrolled/Vectorized loops with the
// index bound to a constant; a guard that is false for that constant (a split tail past a
// small cache, `x + v < x + 1` for v >= 1) drops its branch here. WGSL needs it: Tint
// rejects a constant out-of-bounds index even in dead code (the fuzzer's seeds 3855/4330).
// It also keeps dead copies from multiplying a driver's compile time around barriers (seed
// 103: SwiftShader and lavapipe split the kernel into coroutines at each barrier).
#include "webtx/ir/functor.hpp"
#include "webtx/lower/simplify.hpp"

namespace webtx::lowering {

namespace detail {
class PruneGuards : public ir::IRMutator {
 public:
  explicit PruneGuards(const ir::VarMap& at) : at_(at) {}
  using ir::IRMutator::mutate;
  ir::Stmt mutate_IfThenElse(const ir::Stmt& s, const ir::IfThenElse& op) override {
    if (auto c = as_const(simplify(substitute(op.cond, at_)))) {
      if (*c) return mutate(op.then_case);
      return op.else_case.defined() ? mutate(op.else_case) : ir::Seq::make({});
    }
    return ir::IRMutator::mutate_IfThenElse(s, op);
  }

 private:
  const ir::VarMap& at_;
};
}  // namespace detail

// `body` with the branches of guards that are constant once `var` is `value` resolved (the
// rest unchanged: the backend binds `var` to `value` itself).
inline ir::Stmt prune_guards(const ir::Stmt& body, const ir::Expr& var, int64_t value) {
  ir::VarMap at{{var.get(), ir::IntImm::make(var.type(), value)}};
  return detail::PruneGuards(at).mutate(body);
}

}  // namespace webtx::lowering
