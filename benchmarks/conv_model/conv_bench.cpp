// The benchmark's 3x3 convolution: the conv2d example's op and schedule at benchmark-sized
// channel counts (32 in, 32 out: the patch is 32 x 100 floats = 12.5 KiB of workgroup memory),
// batch and image size bound at run time.
#include <webtx/generator.hpp>

#include "conv2d/conv_schedule.hpp"
#include "ops/conv2d.hpp"

using namespace webtx;

WEBTX_MODEL(conv_bench, ctx) {
  Var N("N"), H("H"), W("W");
  auto X = ctx.input<f32>("X", {N, 32, H, W});
  auto F = ctx.weight<f32>("F", {32, 32, 3, 3});
  auto padded = ops::zero_pad_hw(X, 1);
  auto Y = ops::conv2d_3x3(padded, F);
  examples::schedule_conv3x3(ctx.schedule(Y), Y.op(), padded.op());
  ctx.output("Y", Y);
}
