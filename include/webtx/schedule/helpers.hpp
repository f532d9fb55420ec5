#pragma once
// Ready-made schedules built from the primitives (a convenience layer; everything here can be
// written by hand with split/tile/bind/cache_*/compute_at):
//  * parallelize(s, op): one invocation per output element, `threads` per workgroup.
//  * parallelize_unscheduled(s): the same for every root stage nobody scheduled.
//  * tile_2d(s, op, cfg): the classic GPU matmul schedule for any op whose last two axes form
//    the output tile: a block_y x block_x tile per workgroup, thread_y x thread_x outputs per
//    invocation accumulated in private memory (cache_write), and, for reductions, every input
//    staged in workgroup memory k_step at a time, fetched cooperatively.
#include <string>

#include "webtx/schedule/schedule.hpp"

namespace webtx {

// Fuses all data-parallel axes of `op` and spreads them over workgroups of `threads`
// invocations (grid x = ceil(elements / threads); WebGPU allows up to 65535 workgroups per
// dimension, so up to 65535 * threads elements).
Stage& parallelize(Schedule& s, const ir::Operation& op, int64_t threads = 64);

// A computed root stage whose loop nest nobody shaped: no split/fuse/reorder, no bound or
// unrolled axis, and no stage computed inside it (what the default schedules may take over).
bool is_unscheduled(const Schedule& s, const Stage& st);

// parallelize() every stage is_unscheduled() accepts.
void parallelize_unscheduled(Schedule& s, int64_t threads = 64);

struct Tile2D {
  int64_t block_y = 64, block_x = 64;  // output tile per workgroup
  int64_t thread_y = 4, thread_x = 4;  // outputs per invocation
  int64_t k_step = 8;                  // reduction elements staged per step
  bool cache_inputs = true;            // stage reduction inputs in workgroup memory
};

// See the file comment. Leading axes (batch) are fused onto workgroup_id.z.
void tile_2d(Schedule& s, const ir::Operation& op, const Tile2D& cfg = {});

}  // namespace webtx
