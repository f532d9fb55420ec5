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
#include <optional>

#include <webtx/dsl.hpp>
#include <webtx/schedule.hpp>

namespace examples {
using namespace webtx;

struct FastMatmulTiles {
  // tile: the workgroup's output tile (rows x columns); block: one invocation's accumulators.
  int64_t tile_m = 128, tile_n = 128, block_m = 8, block_n = 8, step_k = 16, sub_k = 4, vec = 4;
  // false: the whole 8x4 A slice into registers per 4 k values. true: one row (a vec4 of 4 k
  // values) at a time inside the row loop, as the hand-written kernel does (fewer live
  // registers) -- measured slower through Dawn on the H100 (docs/performance.md).
  bool a_by_row = false;
  // false: the A tile's global->workgroup copy as 4 scalar copies per vec4. The 64x64 small
  // version measured 20.0 vs 13.4 TFLOP/s at 1024^3 and 16.8 vs 10.5 at 1000^3 with scalar
  // copies (H100, Dawn, benchmarks/results/matmul_final_2026-11-27-h100); the 128x128 general
  // version is equal either way, so only `small` defaults to scalar (small_vector_a=false).
  bool vector_a_copy = true;
};

// `batch` (optional): a third axis of `out` over workgroup_id.z; when it is out's first axis
// (split-K's partial sums [part, M, N]), the rows and columns are the next two.
inline void schedule_fast_matmul(Schedule& s, Stage& out, Stage& acc, const ir::Operation& a,
                                 const ir::Operation& b, FastMatmulTiles t = {},
                                 const ir::IterVar& batch = nullptr) {
  using ir::MemScope, ir::ThreadAxis;
  const int64_t threads_y = t.tile_m / t.block_m, threads_x = t.tile_n / t.block_n;  // 16, 16
  const int r0 = batch && batch == out.axis(0) ? 1 : 0;  // the rows' axis
  // out: workgroups over tiles, invocations over 8x8 blocks; the copy-out is vec4 stores.
  auto tile = out.tile(out.axis(r0), out.axis(r0 + 1), t.tile_m, t.tile_n);
  auto [ty, ri] = out.split(tile.xi, t.block_m);
  auto [tx, rj] = out.split(tile.yi, t.block_n);
  auto [rjo, rjv] = out.split(rj, t.vec);
  if (batch) {
    out.reorder({batch, tile.xo, tile.yo, ty, tx, ri, rjo, rjv});
    out.bind(batch, ThreadAxis::WorkgroupId, 2);
  } else {
    out.reorder({ty, tx, ri, rjo, rjv});
  }
  out.bind(tile.xo, ThreadAxis::WorkgroupId, 1).bind(tile.yo, ThreadAxis::WorkgroupId, 0);
  out.bind(ty, ThreadAxis::LocalId, 1).bind(tx, ThreadAxis::LocalId, 0);
  out.unroll(ri).unroll(rjo).vectorize(rjv);

  // Stages computed at another get their region's size only in lowering; with symbolic
  // shapes an axis's extent is still the tensor's here. Splitting by the region's size first
  // gives constant inner axes to unroll/vectorize (the outer one has extent 1 after lowering).
  auto inner = [](Stage& st, const ir::IterVar& ax, int64_t f) { return st.split(ax, f).second; };

  // acc: the 8x8 block in registers; k in steps of 16, then 4, then 4 unrolled.
  acc.compute_at(out, tx);
  auto ai = inner(acc, acc.axis(r0), t.block_m), aj = inner(acc, acc.axis(r0 + 1), t.block_n);
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
  auto [arow_o, arow] = as.split(as.axis(0), t.tile_m);
  auto [acol_o, acol] = as.split(as.axis(1), t.step_k);
  auto [ac, av] = as.split(acol, t.vec);
  as.reorder({arow_o, acol_o, arow, ac, av});
  auto [af, a0] = as.split(as.fuse(arow, ac), threads_x);
  auto [ao, a1] = as.split(af, threads_y);
  as.bind(a1, ThreadAxis::LocalId, 1).bind(a0, ThreadAxis::LocalId, 0);
  as.unroll(ao);
  if (t.vector_a_copy)
    as.vectorize(av);
  else
    as.unroll(av);
  // B tile [16][128]: row per invocation row, 2 vec4 per invocation (where the k step is the
  // invocation rows; else the tile's vec4s shared out as A's are).
  auto [brow_o, brow] = bs.split(bs.axis(0), t.step_k);
  auto [bcol_o, bcol] = bs.split(bs.axis(1), t.tile_n);
  auto [bc, bv] = bs.split(bcol, t.vec);
  if (t.step_k == threads_y) {
    auto [bo, b0] = bs.split(bc, threads_x);
    bs.reorder({brow_o, bcol_o, brow, bo, b0, bv});
    bs.bind(brow, ThreadAxis::LocalId, 1).bind(b0, ThreadAxis::LocalId, 0);
    bs.unroll(bo);
  } else {
    bs.reorder({brow_o, bcol_o, brow, bc, bv});
    auto [bf, b0] = bs.split(bs.fuse(brow, bc), threads_x);
    auto [bo, b1] = bs.split(bf, threads_y);
    bs.bind(b1, ThreadAxis::LocalId, 1).bind(b0, ThreadAxis::LocalId, 0);
    bs.unroll(bo);
  }
  bs.vectorize(bv);

  // Registers: A row [1][4] or slice [8][4] (vec4 along k), B slice [4][8] (2 vec4 along
  // columns). (A row's axis 0 has extent 1 after lowering: left alone, the loop vanishes.)
  auto [ark_o, ark] = ar.split(ar.axis(1), t.sub_k);
  if (!t.a_by_row) {
    auto [arr_o, arr] = ar.split(ar.axis(0), t.block_m);
    ar.reorder({arr_o, ark_o, arr, ark});
    ar.unroll(arr);
  }
  ar.vectorize(ark);
  auto [brk_o, brk] = br.split(br.axis(0), t.sub_k);
  auto [brc_o, brc] = br.split(br.axis(1), t.block_n);
  auto [bro, brv] = br.split(brc, t.vec);
  br.reorder({brk_o, brc_o, brk, bro, brv});
  br.unroll(brk).unroll(bro).vectorize(brv);
}

// Split-K for skinny calls (few output tiles, long K): k = ko * split_k + ki. The partial
// sums "<c>.rf"[ko, i, j] = sum over ki (constant extent: the fast schedule's tiles keep a
// constant size; the last part's k >= K is a guard, zero-padded in its last step) take the
// fast schedule with `t`, ko over workgroup_id.z: ceil(K / split_k) times the workgroups.
// Then c sums the ceil(K / split_k) partials, one output per invocation accumulating in a
// register (a second kernel).
inline void schedule_split_k(Schedule& s, const ir::Operation& c, const ir::Operation& a,
                             const ir::Operation& b, const FastMatmulTiles& t, int64_t split_k) {
  using ir::ThreadAxis;
  auto ko = s[c].split(s[c].reduce_axis(0), split_k).first;
  const ir::Operation rf = s.rfactor(c, ko).op();
  auto& acc = s.cache_write(rf, ir::MemScope::Private);  // rf's stage becomes the copy-out
  schedule_fast_matmul(s, s[rf], acc, a, b, t, s[rf].axis(0));
  auto& sum_acc = s.cache_write(c, ir::MemScope::Private);
  Stage& sum = s[c];
  auto [jo, ji] = sum.split(sum.axis(1), 256);
  sum.bind(sum.axis(0), ThreadAxis::WorkgroupId, 1).bind(jo, ThreadAxis::WorkgroupId, 0);
  sum.bind(ji, ThreadAxis::LocalId, 0);
  sum_acc.compute_at(sum, ji);
}

// One kernel version of a symbolic matmul (the calls one specialization serves).
struct MatmulVersion {
  enum class Kind { Gemv, Tiles, SplitK } kind = Kind::Tiles;
  Gemv gemv{};              // Kind::Gemv: gemv_2d's parameters
  FastMatmulTiles tiles{};  // Kind::Tiles, Kind::SplitK: the fast schedule's tiles
  int64_t split_k = 256;    // Kind::SplitK: k values per part
};

// Schedules `c` (C = A B) in schedule `s` as version `v`.
inline void schedule_version(Schedule& s, const ir::Operation& c, const ir::Operation& a,
                             const ir::Operation& b, const MatmulVersion& v) {
  switch (v.kind) {
    case MatmulVersion::Kind::Gemv:
      gemv_2d(s, c, v.gemv);
      return;
    case MatmulVersion::Kind::Tiles: {
      auto& acc = s.cache_write(c, ir::MemScope::Private);  // C's stage becomes the copy-out
      schedule_fast_matmul(s, s[c], acc, a, b, v.tiles);
      return;
    }
    case MatmulVersion::Kind::SplitK:
      schedule_split_k(s, c, a, b, v.tiles, v.split_k);
      return;
  }
}

// The versions of a symbolic matmul C[M, N] = A[M, K] B[K, N] besides the general 128x128
// schedule, each for the calls where its condition holds (tested in this order):
//   M <= 1      memory-bound (each B element used once): 1 row, K over 32 invocations, 8 k
//               steps unrolled (many loads in flight).
//   M <= 8      8 rows (B read once, each element used 8 times).
//   M <= 64     `m64`: GEMV-like (16-row blocks, B read M / 16 times, mostly from L2) or
//               small tiles.
//   small       `small` where the 128x128 tiles would number fewer than `small_below` (a few
//               waves of the GPU's 132 SMs: 1024^2 makes 64 tiles): smaller tiles give more
//               workgroups.
struct AnyShapeVersions {
  std::optional<MatmulVersion> m1{
      MatmulVersion{.kind = MatmulVersion::Kind::Gemv,
                    .gemv = {.rows = 1, .cols = 32, .vec = 4, .k_threads = 32, .k_unroll = 8}}};
  std::optional<MatmulVersion> m8{
      MatmulVersion{.kind = MatmulVersion::Kind::Gemv,
                    .gemv = {.rows = 8, .cols = 32, .vec = 4, .k_threads = 16, .k_unroll = 4}}};
  std::optional<MatmulVersion> m64{
      MatmulVersion{.kind = MatmulVersion::Kind::Tiles,
                    .tiles = {.tile_m = 32, .tile_n = 32, .block_m = 4, .block_n = 4}}};
  std::optional<MatmulVersion> small{
      MatmulVersion{.kind = MatmulVersion::Kind::Tiles,
                    .tiles = {.tile_m = 64, .tile_n = 64, .block_m = 4, .block_n = 4}}};
  int64_t small_below = 200;
  FastMatmulTiles general{};
};

// Makes the specializations of `c` (call before scheduling `c`: each copies the schedule as
// it is), then schedules the general version.
inline void schedule_any_shape(Schedule& s, const Var& m, const Var& n, const ir::Operation& c,
                               const ir::Operation& a, const ir::Operation& b,
                               const AnyShapeVersions& v = {}) {
  Stage& st = s[c];
  auto version = [&](auto cond, const std::optional<MatmulVersion>& ver) {
    if (ver) schedule_version(st.specialize(cond).schedule(), c, a, b, *ver);
  };
  version(m <= 1, v.m1);
  version(m <= 8, v.m8);
  version(m <= 64, v.m64);
  const int64_t tm = v.general.tile_m, tn = v.general.tile_n;
  version((m + (tm - 1)) / tm * ((n + (tn - 1)) / tn) < v.small_below, v.small);
  schedule_version(s, c, a, b, {.kind = MatmulVersion::Kind::Tiles, .tiles = v.general});
}

}  // namespace examples

namespace examples {

// The GEMV-like versions alone (M <= 1, 8, 64), for schedules that place the general version
// themselves. Call before scheduling `c`.
inline void specialize_skinny(Stage& c, const Var& m, const ir::Operation& op) {
  const AnyShapeVersions v;
  gemv_2d(c.specialize(m <= 1).schedule(), op, v.m1->gemv);
  gemv_2d(c.specialize(m <= 8).schedule(), op, v.m8->gemv);
  // (matmul_fast_any's M <= 64 version is tiles now; this one stays GEMV-like.)
  gemv_2d(c.specialize(m <= 64).schedule(), op,
          {.rows = 16, .cols = 32, .vec = 4, .k_threads = 8, .k_unroll = 4});
}

}  // namespace examples
