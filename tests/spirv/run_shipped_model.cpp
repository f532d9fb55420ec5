// Runs a model exactly as the generator shipped it (<model>.manifest.json + its .spv files) on
// the native Vulkan runtime, with the inputs of a CPU reference file (webtx-examples-ref), and
// compares every output:  |got - want| <= tol + tol * |want|, tol = 1e-4 (the tolerance the
// WebGPU example tests use) or --tolerance. --against <other reference.json> compares with that
// file's outputs instead (same inputs and weights; e.g. the f32 model's for an f16 model) and
// prints the max abs and max relative error (relative to the largest |want|). It runs twice: the
// second run must reuse the planned intermediate buffers (ModelSpec::memory) without growing them.
// Links only the runtime (no compiler code): the native path runs what ships.
//
// Weights come from a safetensors file (--weights). --bad-weights first loads broken variants
// of that file into the same model (missing, extra, mis-shaped, wrong-dtype weight, truncated
// file, bad header; a run before any weights) and expects each error to name the tensor.
//
//   webtx_run_shipped_model <model.manifest.json> <reference.json> [--weights <file>]
//                           [--bad-weights] [--tolerance <tol>] [--against <reference.json>]
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "webtx/error.hpp"
#include "webtx/half.hpp"
#include "webtx/model/safetensors.hpp"
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

namespace model = webtx::model;

// Loads `bytes` as weights and expects a UserError containing `want`; returns 1 on a miss.
int expect_weights_error(rt::VulkanModel& m, const std::string& what, const std::string& bytes,
                         const std::string& want) {
  try {
    m.load_weights(model::parse_safetensors(bytes, "bad.safetensors"));
    std::cout << "FAIL " << what << ": no error\n";
    return 1;
  } catch (const webtx::UserError& e) {
    const bool ok = std::string(e.what()).find(want) != std::string::npos;
    std::cout << (ok ? "PASS " : "FAIL ") << what << ": " << e.what() << "\n";
    return ok ? 0 : 1;
  }
}

// The good file's tensors, for rewriting.
std::vector<model::SafetensorsTensor> tensors_of(const model::Safetensors& f) {
  std::vector<model::SafetensorsTensor> out;
  for (auto& e : f.tensors) {
    const std::string dtype = e.dtype == "F16"   ? "f16"
                              : e.dtype == "I32" ? "i32"
                              : e.dtype == "U32" ? "u32"
                                                 : "f32";
    out.push_back({e.name, dtype, e.shape,
                   std::string(reinterpret_cast<const char*>(f.data(e)), e.end - e.begin)});
  }
  return out;
}

int bad_weights(rt::VulkanModel& m, rt::TensorMap tensors, const rt::RunOptions& options,
                const std::string& good_path) {
  int failures = 0;
  try {
    m.run(tensors, options);
    std::cout << "FAIL run before weights: no error\n";
    ++failures;
  } catch (const webtx::UserError& e) {
    const bool ok = std::string(e.what()).find("needs weights '") != std::string::npos;
    std::cout << (ok ? "PASS" : "FAIL") << " run before weights: " << e.what() << "\n";
    failures += !ok;
  }
  const model::Safetensors good = model::read_safetensors(good_path);
  auto ts = tensors_of(good);
  if (ts.empty()) throw std::runtime_error("--bad-weights needs a model with weights");
  const std::string first = ts[0].name;
  auto edited = [&](auto edit) {
    auto copy = ts;
    edit(copy);
    return model::write_safetensors(copy);
  };
  failures += expect_weights_error(m, "missing weight", edited([](auto& v) { v.erase(v.begin()); }),
                                   "lacks weight(s) '" + first + "'");
  failures += expect_weights_error(m, "extra tensor", edited([](auto& v) {
                                     v.push_back({"extra.bias", "f32", {1}, std::string(4, '\0')});
                                   }),
                                   "has tensor 'extra.bias', which is not a weight of model");
  failures += expect_weights_error(m, "mis-shaped weight", edited([](auto& v) {
                                     std::reverse(v[0].shape.begin(), v[0].shape.end());
                                     if (v[0].shape.size() == 1) v[0].shape.push_back(1);
                                   }),
                                   "weight '" + first + "' has shape");
  failures += expect_weights_error(m, "wrong dtype", edited([](auto& v) { v[0].dtype = "i32"; }),
                                   "weight '" + first + "' has dtype I32, but model");
  failures += expect_weights_error(m, "truncated file", good.bytes.substr(0, good.bytes.size() - 4),
                                   "is truncated: tensor '");
  failures += expect_weights_error(m, "header past the end", good.bytes.substr(0, 64),
                                   "runs past the end of the file (64 bytes)");
  std::string bad_json = std::string("\x05\0\0\0\0\0\0\0", 8) + "{\"a\":";
  failures += expect_weights_error(m, "bad header JSON", bad_json, "the header is not valid JSON");
  return failures;
}

