// Runs a model exactly as the generator shipped it (<model>.manifest.json + its .spv files) on
// the native Vulkan runtime, with the inputs of a CPU reference file (webtx-examples-ref), and
// compares every output:  |got - want| <= 1e-4 + 1e-4 * |want|  (the tolerance the WebGPU
// example tests use). It runs twice: the second run must reuse the planned intermediate
// buffers (ModelSpec::memory) without growing them. Links only the runtime (no compiler code):
// the native path runs what ships.
//
//   webtx_run_shipped_model <model.manifest.json> <reference.json>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "webtx/half.hpp"
#include "webtx/runtime/vulkan/model_runner.hpp"

namespace rt = webtx::runtime::vulkan;

namespace {

rt::HostTensor tensor_of(const nlohmann::json& j) {
  const std::string dtype = j.value("dtype", "f32");
  rt::HostTensor t(dtype, j.at("shape").get<std::vector<int64_t>>());
  const auto& data = j.at("data");
  if (static_cast<int64_t>(data.size()) != t.size())
    throw std::runtime_error("reference input has " + std::to_string(data.size()) + " values for " +
                             std::to_string(t.size()) + " elements");
  for (size_t i = 0; i < data.size(); ++i) {
    const double v = data[i].get<double>();
    uint8_t* p = t.bytes.data() + i * webtx::model::dtype_bytes(dtype);
    if (dtype == "f32") {
      const float f = static_cast<float>(v);
      std::memcpy(p, &f, 4);
    } else if (dtype == "f16") {
      const uint16_t h = webtx::float_to_half(static_cast<float>(v));
      std::memcpy(p, &h, 2);
    } else {
      const auto x = static_cast<int32_t>(v);
      std::memcpy(p, &x, 4);
    }
  }
  return t;
}

double value_at(const rt::HostTensor& t, size_t i) {
  const uint8_t* p = t.bytes.data() + i * webtx::model::dtype_bytes(t.dtype);
  if (t.dtype == "f32") {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  if (t.dtype == "f16") {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return webtx::half_to_float(h);
  }
  if (t.dtype == "u32" || t.dtype == "bool") {
    uint32_t u;
    std::memcpy(&u, p, 4);
    return u;
  }
  int32_t x;
  std::memcpy(&x, p, 4);
  return x;
}

int check_outputs(const rt::VulkanModel& model, const nlohmann::json& ref,
                  const rt::TensorMap& tensors);

int run(const std::string& manifest, const std::string& ref_path) {
  std::ifstream in(ref_path);
  if (!in) throw std::runtime_error("cannot read reference '" + ref_path + "'");
  const nlohmann::json ref = nlohmann::json::parse(in);

  rt::VulkanDevice device;
  auto model = rt::VulkanModel::load(device, manifest);
  rt::RunOptions options;
  if (ref.contains("symbols"))
    for (auto& [name, v] : ref.at("symbols").items()) options.symbols[name] = v.get<int64_t>();
  int failures = 0;
  std::vector<size_t> planned;
  for (int pass = 0; pass < 2; ++pass) {
    rt::TensorMap tensors;
    for (auto& [name, t] : ref.at("inputs").items()) tensors[name] = tensor_of(t);
    model->run(tensors, options);
    failures += check_outputs(*model, ref, tensors);
    if (pass == 0) planned = model->planned_bytes();
  }
  const bool reused =
      planned == model->planned_bytes() && planned.size() == model->spec().memory.buffers.size();
  std::cout << (reused ? "PASS" : "FAIL") << " " << model->spec().name << ": " << planned.size()
            << " planned buffers, the same after the second run\n";
  return failures == 0 && reused ? 0 : 1;
}

int check_outputs(const rt::VulkanModel& model, const nlohmann::json& ref,
                  const rt::TensorMap& tensors) {
  int failures = 0;
  for (auto& [name, want] : ref.at("outputs").items()) {
    const rt::HostTensor& got = tensors.at(name);
    if (static_cast<size_t>(got.size()) != want.size()) {
      std::cout << "FAIL output '" << name << "': " << got.size() << " elements, want "
                << want.size() << "\n";
      ++failures;
      continue;
    }
    double max_err = 0;
    long bad = -1;
    for (size_t i = 0; i < want.size(); ++i) {
      const double w = want[i].get<double>(), g = value_at(got, i), e = std::fabs(g - w);
      if (!(e <= 1e-4 + 1e-4 * std::fabs(w)) && bad < 0) bad = static_cast<long>(i);
      if (!(e <= max_err)) max_err = e;
    }
    std::cout << (bad < 0 ? "PASS" : "FAIL") << " " << model.spec().name << " output '" << name
              << "' (" << want.size() << " values): max abs error " << max_err;
    if (bad >= 0) std::cout << "; element " << bad << ": got " << value_at(got, bad);
    std::cout << "\n";
    failures += bad >= 0;
  }
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: webtx_run_shipped_model <model.manifest.json> <reference.json>\n";
    return 2;
  }
  try {
    return run(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
