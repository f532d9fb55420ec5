#pragma once
// Lowering of a tensorized stage (Stage::tensorize, schedule/tensorize.hpp): checks the
// request against the Target (feature, subgroup-matrix shapes, dtypes, a matmul-like body)
// and writes the whole kernel body directly: workgroup tiles of A and B staged through
// workgroup memory in per-subgroup slices (constant fragment offsets and strides), the next
// tile prefetched into registers while the current one is multiplied, one set of result
// fragments per subgroup, stored straight to C. The body is already thread-bound and flat, so
// it skips the generic passes (schedule_ops ... vectorize); lower() calls this instead.
#include "webtx/ir/program.hpp"
#include "webtx/lower/bind_threads.hpp"
#include "webtx/lower/context.hpp"

namespace webtx::lowering {

struct TensorizedBody {
  ir::Stmt body;
  LaunchConfig launch;
  // Symbolic extents the kernel needs to be multiples of its tile (it has no tail code).
  std::vector<ir::ProgramCheck> checks;
};

TensorizedBody lower_tensorized(LowerContext& ctx, StageInfo& si);

}  // namespace webtx::lowering
