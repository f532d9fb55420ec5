#pragma once
// MobileNetV2 (Sandler et al. 2018) as torchvision builds it: width 1.0, 1000 classes, NCHW,
// written with the op library only (webtx/ops.hpp). Batch norms are folded into the
// convolutions before they (make_weights.py), so each convolution has a weight and a bias named
// after torchvision's module: "features.0.0", "features.2.conv.1.0", ..., "classifier.1".
//
// No schedule here: webtx::auto_schedule fuses each convolution with its bias, ReLU6 and
// residual add into one kernel, and the pooling's scale into the pooling.
#include <string>

#include <webtx/generator.hpp>
#include <webtx/ops.hpp>

namespace examples {
using namespace webtx;

class MobileNetV2 {
 public:
  explicit MobileNetV2(ModelContext& ctx) : ctx_(ctx) {}

  // x: [batch, 3, H, W] -> logits [batch, 1000].
  Tensor<f32, 2> operator()(const Tensor<f32, 4>& x) {
    // features.0: 3x3 stride-2 convolution, 3 -> 32 channels.
    auto y = conv(x, "features.0.0", 3, 32, 3, 2, 1, true);
    int64_t in = 32;
    // The inverted residual blocks: expansion t, output channels c, repeats n, first stride s.
    struct Setting {
      int64_t t, c, n, s;
    };
    int index = 1;
    for (auto [t, c, n, s] :
         {Setting{1, 16, 1, 1}, Setting{6, 24, 2, 2}, Setting{6, 32, 3, 2}, Setting{6, 64, 4, 2},
          Setting{6, 96, 3, 1}, Setting{6, 160, 3, 2}, Setting{6, 320, 1, 1}}) {
      for (int64_t i = 0; i < n; ++i, ++index) {
        y = inverted_residual(y, "features." + std::to_string(index), in, c, i == 0 ? s : 1, t);
        in = c;
      }
    }
    // features.18: 1x1 convolution to 1280 channels; then pooling and the classifier.
    y = conv(y, "features.18.0", in, 1280, 1, 1, 1, true);
    auto pooled = ops::global_avg_pool(y, "pool");
    auto w = ctx_.weight<f32>("classifier.1.weight", {1000, 1280});
    auto b = ctx_.weight<f32>("classifier.1.bias", {1000});
    return ops::dense(pooled, w, b, "classifier", /*split_k=*/8);
  }

 private:
  // Convolution + folded-BN bias (+ ReLU6), torchvision's Conv2dNormActivation.
  Tensor<f32, 4> conv(const Tensor<f32, 4>& x, const std::string& name, int64_t in, int64_t out,
                      int64_t k, int64_t stride, int64_t groups, bool relu6) {
    auto w = ctx_.weight<f32>(name + ".weight",
                              {Extent(static_cast<int>(out)), Extent(static_cast<int>(in / groups)),
                               Extent(static_cast<int>(k)), Extent(static_cast<int>(k))});
    auto b = ctx_.weight<f32>(name + ".bias", {Extent(static_cast<int>(out))});
    ops::Conv2dOptions o;
    o.stride = {stride, stride};
    o.padding = {(k - 1) / 2, (k - 1) / 2};
    o.groups = groups;
    // Long channel sums over small images (1x1, >= 384 channels at 14x14 or less) in 8 partial
    // sums: 8x the invocations where one per output leaves the GPU mostly idle.
    const auto width = ops::detail::const_of(x.shape()[3]);
    if (k == 1 && groups == 1 && in >= 384 && in % 8 == 0 && width && *width <= 14) o.split_k = 8;
    auto y = ops::bias_add(ops::conv2d(x, w, o, name), b, name + ".add_bias");
    return relu6 ? ops::relu6(y, name + ".relu6") : y;
  }

  Tensor<f32, 4> inverted_residual(const Tensor<f32, 4>& x, const std::string& name, int64_t in,
                                   int64_t out, int64_t stride, int64_t t) {
    const int64_t hidden = in * t;
    Tensor<f32, 4> y = x;
    int layer = 0;
    if (t != 1) y = conv(y, name + ".conv.0.0", in, hidden, 1, 1, 1, true), ++layer;
    y = conv(y, name + ".conv." + std::to_string(layer) + ".0", hidden, hidden, 3, stride, hidden,
             true);
    y = conv(y, name + ".conv." + std::to_string(layer + 1), hidden, out, 1, 1, 1, false);
    if (stride == 1 && in == out) y = ops::add(y, x, name + ".add");
    return y;
  }

  ModelContext& ctx_;
};

}  // namespace examples
