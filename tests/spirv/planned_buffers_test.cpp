// The native runtime keeps the memory plan's buffers across calls (docs/abi.md, "The memory
// plan"): the shipped residual_mlp example (five intermediates in three planned buffers) on
// lavapipe at batches 8, 3, 8, 16, 5 — buffers grow only for a larger batch, never for a
// smaller one, and every result equals a plain C++ reference. An intermediate the caller asks
// to read back gets a buffer of its own, so a later tenant cannot overwrite it.
//   WEBTX_RESIDUAL_MLP_MANIFEST=<build>/examples/residual_mlp/residual_mlp.manifest.json
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "webtx/model/safetensors.hpp"
#include "webtx/runtime/vulkan/model_runner.hpp"

namespace rt = webtx::runtime::vulkan;

namespace {

struct Layer {
  int in, out;
  std::vector<float> w, b;
};

// relu(x @ w + b) for x [batch, in].
std::vector<float> dense_relu(const std::vector<float>& x, const Layer& l, int batch) {
  std::vector<float> y(static_cast<size_t>(batch) * l.out);
  for (int i = 0; i < batch; ++i)
    for (int j = 0; j < l.out; ++j) {
      float s = 0;
      for (int k = 0; k < l.in; ++k) s += x[i * l.in + k] * l.w[k * l.out + j];
      y[i * l.out + j] = std::max(s + l.b[j], 0.0f);
    }
  return y;
}

void expect_near(const std::vector<float>& got, const std::vector<float>& want,
                 const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-4 + 1e-4 * std::fabs(want[i])) << what << " element " << i;
}

TEST(PlannedBuffers, ResidualMlpReusesAcrossBatches) {
  const char* manifest = std::getenv("WEBTX_RESIDUAL_MLP_MANIFEST");
  ASSERT_TRUE(manifest) << "set WEBTX_RESIDUAL_MLP_MANIFEST";
  rt::VulkanDevice device;
  auto model = rt::VulkanModel::load(device, manifest);
  ASSERT_EQ(model->spec().memory.buffers.size(), 3u);
  ASSERT_EQ(model->spec().memory.tensors.size(), 5u);

  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  const int sizes[][2] = {{32, 64}, {64, 64}, {64, 64}, {64, 64}, {64, 10}};
  std::vector<Layer> layers;
  for (auto& s : sizes) {
    Layer l{s[0], s[1], std::vector<float>(s[0] * s[1]), std::vector<float>(s[1])};
    for (auto& v : l.w) v = u(rng);
    for (auto& v : l.b) v = u(rng);
    layers.push_back(std::move(l));
  }
  // The weights, as the safetensors file the model loads once.
  std::vector<webtx::model::SafetensorsTensor> weights;
  auto bytes_of = [](const std::vector<float>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  };
  for (int l = 0; l < 5; ++l) {
    const std::string n = std::to_string(l + 1);
    weights.push_back({"w" + n, "f32", {layers[l].in, layers[l].out}, bytes_of(layers[l].w)});
    weights.push_back({"b" + n, "f32", {layers[l].out}, bytes_of(layers[l].b)});
  }
  model->load_weights(webtx::model::parse_safetensors(webtx::model::write_safetensors(weights),
                                                      "residual_mlp weights"));

  std::vector<size_t> before;
  for (int batch : {8, 3, 8, 16, 5}) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    std::vector<float> x(static_cast<size_t>(batch) * 32);
    for (auto& v : x) v = u(rng);
    rt::TensorMap t;
    t["x"] = rt::tensor_from("f32", {batch, 32}, x);
    // layer2_relu shares a planned buffer with layer4_relu; asked for, it gets its own.
    const bool read_h2 = batch == 5;
    if (read_h2) t["layer2_relu"] = rt::HostTensor("f32", {batch, 64});
    model->run(t);

    const auto h1 = dense_relu(x, layers[0], batch), h2 = dense_relu(h1, layers[1], batch);
    auto r = dense_relu(dense_relu(h2, layers[2], batch), layers[3], batch);
    for (size_t i = 0; i < r.size(); ++i) r[i] += h1[i];
    expect_near(rt::tensor_values<float>(t.at("y")), dense_relu(r, layers[4], batch), "y");
    if (read_h2) expect_near(rt::tensor_values<float>(t.at("layer2_relu")), h2, "layer2_relu");

    const std::vector<size_t> now = model->planned_bytes();
    if (batch == 8 && before.empty()) {
      for (size_t b : now) EXPECT_EQ(b, 8u * 64 * 4);  // each holds a [batch, 64] f32 tensor
    } else if (batch == 16) {
      for (size_t i = 0; i < now.size(); ++i) EXPECT_GT(now[i], before[i]) << "buffer " << i;
    } else {
      EXPECT_EQ(now, before) << "a batch no larger than before reuses the buffers";
    }
    before = now;
  }
}

}  // namespace
