#pragma once
// Constant indices outside fixed-size private and workgroup buffers. run_program's bounds
// checker rejects every program that makes such an access, so one left in a kernel is dead
// code behind a guard the simplifier could not decide. The backends never emit one: Tint
// rejects it even in dead code (seeds 3855/4330), and NVIDIA's compiler crashed on the
// out-of-bounds indices its own unrolling made of such code (seed 8510, SIGSEGV in
// vkCreateComputePipelines).
#include <optional>

#include "webtx/ir/expr.hpp"
#include "webtx/ir/operators.hpp"
#include "webtx/lower/arith.hpp"

namespace webtx::lowering {

// The element count of a private or workgroup buffer of constant shape.
inline std::optional<int64_t> fixed_size(const ir::BufferNode& b) {
  if (b.scope == ir::MemScope::Global || b.matrix != ir::MatrixRole::None) return std::nullopt;
  int64_t n = 1;
  for (auto& d : b.shape) {
    auto c = ir::as_const(d);
    if (!c) return std::nullopt;
    n *= *c;
  }
  return n;
}

// True when `index` is a constant and elements index .. index + lanes - 1 leave `b`.
inline bool constant_out_of_bounds(const ir::BufferNode& b, const ir::Expr& index, int lanes) {
  auto i = ir::as_const(index);
  auto n = i ? fixed_size(b) : std::nullopt;
  return n && (*i < 0 || *i + lanes > *n);
}

// Whether elements index .. index + lanes - 1 stay inside `b` (a fixed-size buffer) for every
// value the variables in `vars` can take.
inline bool inside_for_all(const ir::BufferNode& b, const ir::Expr& index, int lanes,
                           const RangeMap& vars) {
  auto n = fixed_size(b);
  auto r = n ? const_bounds(index, vars) : std::nullopt;
  return r && r->lo >= 0 && r->hi + lanes <= *n;
}

}  // namespace webtx::lowering
