#pragma once
// Guards of one unrolled iteration: the backends replicate Unrolled/Vectorized loops with the
// index bound to a constant; a guard that is false for that constant (a split tail past a
// small cache, `x + v < x + 1` for v >= 1) drops its branch here. WGSL needs it: Tint
// rejects a constant out-of-bounds index even in dead code (the fuzzer's seeds 3855/4330).
// It also keeps dead copies from multiplying a driver's compile time around barriers (seed
// 103: SwiftShader and lavapipe split the kernel into coroutines at each barrier).
// GuardScope adds what holds where the loop is: the ranges of the enclosing loop indices, of
// let variables bound to thread indices or index arithmetic, and of the thread indices
// themselves, so `t * 6 + v < 1` is false for v >= 1 when t is a local id (seeds 358, 6813).
// Safety net (constant_index.hpp): a branch whose code makes a constant out-of-bounds access
// into a fixed-size private/workgroup buffer for this iteration cannot run in a valid
// program, so it is dropped even where its guard is undecided; such an access outside every
// guard of the iteration is an internal error.
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "webtx/error.hpp"
#include "webtx/ir/functor.hpp"
#include "webtx/lower/constant_index.hpp"
#include "webtx/lower/simplify.hpp"

namespace webtx::lowering {

// The variables in scope at a point of a kernel body and their constant ranges. A backend
// pushes every loop and let it enters and pops it on leaving, and prunes each unrolled
// iteration with prune().
class GuardScope {
 public:
  explicit GuardScope(const std::array<int64_t, 3>& workgroup_size, std::string kernel = "") {
    for (int d = 0; d < 3; ++d) threads_[d] = workgroup_size[d];
    kernel_ = std::move(kernel);
  }
  GuardScope() = default;

  void push_loop(const ir::Expr& var, const ir::Expr& min, const ir::Expr& extent) {
    auto mn = const_bounds(min, ranges_, &threads_), ex = const_bounds(extent, ranges_, &threads_);
    std::optional<ConstRange> r;
    if (mn && ex && ex->hi >= 1) r = ConstRange{mn->lo, mn->hi + ex->hi - 1};
    push(var, r);
  }
  void push_value(const ir::Expr& var, int64_t value) { push(var, ConstRange{value, value}); }
  // A let: thread indices and index arithmetic get their ranges; data (loads) none.
  void push_let(const ir::Expr& var, const ir::Expr& value) {
    push(var, var.type().is_int() ? const_bounds(value, ranges_, &threads_) : std::nullopt);
  }
  void pop() {
    auto& [node, old] = saved_.back();
    if (old) {
      ranges_[node] = *old;
    } else {
      ranges_.erase(node);
    }
    saved_.pop_back();
  }

  // `body` with the branches of guards that are constant once `var` is `value` resolved, given
  // the ranges in scope (the rest unchanged: the backend binds `var` to `value` itself).
  ir::Stmt prune(const ir::Stmt& body, const ir::Expr& var, int64_t value) const;
  // A kernel body without the branches that make a constant out-of-bounds access (the safety
  // net above, for code outside unrolled loops); one outside every guard is an internal error.
  ir::Stmt drop_out_of_bounds(const ir::Stmt& body) const;

