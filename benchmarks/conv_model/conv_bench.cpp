// The benchmark's 3x3 convolution: the conv2d example's op and schedule at benchmark-sized
// channel counts (32 in, 32 out), batch and image size bound at run time.
#include <webtx/generator.hpp>

#include "ops/conv2d.hpp"

using namespace webtx;
using ir::ThreadAxis;

WEBTX_MODEL(conv_bench, ctx) {
  Var N("N"), H("H"), W("W");
  auto X = ctx.input<f32>("X", {N, 32, H, W});
  auto F = ctx.weight<f32>("F", {32, 32, 3, 3});
  auto padded = ops::zero_pad_hw(X, 1);
  auto Y = ops::conv2d_3x3(padded, F);

  // As examples/conv2d: 8x8 output tiles, the padded 10x10 input patch of every channel in
  // workgroup memory (32 x 100 floats = 12.5 KiB), one register accumulator per pixel.
  auto& s = ctx.schedule(Y);
  auto& acc = s.cache_write(Y.op(), ir::MemScope::Private);
  auto& out = s[Y.op()];
  auto nf = out.fuse(out.axis(0), out.axis(1));
  auto t = out.tile(out.axis(2), out.axis(3), 8, 8);
  out.bind(nf, ThreadAxis::WorkgroupId, 2);
  out.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  out.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  acc.compute_at(out, t.yi);
  s[padded.op()].compute_inline();
  auto& patch = s.cache_read(padded.op(), ir::MemScope::Workgroup, {acc.op()});
  patch.compute_at(acc, acc.axis(3));
  auto [py, ly] = patch.split(patch.axis(2), 8);
  auto [px, lx] = patch.split(patch.axis(3), 8);
  patch.reorder({py, px, ly, lx});
  patch.bind(ly, ThreadAxis::LocalId, 1).bind(lx, ThreadAxis::LocalId, 0);
  ctx.output("Y", Y);
}
