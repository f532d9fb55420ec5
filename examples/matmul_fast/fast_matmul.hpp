#pragma once
// The fast fp32 matmul schedule (H100-tuned, after the hand-written anchor kernel). `out` is the
// root stage writing C[M, N], `acc` its cache_write(Private) reduction acc = sum_k a(i,k) b(k,j).
//
//   workgroup  128x128 tile of C: big enough that each A/B element fetched into workgroup memory
//              is used 128 times (arithmetic intensity), small enough for 2+ workgroups per SM.
//   threads    16x16 = 256 per workgroup; each owns an 8x8 block of accumulators in registers
//              (cache_write Private): 64 FMAs per 16 values read from workgroup memory.
//   k step     16: the A tile (128x16) and B tile (16x128) in workgroup memory are 16 KiB.
//   registers  per 4 k values, a thread copies its 8x4 slice of A and 4x8 slice of B into
//              registers (cache_read Private) as vec4 reads, then does 4x8x8 FMAs, fully
//              unrolled so every register index is a constant (the accumulators, A and B
//              slices stay in registers).
//   vec4       global->workgroup copies and workgroup->register reads are `vectorize`d by 4;
//              lowering turns them into vector copies when it proves the index 4-aligned
//              (constant shapes that divide by 4), else they stay scalar loops.
// Extents must divide the tiles for a guard-free hot loop (constant shapes: simplify proves the
// guards away); other shapes still run correctly through guarded tails.
#include <webtx/dsl.hpp>
#include <webtx/schedule.hpp>

