#pragma once
// The tiled matmul schedule the matmul, mlp and demo examples share. `out` is the root stage
// that writes [M, N] (the matmul itself, or an elementwise stage such as bias+relu reading it);
// `acc` is the reduction acc[i, j] = sum_k a(i, k) * b(k, j), computed inside `out`.
//
//   workgroup: a 32x32 tile of out (8x8 invocations, each a 4x4 block of accumulators in
//              private memory, i.e. registers)
//   k loop:    in steps of 8; each step the workgroup copies a 32x8 tile of a and an 8x32 tile
//              of b into workgroup memory (every invocation loads 4 + 4 elements), then each
//              invocation does its 4x4x8 multiply-adds from there
// Shapes that don't divide the tiles are fine: lowering guards the tails (only in the
// boundary kernel version: docs/lowering.md, pass 8).
#include <string>
#include <vector>

#include <webtx/dsl.hpp>
#include <webtx/schedule.hpp>

namespace examples {
using namespace webtx;

constexpr int64_t kTile = 32, kBlock = 4, kStepK = 8;

inline void schedule_tiled_matmul(Schedule& s, Stage& out, Stage& acc, const ir::Operation& a,
                                  const ir::Operation& b) {
  using ir::ThreadAxis;
  // out: workgroups over 32x32 tiles, invocations over 4x4 blocks.
  auto tile = out.tile(out.axis(0), out.axis(1), kTile, kTile);
  auto [ty, ri] = out.split(tile.xi, kBlock);
  auto [tx, rj] = out.split(tile.yi, kBlock);
  out.reorder({ty, tx, ri, rj});
  out.bind(tile.xo, ThreadAxis::WorkgroupId, 1).bind(tile.yo, ThreadAxis::WorkgroupId, 0);
  out.bind(ty, ThreadAxis::LocalId, 1).bind(tx, ThreadAxis::LocalId, 0);
  out.unroll(ri).unroll(rj);

  // acc: one invocation's 4x4 block, in registers, with the k loop outermost. The block and
  // each k step are unrolled so every accumulator index is a constant (registers, not an
  // array in memory); splitting by the block first gives constant extents to unroll even
  // when the shapes are symbolic (the outer parts have extent 1 in the block).
  acc.set_scope(ir::MemScope::Private).compute_at(out, tx);
  auto ai = acc.split(acc.axis(0), kBlock).second;
  auto aj = acc.split(acc.axis(1), kBlock).second;
  auto [ko, ki] = acc.split(acc.reduce_axis(0), kStepK);
  acc.reorder({ko, ki, ai, aj});
  acc.unroll(ki).unroll(ai).unroll(aj);

  // a and b tiles in workgroup memory, loaded cooperatively once per k step.
  auto& as = s.cache_read(a, ir::MemScope::Workgroup, {acc.op()});
  auto& bs = s.cache_read(b, ir::MemScope::Workgroup, {acc.op()});
  as.compute_at(acc, ko);
  bs.compute_at(acc, ko);
  auto [ar, ay] = as.split(as.axis(0), kTile / kBlock);  // 32 rows = 4 x 8 invocations
  as.reorder({ar, ay, as.axis(1)});
  as.bind(ay, ThreadAxis::LocalId, 1).bind(as.axis(1), ThreadAxis::LocalId, 0);
  auto [bc, bx] = bs.split(bs.axis(1), kTile / kBlock);  // 32 columns = 4 x 8 invocations
  bs.bind(bs.axis(0), ThreadAxis::LocalId, 1).bind(bx, ThreadAxis::LocalId, 0);
  (void)bc;
}

}  // namespace examples

namespace examples {

// Each ops::dense_relu layer named in `layers`: its "<name>_relu" stage is the root, its
// "<name>_matmul" the accumulators, and the matmul's two inputs are tiled through workgroup
// memory.
// With `batch`, calls of at most 8 rows take a GEMV-like version of each layer (gemv_2d,
// through Stage::specialize), bias and relu fused the same way.
inline void schedule_dense_layers(Schedule& s, const std::vector<std::string>& layers,
                                  const Var* batch = nullptr) {
  auto stage = [&](const std::string& name) -> Stage& {
    for (auto& st : s.stages())
      if (st->name() == name) return *st;
    user_error << "schedule_dense_layers: no stage '" << name << "'";
    return *s.stages().front();
  };
  for (auto& l : layers) {
    Stage& acc = stage(l + "_matmul");
    auto* r = acc.op()->reduce();
    // The matmul body is sum(x(i, k) * w(k, j)), or with mixed precision
    // sum(cast(x(i, k)) * cast(w(k, j))): its two operands are the inputs to tile.
    auto* mul = r ? r->source.as<ir::Mul>() : nullptr;
    auto load = [](const ir::Expr& e) {
      auto* c = e.as<ir::Cast>();
      return (c ? c->value : e).as<ir::ProducerLoad>();
    };
    user_assert(mul && load(mul->a) && load(mul->b))
        << "schedule_dense_layers: '" << l << "_matmul' is not sum(x * w)";
    auto a = load(mul->a)->producer, b = load(mul->b)->producer;
    if (batch) {
      auto& few = stage(l + "_relu").specialize(*batch <= 8);
      gemv_2d(few.schedule(), acc.op(),
              {.rows = 8, .cols = 16, .vec = 4, .k_threads = 8, .k_unroll = 2},
              {stage(l + "_relu").op()});
    }
    schedule_tiled_matmul(s, stage(l + "_relu"), acc, a, b);
  }
}

}  // namespace examples