 private:
  friend class PruneGuardsMutator;
  void push(const ir::Expr& var, std::optional<ConstRange> r) {
    auto it = ranges_.find(var.get());
    saved_.push_back(
        {var.get(), it == ranges_.end() ? std::nullopt : std::optional<ConstRange>(it->second)});
    if (r) {
      ranges_[var.get()] = *r;
    } else {
      ranges_.erase(var.get());
    }
  }
  RangeMap ranges_;
  std::string kernel_;                                // for error messages
  std::array<int64_t, 6> threads_{0, 0, 0, 0, 0, 0};  // workgroup size; grid unknown
  std::vector<std::pair<const ir::ExprNode*, std::optional<ConstRange>>> saved_;
};

class PruneGuardsMutator : public ir::IRMutator {
 public:
  PruneGuardsMutator(GuardScope scope, const ir::VarMap& at) : scope_(std::move(scope)), at_(at) {}
  using ir::IRMutator::mutate;
  ir::Stmt mutate_IfThenElse(const ir::Stmt& s, const ir::IfThenElse& op) override {
    SimplifyOptions so;
    for (int d = 0; d < 3; ++d) so.workgroup_size[d] = scope_.threads_[d];
    if (auto c = as_const(simplify(substitute(op.cond, at_), scope_.ranges_, so))) {
      if (*c) return mutate(op.then_case);
      return op.else_case.defined() ? mutate(op.else_case) : ir::Seq::make({});
    }
    // A branch making a constant out-of-bounds access never runs: keep the other one.
    std::optional<std::string> outer = std::move(oob_);
    oob_.reset();
    ir::Stmt t = mutate(op.then_case);
    bool t_dead = oob_.has_value();
    oob_.reset();
    ir::Stmt f = op.else_case.defined() ? mutate(op.else_case) : ir::Stmt();
    bool f_dead = oob_.has_value();
    if (t_dead && f_dead) return s;  // both: leave it to the caller (oob_ set)
    oob_ = std::move(outer);
    if (t_dead) return f.defined() ? f : ir::Seq::make({});
    if (f_dead) return t;
    return ir::IfThenElse::make(op.cond, t, f);
  }
  ir::Expr mutate_Load(const ir::Expr& e, const ir::Load& op) override {
    check(*op.buffer, op.index, op.lanes);
    return ir::IRMutator::mutate_Load(e, op);
  }
  ir::Stmt mutate_Store(const ir::Stmt& s, const ir::Store& op) override {
    check(*op.buffer, op.index, op.lanes);
    return ir::IRMutator::mutate_Store(s, op);
  }
  // The buffer of a constant out-of-bounds access outside every guard of the iteration.
  std::optional<std::string> oob_;
  ir::Stmt mutate_For(const ir::Stmt& s, const ir::For& op) override {
    scope_.push_loop(op.var, substitute(op.min, at_), substitute(op.extent, at_));
    ir::Stmt r = ir::IRMutator::mutate_For(s, op);
    scope_.pop();
    return r;
  }
  ir::Stmt mutate_LetStmt(const ir::Stmt& s, const ir::LetStmt& op) override {
    scope_.push_let(op.var, substitute(op.value, at_));
    ir::Stmt r = ir::IRMutator::mutate_LetStmt(s, op);
    scope_.pop();
    return r;
  }

 private:
  void check(const ir::BufferNode& b, const ir::Expr& index, int lanes) {
    if (!fixed_size(b)) return;
    SimplifyOptions so;
    for (int d = 0; d < 3; ++d) so.workgroup_size[d] = scope_.threads_[d];
    ir::Expr i = simplify(substitute(index, at_), scope_.ranges_, so);
    if (constant_out_of_bounds(b, i, lanes))
      oob_ = b.name + "[" + std::to_string(*as_const(i)) + "] (" + std::to_string(*fixed_size(b)) +
             " elements)";
  }
  GuardScope scope_;
  const ir::VarMap& at_;
};

inline ir::Stmt GuardScope::prune(const ir::Stmt& body, const ir::Expr& var, int64_t value) const {
  ir::VarMap at{{var.get(), ir::IntImm::make(var.type(), value)}};
  GuardScope inner = *this;
  inner.push_value(var, value);
  PruneGuardsMutator m(std::move(inner), at);
  ir::Stmt r = m.mutate(body);
  internal_assert(!m.oob_) << "kernel '" << kernel_ << "': unrolled iteration " << value
                           << " accesses " << *m.oob_
                           << " outside every guard; run_program rejects such a program";
  return r;
}

inline ir::Stmt GuardScope::drop_out_of_bounds(const ir::Stmt& body) const {
  ir::VarMap none;
  PruneGuardsMutator m(*this, none);
  ir::Stmt r = m.mutate(body);
  internal_assert(!m.oob_) << "kernel '" << kernel_ << "' accesses " << *m.oob_
                           << " outside every guard; run_program rejects such a program";
  return r;
}

// prune() without anything known about the enclosing scope.
inline ir::Stmt prune_guards(const ir::Stmt& body, const ir::Expr& var, int64_t value) {
  return GuardScope().prune(body, var, value);
}

}  // namespace webtx::lowering
