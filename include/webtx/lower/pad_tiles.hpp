#pragma once
// Padded tiles: inside a workgroup whose tile reaches past a tensor's edge, compute the whole
// tile in workgroup and private memory and guard only what touches global memory.
//
// Loop partitioning leaves the boundary workgroups with every bounds guard. Most of those
// guards protect nothing: a store into a tile buffer (workgroup or private memory) that reads
// only tile buffers stays inside the allocation for any value of the tile's loop indices, and
// what it computes for a position outside the tensor lands in a slot that only positions
// outside the tensor read (a valid program reads a producer only inside its shape). Such
// guards are dropped, so the boundary kernel keeps its unrolled register tile like the
// interior one (with the guards it had to roll its loops: ~40x slower per workgroup on the
// H100). What stays guarded: loads and stores of global memory, and stores whose slot does not
// determine the guarded position (a reduction step `acc[i] += x` guarded on its reduction
// index k: k is not part of the slot, so dropping it would add garbage to an in-tensor sum).
//
// A conjunct `c` of a guard around statement S is dropped when every store in S
//  * writes a workgroup or private buffer, inside the allocation for every value the loop and
//    invocation indices can take (constant ranges), vector lanes included, at an index that is
//    one-to-one in them (linear in plain variables, each coefficient above the span of the
//    smaller terms): a column past the last must not land in the next row's slot;
//  * reads no global buffer, and every tile buffer it reads inside its allocation;
//  * writes a slot that pins down every variable of `c` bound where that slot is private
//    (variables bound inside the buffer's Allocate, and invocation ids for workgroup buffers,
//    must appear in the store index);
//  * has no barrier, subgroup operation or integer division by a non-constant around it.
// Other conjuncts of the same guard stay.
#include <unordered_set>

#include "webtx/ir/stmt.hpp"
#include "webtx/lower/arith.hpp"

namespace webtx::lowering {

// `body` with the guards dropped that only protect tile buffers. `ranges`: constant ranges of
// the variables bound outside body (invocation ids); `local_ids`: those that are invocation
// ids. `whole_loops` (optional): the full ranges of loops that an earlier pass split into
// pieces (loop partitioning's main and tail loops share their variable): the one-to-one test
// must see every position that writes a slot, not one piece's. `dropped` counts removed
// conjuncts.
ir::Stmt pad_tiles(const ir::Stmt& body, const RangeMap& ranges,
                   const std::unordered_set<const ir::ExprNode*>& local_ids, int* dropped = nullptr,
                   const RangeMap* whole_loops = nullptr);

}  // namespace webtx::lowering
