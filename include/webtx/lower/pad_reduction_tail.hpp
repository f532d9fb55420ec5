#pragma once
// The last partial step of a tiled reduction, zero-padded: one loop over every step, whose
// compute is the guard-free code of the full steps.
//
// Loop partitioning splits `for v in [0, X)` into guard-free full steps and a guarded tail
// (`for v in [split, X)`). With an unrolled register tile the tail is a second copy of the
// whole step (every multiply-add behind its own guard), which doubles the kernel's code; on
// the H100 through Dawn the kernel holding both ran its full steps 1.6-2.2x slower than the
// same kernel without the tail (small-tile matmul at 1000^3 against 1024^3). Here the tail
// step instead fills its workgroup/private tiles with zeros past the tensor's end and runs
// the same compute: only the copies from global memory are chosen per step,
//   for v in [0, X) { if (v < split) {copies} else {guarded copies, 0 past the end}; compute }
// (`v < split` is uniform: barriers stay in uniform control flow).
//
// When it applies (checked, else nullopt: the caller keeps its main + tail loops): with the
// loop's relaxed guard conjuncts (those the full steps drop),
//  * a store into a workgroup/private buffer that reads global memory keeps them and stores
//    0 where they fail; pad_tiles must accept the zero store (inside the allocation for every
//    index value, one-to-one, its slot pins the guard: no other position's value is lost);
//  * other stores into tile buffers lose them where pad_tiles would drop them (copies
//    between tiles: a position past the end gets its producer's value, 0);
//  * a reduction step `acc[i] = acc[i] + x * y`, x and y read from tile buffers, loses them
//    when each conjunct, relaxed (invocation ids and constant loops at their extremes), is
//    one of the zero-filled copies' conjuncts relaxed the same way: the step's position is
//    past the end exactly where the copied positions are, so it adds 0 * 0 (and only where
//    the step's own index stays inside its accumulator for every value in range);
//  * nothing else is guarded by them (a global store, another update: not applied).
#include <array>
#include <functional>
#include <optional>
#include <unordered_set>
#include <vector>

#include "webtx/ir/stmt.hpp"
#include "webtx/lower/arith.hpp"

namespace webtx::lowering {

// `relaxed_form(cond, ranges)`: cond with the constant-range variables at their extremes (a
// canonical condition on the loop index and uniform values), nullopt when it does not relax.
using RelaxedForm = std::function<std::optional<ir::Expr>(const ir::Expr&, const RangeMap&)>;

// The loop body for all of [0, X) (see above), or nullopt. `body`: the loop body with its
// guards; `var`, `split`: the loop index and where the tail starts; `relaxed`: the conjuncts
// the full steps drop; `ranges`/`local_ids`: constant ranges of the variables bound outside
// (invocation ids among them); `workgroup`: the workgroup size (invocation ids bound inside).
std::optional<ir::Stmt> pad_reduction_tail(const ir::Stmt& body, const ir::Expr& var,
                                           const ir::Expr& split,
                                           const std::vector<ir::Expr>& relaxed,
                                           const RangeMap& ranges,
                                           const std::unordered_set<const ir::ExprNode*>& local_ids,
                                           const std::array<int64_t, 3>& workgroup,
                                           const RelaxedForm& relaxed_form);

}  // namespace webtx::lowering
