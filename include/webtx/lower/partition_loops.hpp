#pragma once
// Loop partitioning (after Halide's PartitionLoops): bounds guards run only where a tile or a
// loop iteration can actually leave the tensor, so the hot path of a kernel is guard-free for
// any extent known only at run time.
//
// A guard conjunct `e < E` that mentions variables of known constant range (invocation ids,
// unrolled/constant loops) is *relaxed*: those variables are replaced by the extreme value that
// makes e largest, giving a condition on the remaining, uniform, values (workgroup ids, loop
// indices with run-time extents, symbols) that implies the guard for every invocation.
//  * Serial loops `for v in [0, X)`: the relaxed guards that are linear in v (a*v + r < 0,
//    a > 0) give the largest T with the guards true for every v < T; the loop becomes
//    `for v in [0, min(X, T))` without those guards, then `for v in [min(X, T), X)` with them
//    (the tail: at most a tile's worth of iterations).
//  * The workgroup: the relaxed guards that depend only on workgroup ids and symbols become
//    `if (interior) { body without them } else { body }` right under the workgroup-id lets.
// Both conditions are uniform (workgroup ids, symbols, uniform loop indices), so barriers stay
// in uniform control flow. With shapes that divide the tiles the boundary code never runs; with
// shapes that do not, it runs only for the edge tiles and the last partial step.
#include "webtx/ir/stmt.hpp"
#include "webtx/lower/bind_threads.hpp"

namespace webtx::lowering {

struct PartitionStats {
  int loops = 0;       // serial loops split into an interior and a tail
  bool interior = false;  // whether the workgroup got an interior/boundary version
};

ir::Stmt partition_loops(const ir::Stmt& body, const LaunchConfig& lc,
                         PartitionStats* stats = nullptr);

}  // namespace webtx::lowering
