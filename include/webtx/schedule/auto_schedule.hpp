#pragma once
// The graph-level default schedule (docs/lowering.md, "Automatic scheduling"): what a model
// gets for every stage its author did not schedule. Two steps, after TVM's operator fusion and
// dlight rules:
//
//  1. Fusion. A reduction (the group's *anchor*) absorbs the chain of injective stages that
//     read it element for element, each the only reader of the one before (conv -> bias ->
//     relu6, matmul -> bias, sum -> scale, conv -> bias -> add(residual)): the chain's last
//     stage becomes the group's root, the anchor is computed inside it in registers, and the
//     stages between are inlined. Every other untouched injective stage that is not a model
//     output (padding, reshape, an activation of a tensor with several readers) is inlined into
//     its readers. So each group is one kernel and writes one tensor.
//  2. A rule per group, chosen from the anchor's arithmetic:
//     - "matmul" (only when options.block > 1): the anchor is sum(a * b) and some output axis
//       is absent from b while the innermost one is absent from a (or the reverse): dense
//       layers, 1x1 and dense convolutions. Each invocation computes a `block` x `block` tile
//       of outputs over those two axes, reusing every loaded a and b value `block` times.
//     - "row-reduction": an anchor that is not matmul-like and reduces along a long row (its
//       innermost reduction axis symbolic or >= 32, and the last index of a read): a workgroup
//       per output element (or per few, for rows shorter than `row_threads`), whose invocations
//       split the row (neighbours read neighbours) and combine their partial results across
//       the workgroup. Row fusion: an injective root that reads such reductions only along its
//       leading axes, and is their only reader (softmax: max, sum, then exp(x - max) / sum;
//       layernorm), computes them at its row, in the same kernel.
//     - "reduction": any other anchor: one invocation per output element, the reduction in
//       registers.
//     - "injective": a root without an anchor: one invocation per element.
//     Invocations are grouped `threads` (`injective_threads` for "injective") per workgroup
//     over the fused output axes (innermost axis fastest, so neighbouring invocations touch
//     neighbouring addresses).
//
// A stage the author touched (split, bind, compute_at, cache_*, inline, or one with stages
// computed inside it) is left exactly as it is: a user schedule always wins.
#include <cstdint>
#include <string>
#include <vector>

#include "webtx/schedule/schedule.hpp"

namespace webtx {

struct AutoScheduleOptions {
  int64_t threads = 64;  // invocations per workgroup of the "reduction" and "matmul" rules
  // Outputs per invocation along each of the two blocked axes of the "matmul" rule; 1 (the
  // default) turns the rule off. Measured on MobileNetV2 (H200, Dawn): with guards around every
  // output of a 4x4 block, each multiply-add re-loads its operands behind its own branch, so a
  // 4x4 block bought no reuse and 16x fewer invocations: a 960-channel 1x1 convolution at 7x7
  // took 1.9 ms. Blocking pays once the interior is guard-free (issue 11).
  int64_t block = 1;
  // Invocations per workgroup of the "injective" rule (a root without a reduction): 256
  // measured 75% of a copy kernel's bandwidth on a 64 MiB elementwise op where 64 got 32%
  // (H100, Dawn; docs/schedule.md).
  int64_t injective_threads = 256;
  // Neighbouring elements each invocation of the "injective" rule computes along the last
  // axis: 4 reads and writes them as vec4 where they line up (32-bit elements; a symbolic
  // last extent gets a kernel version for multiples of 4); 1: one element per invocation.
  int64_t injective_vector = 4;
  // The Target's maxComputeInvocationsPerWorkgroup (lower_model passes it): the row rule gives
  // long rows up to min(this, 1024) invocations. Default: WebGPU's guaranteed 256.
  int64_t max_invocations = 256;
  // The "row-reduction" rule's configuration. All 0 (the default): chosen per call from the
  // row length and the row count, as kernel versions (Stage::specialize) where those are
  // symbolic (docs/schedule.md, "Row reductions"). Any of them set: that one configuration
  // for every call, the unset ones 256, 1 and 1.
  // Invocations per row (a power of two, >= 32).
  int64_t row_threads = 0;
  // Rows per workgroup (on local_id.y; row_threads * row_rows <= 1024). Constant rows shorter
  // than row_threads get fewer invocations each and more rows per workgroup.
  int64_t row_rows = 0;
  // Consecutive steps of each row loop (the reductions' and the written row's) unrolled, so
  // that each invocation has this many independent loads in flight; the loads of one step
  // stay neighbour-to-neighbour across invocations (index (step * row_unroll + u) * threads +
  // local id). 1: rolled; at most 16.
  int64_t row_unroll = 0;
  // Row elements each invocation keeps in registers (0: none): rows of at most row_threads *
  // row_cache elements are read once into private memory, every row loop then unrolled; a
  // version for longer rows re-reads them. At most 256.
  int64_t row_cache = 0;
  // Workgroups per row (with row_cache, dividing it; row_rows 1): each reduces the whole row
  // itself and writes row_threads * row_cache / row_groups of its elements, so that a few
  // long rows still fill the GPU (WebGPU cannot combine workgroups' partial results within a
  // dispatch). A root without elements of its own (a row sum) keeps one workgroup per row.
  int64_t row_groups = 0;
  // Cached rows' accesses (with row_cache, or the rule's cached versions): 4 makes each
  // invocation's elements runs of 4 neighbours every 4 * row_threads, read and written as
  // vec4 where the row length is a multiple of 4 (a kernel version; vectorize.hpp); 1 keeps
  // every row_threads-th element, scalar. 0 (the default): the rule's choice (4). Unlike the
  // options above, setting it fixes nothing else.
  int64_t row_vector = 0;
};

// One kernel of the automatic schedule.
struct FusedGroup {
  std::string root;                  // the stage that writes the group's result
  std::string anchor;                // the reduction computed inside it ("" when none)
  std::vector<std::string> inlined;  // epilogue stages substituted into the root
  std::string rule;                  // "matmul", "row-reduction", "reduction" or "injective"
};

// Schedules every untouched stage of `s` (see the file comment); returns the groups it made,
// producers first. Inlined stages that belong to no group are not listed.
std::vector<FusedGroup> auto_schedule(Schedule& s, const AutoScheduleOptions& options = {});

// One line per group: "root <- anchor [+ inlined...] (rule)".
std::string to_string(const std::vector<FusedGroup>& groups);

}  // namespace webtx
