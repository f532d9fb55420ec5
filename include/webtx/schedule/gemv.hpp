#pragma once
// gemv_2d: the schedule for skinny matmul-like reductions (few rows, e.g. M <= 64 of a
// [M, K] x [K, N] product: a GEMV when M is 1), where tile_2d's big square tiles would be
// mostly empty. Each workgroup computes `cols` outputs of the last axis for `rows` rows; its
// invocations are `cols / vec` along the last axis (local_id.x, `vec` consecutive outputs each,
// so neighbours read neighbouring vec4s of B's rows) times `k_threads` along the reduction
// (local_id.y, strided: each reduces every k_threads-th k, partial sums combined across the
// workgroup, docs/lowering.md "Reductions across invocations"). The input read with the last
// output axis as its last index (B) is copied `vec` elements at a time into registers
// (vectorized: vec4 loads where aligned), `k_unroll` reduction steps unrolled. Rows past `rows`
// go to workgroup_id.y, leading (batch) axes to workgroup_id.z. Use it under
// Stage::specialize (e.g. M <= 8) beside a tile_2d schedule for the general case.
#include <vector>

#include "webtx/schedule/schedule.hpp"

namespace webtx {

struct Gemv {
  int64_t rows = 8;       // rows (second-to-last axis) per workgroup, each invocation all of them
  int64_t cols = 32;      // outputs of the last axis per workgroup (a multiple of vec)
  int64_t vec = 4;        // consecutive outputs per invocation
  int64_t k_threads = 8;  // invocations sharing one reduction (local_id.y)
  int64_t k_unroll = 4;   // reduction steps per loop iteration, unrolled
};

struct GemvStages {
  Stage* out = nullptr;          // writes the result (op, or the last epilogue op)
  Stage* accumulator = nullptr;  // the reduction in registers, computed at out's invocation
  std::vector<Stage*> inlined;   // epilogue ops before the last, inlined into out
};

// `op`: a reduction over one axis whose result has 2+ axes; `epilogue`: elementwise ops of
// op's shape after it, as in tile_2d. Errors name the stage and end with `where`.
GemvStages gemv_2d(Schedule& s, const ir::Operation& op, const Gemv& cfg = {},
                   const std::vector<ir::Operation>& epilogue = {}, Where where = Where::current());

// The parts gemv_2d is made of, for schedules that place the stages themselves
// (auto_schedule): the input of `op` read with its last output axis as the last index (null
// when none), and the schedule of `out` (unscheduled, writing the result) with `acc` (the
// reduction, private, unscheduled) computed inside it.
ir::Operation gemv_column_input(const ir::Operation& op);
void gemv_schedule(Schedule& s, Stage& out, Stage& acc, const ir::Operation& b_input,
                   const Gemv& cfg, Where where = Where::current());

}  // namespace webtx