namespace examples {
using namespace webtx;

struct FastMatmulTiles {
  int64_t tile = 128, block = 8, step_k = 16, sub_k = 4, vec = 4;
  // false: the whole 8x4 A slice into registers per 4 k values. true: one row (a vec4 of 4 k
  // values) at a time inside the row loop, as the hand-written kernel does (fewer live
  // registers) -- measured slower through Dawn on the H100 (docs/performance.md).
  bool a_by_row = false;
};

inline void schedule_fast_matmul(Schedule& s, Stage& out, Stage& acc, const ir::Operation& a,
                                 const ir::Operation& b, FastMatmulTiles t = {}) {
  using ir::MemScope, ir::ThreadAxis;
  const int64_t threads = t.tile / t.block;  // 16 per dimension
  // out: workgroups over tiles, invocations over 8x8 blocks; the copy-out is vec4 stores.
  auto tile = out.tile(out.axis(0), out.axis(1), t.tile, t.tile);
  auto [ty, ri] = out.split(tile.xi, t.block);
  auto [tx, rj] = out.split(tile.yi, t.block);
  auto [rjo, rjv] = out.split(rj, t.vec);
  out.reorder({ty, tx, ri, rjo, rjv});
  out.bind(tile.xo, ThreadAxis::WorkgroupId, 1).bind(tile.yo, ThreadAxis::WorkgroupId, 0);
  out.bind(ty, ThreadAxis::LocalId, 1).bind(tx, ThreadAxis::LocalId, 0);
  out.unroll(ri).unroll(rjo).vectorize(rjv);

  // Stages computed at another get their region's size only in lowering; with symbolic
  // shapes an axis's extent is still the tensor's here. Splitting by the region's size first
  // gives constant inner axes to unroll/vectorize (the outer one has extent 1 after lowering).
  auto inner = [](Stage& st, const ir::IterVar& ax, int64_t f) { return st.split(ax, f).second; };

  // acc: the 8x8 block in registers; k in steps of 16, then 4, then 4 unrolled.
  acc.compute_at(out, tx);
  auto ai = inner(acc, acc.axis(0), t.block), aj = inner(acc, acc.axis(1), t.block);
  auto [ko, kin] = acc.split(acc.reduce_axis(0), t.step_k);
  auto [kc, kk] = acc.split(kin, t.sub_k);
  if (t.a_by_row)
    acc.reorder({ko, kc, ai, kk, aj});
  else
    acc.reorder({ko, kc, kk, ai, aj});
  acc.unroll(kc).unroll(kk).unroll(ai).unroll(aj);

  // A and B tiles in workgroup memory, then per 4 k values in registers.
  auto& as = s.cache_read(a, MemScope::Workgroup, {acc.op()});
  auto& bs = s.cache_read(b, MemScope::Workgroup, {acc.op()});
  auto& ar = s.cache_read(as.op(), MemScope::Private, {acc.op()});
  auto& br = s.cache_read(bs.op(), MemScope::Private, {acc.op()});
  as.compute_at(acc, ko);
  bs.compute_at(acc, ko);
  ar.compute_at(acc, t.a_by_row ? ai : kc);
  br.compute_at(acc, kc);

  // A tile [128][16]: 512 vec4, each invocation copies 2 (consecutive invocations read
  // consecutive vec4 of a row: coalesced).
  auto [arow_o, arow] = as.split(as.axis(0), t.tile);
  auto [acol_o, acol] = as.split(as.axis(1), t.step_k);
  auto [ac, av] = as.split(acol, t.vec);
  as.reorder({arow_o, acol_o, arow, ac, av});
  auto [af, a0] = as.split(as.fuse(arow, ac), threads);
  auto [ao, a1] = as.split(af, threads);
  as.bind(a1, ThreadAxis::LocalId, 1).bind(a0, ThreadAxis::LocalId, 0);
  as.unroll(ao).vectorize(av);
  // B tile [16][128]: row per invocation row, 2 vec4 per invocation.
  auto [brow_o, brow] = bs.split(bs.axis(0), t.step_k);
  auto [bcol_o, bcol] = bs.split(bs.axis(1), t.tile);
  auto [bc, bv] = bs.split(bcol, t.vec);
  auto [bo, b0] = bs.split(bc, threads);
  bs.reorder({brow_o, bcol_o, brow, bo, b0, bv});
  bs.bind(brow, ThreadAxis::LocalId, 1).bind(b0, ThreadAxis::LocalId, 0);
  bs.unroll(bo).vectorize(bv);

  // Registers: A row [1][4] or slice [8][4] (vec4 along k), B slice [4][8] (2 vec4 along
  // columns). (A row's axis 0 has extent 1 after lowering: left alone, the loop vanishes.)
  auto [ark_o, ark] = ar.split(ar.axis(1), t.sub_k);
  if (!t.a_by_row) {
    auto [arr_o, arr] = ar.split(ar.axis(0), t.block);
    ar.reorder({arr_o, ark_o, arr, ark});
    ar.unroll(arr);
  }
  ar.vectorize(ark);
  auto [brk_o, brk] = br.split(br.axis(0), t.sub_k);
  auto [brc_o, brc] = br.split(br.axis(1), t.block);
  auto [bro, brv] = br.split(brc, t.vec);
  br.reorder({brk_o, brc_o, brk, bro, brv});
  br.unroll(brk).unroll(bro).vectorize(brv);
}

// Skinny calls of a symbolic-M matmul (C = A B, A [M, K]): the 128x128 tiles above would be
// almost empty for M <= 64 (and 32 workgroups for N = 4096 cannot fill a GPU), so those calls
// take GEMV-like kernel versions (gemv_2d): every workgroup a 32-column slice of C for a block
// of rows, the K loop split over 8 to 32 invocations and combined across them, B read as vec4.
//   M = 1       memory-bound (each B element used once): 1 row, K over 32 invocations, 8 k
//               steps unrolled (many loads in flight).
//   M <= 8      8 rows (B read once, each element used 8 times).
//   M <= 64     16-row blocks: B read M / 16 times, mostly from L2.
// Rows that do not fill a block run in the guarded boundary version. Call before scheduling
// `c`: each specialization copies the schedule as it is.
inline void specialize_skinny(Stage& c, const Var& m, const ir::Operation& op) {
  auto& one = c.specialize(m <= 1);
  gemv_2d(one.schedule(), op, {.rows = 1, .cols = 32, .vec = 4, .k_threads = 32, .k_unroll = 8});
  auto& eight = c.specialize(m <= 8);
  gemv_2d(eight.schedule(), op, {.rows = 8, .cols = 32, .vec = 4, .k_threads = 16, .k_unroll = 4});
  auto& few = c.specialize(m <= 64);
  gemv_2d(few.schedule(), op, {.rows = 16, .cols = 32, .vec = 4, .k_threads = 8, .k_unroll = 4});
}

}  // namespace examples