struct Args {
  std::string manifest, ref, weights, against;
  bool bad_weights = false;
  double tol = 1e-4;
};

int check_outputs(const rt::VulkanModel& model, const nlohmann::json& ref,
                  const rt::TensorMap& tensors, double tol);

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read reference '" + path + "'");
  return nlohmann::json::parse(in);
}

int run(const Args& args) {
  const std::string &manifest = args.manifest, &weights = args.weights;
  const nlohmann::json ref = read_json(args.ref);
  const nlohmann::json want = args.against.empty() ? ref : read_json(args.against);

  rt::VulkanDevice device;
  auto model = rt::VulkanModel::load(device, manifest);
  rt::RunOptions options;
  if (ref.contains("symbols"))
    for (auto& [name, v] : ref.at("symbols").items()) options.symbols[name] = v.get<int64_t>();
  int failures = 0;
  auto inputs = [&] {
    rt::TensorMap tensors;
    for (auto& [name, t] : ref.at("inputs").items()) tensors[name] = tensor_of(t);
    return tensors;
  };
  if (args.bad_weights) failures += bad_weights(*model, inputs(), options, weights);
  if (!weights.empty()) model->load_weights(weights);
  std::vector<size_t> planned;
  for (int pass = 0; pass < 2; ++pass) {
    rt::TensorMap tensors = inputs();
    model->run(tensors, options);
    failures += check_outputs(*model, want, tensors, args.tol);
    if (pass == 0) planned = model->planned_bytes();
  }
  const bool reused =
      planned == model->planned_bytes() && planned.size() == model->spec().memory.buffers.size();
  std::cout << (reused ? "PASS" : "FAIL") << " " << model->spec().name << ": " << planned.size()
            << " planned buffers, the same after the second run\n";
  return failures == 0 && reused ? 0 : 1;
}

int check_outputs(const rt::VulkanModel& model, const nlohmann::json& ref,
                  const rt::TensorMap& tensors, double tol) {
  int failures = 0;
  for (auto& [name, want] : ref.at("outputs").items()) {
    const rt::HostTensor& got = tensors.at(name);
    if (static_cast<size_t>(got.size()) != want.size()) {
      std::cout << "FAIL output '" << name << "': " << got.size() << " elements, want "
                << want.size() << "\n";
      ++failures;
      continue;
    }
    double max_err = 0, max_want = 0;
    long bad = -1;
    for (size_t i = 0; i < want.size(); ++i) {
      const double w = want[i].get<double>(), g = value_at(got, i), e = std::fabs(g - w);
      if (!(e <= tol + tol * std::fabs(w)) && bad < 0) bad = static_cast<long>(i);
      if (!(e <= max_err)) max_err = e;
      max_want = std::max(max_want, std::fabs(w));
    }
    std::cout << (bad < 0 ? "PASS" : "FAIL") << " " << model.spec().name << " output '" << name
              << "' (" << want.size() << " values, tolerance " << tol << "): max abs error "
              << max_err << ", relative to max |want| " << max_want << ": "
              << (max_want > 0 ? max_err / max_want : 0.0);
    if (bad >= 0)
      std::cout << "; element " << bad << ": got " << value_at(got, bad) << ", want "
                << want[bad].get<double>();
    std::cout << "\n";
    failures += bad >= 0;
  }
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--weights" && i + 1 < argc)
      args.weights = argv[++i];
    else if (a == "--bad-weights")
      args.bad_weights = true;
    else if (a == "--tolerance" && i + 1 < argc)
      args.tol = std::stod(argv[++i]);
    else if (a == "--against" && i + 1 < argc)
      args.against = argv[++i];
    else
      pos.push_back(a);
  }
  if (pos.size() != 2) {
    std::cerr << "usage: webtx_run_shipped_model <model.manifest.json> <reference.json> "
                 "[--weights <file.safetensors>] [--bad-weights] [--tolerance <tol>] "
                 "[--against <reference.json>]\n";
    return 2;
  }
  args.manifest = pos[0], args.ref = pos[1];
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
