// conv2d: a "same" 3x3 convolution, Y[N, 8, H, W] of X[N, 4, H, W] zero-padded by 1, with batch
// and image size bound at run time. A workgroup computes an 8x8 output tile of one (image,
// filter): it first copies the padded 10x10 input patch of every channel into workgroup
// memory, then each invocation accumulates its output pixel in a register.
#include <webtx/generator.hpp>

#include "ops/conv2d.hpp"

using namespace webtx;
using ir::ThreadAxis;

WEBTX_MODEL(conv2d, ctx) {
  Var N("N"), H("H"), W("W");
  auto X = ctx.input<f32>("X", {N, 4, H, W});
  auto F = ctx.weight<f32>("F", {8, 4, 3, 3});
  auto padded = ops::zero_pad_hw(X, 1);
  auto Y = ops::conv2d_3x3(padded, F);

  auto& s = ctx.schedule(Y);
  auto& acc = s.cache_write(Y.op(), ir::MemScope::Private);
  auto& out = s[Y.op()];
  auto nf = out.fuse(out.axis(0), out.axis(1));
  auto t = out.tile(out.axis(2), out.axis(3), 8, 8);
  out.bind(nf, ThreadAxis::WorkgroupId, 2);
  out.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  out.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  acc.compute_at(out, t.yi);

  s[padded.op()].compute_inline();  // the border test is folded into the patch copy
  auto& patch = s.cache_read(padded.op(), ir::MemScope::Workgroup, {acc.op()});
  patch.compute_at(acc, acc.axis(3));  // [1, 4, 10, 10]: loaded by the 8x8 invocations
  auto [py, ly] = patch.split(patch.axis(2), 8);
  auto [px, lx] = patch.split(patch.axis(3), 8);
  patch.reorder({py, px, ly, lx});
  patch.bind(ly, ThreadAxis::LocalId, 1).bind(lx, ThreadAxis::LocalId, 0);
  ctx.output("Y", Y);
}
