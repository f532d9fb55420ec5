// mobilenet_v2: torchvision's MobileNetV2 at 224x224 (mobilenet_v2.hpp) with the batch bound
// at run time; mobilenet_v2_64 is the same network at 64x64, small enough for the software
// adapters of the test suite. Weights: make_weights.py.
#include "mobilenet_v2/mobilenet_v2.hpp"

using namespace webtx;

WEBTX_MODEL(mobilenet_v2, ctx) {
  Var batch("batch");
  auto x = ctx.input<f32>("input", {batch, 3, 224, 224});
  ctx.output("logits", examples::MobileNetV2(ctx)(x));
}

WEBTX_MODEL(mobilenet_v2_64, ctx) {
  Var batch("batch");
  auto x = ctx.input<f32>("input", {batch, 3, 64, 64});
  ctx.output("logits", examples::MobileNetV2(ctx)(x));
}
