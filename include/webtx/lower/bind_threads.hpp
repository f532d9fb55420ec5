#pragma once
// Thread binding: loops bound to hardware axes become `let var = workgroup_id.d` /
// `let var = local_id.d`. The workgroup size is, per dimension, the largest extent bound to
// it (must be a constant); the grid is the extent bound to each workgroup dimension (an
// expression over the symbols, e.g. a ceil-div), 1 where nothing is bound. Smaller loops on a
// dimension are guarded by the predicates schedule_ops put around their stores. Constant
// extents are checked against the Target's limits here, where the stage and axis are known.
#include <array>

#include "webtx/lower/context.hpp"
#include "webtx/lower/simplify.hpp"
#include "webtx/target_check.hpp"

namespace webtx::lowering {

struct LaunchConfig {
  std::array<int64_t, 3> workgroup_size{1, 1, 1};
  std::array<ir::Expr, 3> grid{make_int(1), make_int(1), make_int(1)};
};

namespace detail {
class BindThreads : public ir::IRMutator {
 public:
  BindThreads(const LowerContext& ctx, LaunchConfig& lc, const Target& target)
      : ctx_(ctx), lc_(lc), target_(target) {}
  using ir::IRMutator::mutate;

 protected:
  ir::Stmt mutate_For(const ir::Stmt& s, const ir::For& op) override {
    auto it = ctx_.bindings.find(op.var.get());
    if (it == ctx_.bindings.end()) return ir::IRMutator::mutate_For(s, op);
    auto& b = it->second;
    ir::Expr ext = simplify(op.extent);
    if (b.thread == ir::ThreadAxis::LocalId) {
      auto c = as_const(ext);
      user_assert(c) << "stage '" << b.stage << "': axis '" << b.axis << "' is bound to local_id."
                     << "xyz"[b.dim] << " but its extent " << to_string(ext)
                     << " is not a constant (the workgroup size must be)";
      static const char* const kSize[3] = {"maxComputeWorkgroupSizeX", "maxComputeWorkgroupSizeY",
                                           "maxComputeWorkgroupSizeZ"};
      check_limit(target_, kSize[b.dim], *c,
                  where(b, "local_id") + " with extent " + std::to_string(*c),
                  "split it and bind a smaller part");
      lc_.workgroup_size[b.dim] = std::max(lc_.workgroup_size[b.dim], *c);
    } else {
      if (auto c = as_const(ext)) {
        check_limit(
            target_, "maxComputeWorkgroupsPerDimension", *c,
            where(b, "workgroup_id") + " with extent " + std::to_string(*c) + " (workgroups)",
            "split it further");
      }
      if (!grid_set_[b.dim]) {
        lc_.grid[b.dim] = ext, grid_set_[b.dim] = true;
      } else {
        user_assert(deep_equal(lc_.grid[b.dim], ext))
            << "stage '" << b.stage << "': axis '" << b.axis << "' is bound to workgroup_id."
            << "xyz"[b.dim] << " with extent " << to_string(ext) << ", but another loop binds it "
            << "with extent " << to_string(lc_.grid[b.dim]);
      }
    }
    ir::Stmt body = mutate(op.body);
    ir::Expr v = ir::ThreadIndex::make(b.thread, b.dim);
    if (!is_const(op.min, 0)) v = ir::Add::make(v, op.min);
    return ir::LetStmt::make(op.var, v, body);
  }

 private:
  template <typename B>
  static std::string where(const B& b, const char* axis) {
    return "stage '" + b.stage + "': axis '" + b.axis + "' is bound to " + axis + "." +
           std::string(1, "xyz"[b.dim]);
  }

  const LowerContext& ctx_;
  LaunchConfig& lc_;
  const Target& target_;
  bool grid_set_[3] = {false, false, false};
};
}  // namespace detail

inline ir::Stmt bind_threads(const ir::Stmt& body, const LowerContext& ctx, LaunchConfig& out,
                             const Target& target = {}) {
  return detail::BindThreads(ctx, out, target).mutate(body);
}

// Ranges of thread indices for simplify.
inline SimplifyOptions thread_ranges(const LaunchConfig& lc) {
  SimplifyOptions o;
  for (int d = 0; d < 3; ++d) {
    o.workgroup_size[d] = lc.workgroup_size[d];
    auto g = as_const(lc.grid[d]);
    o.grid[d] = g ? *g : 0;
  }
  return o;
}

}  // namespace webtx::lowering
