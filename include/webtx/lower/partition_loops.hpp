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
//  * The workgroup: the relaxed guards that depend only on workgroup ids and symbols give the
//    interior workgroups (tiles inside the tensors). The edge copy is padded (pad_tiles.hpp:
//    guards stay only where global memory is touched) and the kernel becomes
//    `if (interior) {guard-free} else {padded edge}`, one launch. When nothing pads, the edge
//    keeps its guards, rolled, as a separate kernel over the whole grid that returns at once
//    in interior workgroups (one pipeline each: a kernel holding an unrolled interior and a
//    rolled edge spills its register tile).
//  * Loop tails that depend on symbols only: the interior kernel comes twice, without the
//    tails (launched when every loop step divides) and with them (launched otherwise).
//  * Row strides: each interior kernel comes once more, first, for calls whose symbols in
//    global indices are multiples of 4 (`_vec4`, `_tail_vec4`: each such symbol s is
//    4 * (s / 4) in its body, so vectorize proves its global accesses 4-aligned, as with
//    constant shapes), and the symbolic size of a global buffer accessed in a vectorized loop
//    that no constant dimension makes a multiple of 4 (a 1-D tensor of n elements).
// Launches a version does not need for the call's shapes have 0 workgroups (the host skips
// them): with shapes that divide the tiles only the first kernel runs.
// Every condition is uniform (workgroup ids, symbols, uniform loop indices), so barriers stay
// in uniform control flow.
#include <array>
#include <string>
#include <vector>

#include "webtx/ir/stmt.hpp"
#include "webtx/lower/bind_threads.hpp"

namespace webtx::lowering {

// One version of a kernel: `suffix` is appended to the kernel's name, `variant` says which
// workgroups and shapes it serves (dumps and the model description show it), and `grid` is
// the launch, 0 workgroups when the version has nothing to do for the call's shapes (the
// host skips empty launches).
struct KernelVersion {
  std::string suffix, variant;
  ir::Stmt body;
  std::array<ir::Expr, 3> grid;
  // Symbols that are multiples of 4 whenever this version is launched (row strides: global
  // copies can then be vec4; vectorize.hpp).
  std::vector<ir::Expr> aligned = {};
};

// The versions of one kernel, in dispatch order (one, unchanged apart from its loops, when
// nothing is worth versioning).
std::vector<KernelVersion> partition_kernel(const ir::Stmt& body, const LaunchConfig& lc);

}  // namespace webtx::lowering
