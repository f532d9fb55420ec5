#pragma once
// Ready-made schedules built from the primitives (a convenience layer; everything here can be
// written by hand with split/tile/bind/cache_*/compute_at):
//  * parallelize(s, op): one invocation per output element, `threads` per workgroup.
//  * parallelize_unscheduled(s): the same for every root stage nobody scheduled.
//  * tile_2d(s, op, cfg, epilogue): the classic GPU matmul schedule for any op whose last two
//    axes form the output tile: a block_y x block_x tile per workgroup, thread_y x thread_x
//    outputs per invocation accumulated in private memory, and, for reductions, every input
//    staged in workgroup memory k_step at a time, fetched cooperatively. An elementwise
//    epilogue (bias, activation: ops of op's shape reading it, in order) is fused: its last op
//    is tiled and writes the result, the reduction is computed inside it in registers and the
//    ops between are inlined. Returns the stages and axes it made (Tile2DStages).
// Each is an ordinary user schedule: auto_schedule() leaves the stages they touch alone.
#include <string>
#include <vector>

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

// What tile_2d made, to schedule further (e.g. vectorize inner_x, or read the accumulator's
// reduction split). Stage pointers stay valid as long as the Schedule.
struct Tile2DStages {
  Stage* out = nullptr;            // writes the result: op's stage, or the last epilogue op's
  Stage* accumulator = nullptr;    // the reduction, in registers, computed at out's thread_x
  std::vector<Stage*> inputs;      // the reduction's inputs staged in workgroup memory
  std::vector<Stage*> inlined;     // epilogue ops before the last, inlined into out
  ir::IterVar block_y, block_x;    // out's tile axes on workgroup_id.y / .x
  ir::IterVar thread_y, thread_x;  // on local_id.y / .x
  ir::IterVar inner_y, inner_x;    // each invocation's thread_y x thread_x outputs (unrolled)
  ir::IterVar batch;               // leading axes fused on workgroup_id.z (null when 2-D)
  ir::IterVar k_outer, k_inner;    // the accumulator's reduction split by k_step (null w/o)
};

// See the file comment. Leading axes (batch) are fused onto workgroup_id.z. `epilogue`: ops
// with op's rank and no reduction, each reading the one before (the first reads op); op must
// then be a reduction and not a model output. Errors name the stage and end with `where`.
Tile2DStages tile_2d(Schedule& s, const ir::Operation& op, const Tile2D& cfg = {},
                     const std::vector<ir::Operation>& epilogue = {},
                     Where where = Where::current());

}  // namespace webtx
