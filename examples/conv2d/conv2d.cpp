// conv2d: a "same" 3x3 convolution, Y[N, 8, H, W] of X[N, 4, H, W] zero-padded by 1, with batch
// and image size bound at run time, scheduled in 8x8 output tiles with the input patch in
// workgroup memory (conv_schedule.hpp).
#include <webtx/generator.hpp>

#include "conv2d/conv_schedule.hpp"
#include "ops/conv2d.hpp"

using namespace webtx;

WEBTX_MODEL(conv2d, ctx) {
  Var N("N"), H("H"), W("W");
  auto X = ctx.input<f32>("X", {N, 4, H, W});
  auto F = ctx.weight<f32>("F", {8, 4, 3, 3});
  auto padded = ops::zero_pad_hw(X, 1);
  auto Y = ops::conv2d_3x3(padded, F);
  examples::schedule_conv3x3(ctx.schedule(Y), Y.op(), padded.op());
  ctx.output("Y", Y);
}
