// The tensorized f16 matmuls (examples/matmul_f16) on the native Vulkan path: each model exactly
// as the generator shipped it (description + SPV_KHR_cooperative_matrix .spv) through
// runtime/vulkan's VulkanModel, checked on exactly-representable inputs (k/32, k in [-32, 32]:
// f32 accumulation must be exact, f16 within 5%), then timed with GPU timestamps around the
// kernel (warm-up ~300 ms, median of 20). One JSON line per model, like bench_f16.mjs.
//
//   bench_vulkan_f16 <dir with <model>/<model>.manifest.json> <model>... [--stats] [--ir-dir D]
// WEBTX_VK_DEVICE picks the Vulkan device by name substring. --stats adds what the driver
// reports about each kernel's compiled code (VK_KHR_pipeline_executable_properties: registers,
// spills, ...) as "stats"; --ir-dir also writes its internal representations (e.g. the
// machine code) to D/<model>.<ir name>.txt. --no-time: statistics only.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>

#include "webtx/error.hpp"
#include "webtx/half.hpp"
#include "webtx/runtime/vulkan/model_runner.hpp"

namespace rt = webtx::runtime::vulkan;

namespace {

int64_t dim(const webtx::model::TensorSpec& t, size_t i) {
  if (!t.shape.at(i).is_const()) throw std::runtime_error(t.name + " has a symbolic shape");
  return t.shape[i].value;
}

struct Options {
  bool stats = false, time = true;
  std::string ir_dir;
};

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n' || c == '\t') c = ' ';
    o += c;
  }
  return o;
}

// "stats":{"<executable>/<name>":"<value>",...}; internal representations to files.
std::string statistics(rt::VulkanDevice& dev, const rt::VulkanModel& model, const std::string& name,
                       const Options& o) {
  if (!dev.info().pipeline_statistics) return ",\"stats\":\"unavailable\"";
  std::string js = ",\"stats\":{";
  bool first = true;
  for (size_t k = 0; k < model.spec().kernels.size(); ++k) {
    for (auto& s : dev.pipeline_statistics(model.pipeline(k), !o.ir_dir.empty())) {
      if (s.name.rfind("ir:", 0) == 0) {
        std::string file = o.ir_dir + "/" + name + "." + std::to_string(k) + "." + s.name.substr(3);
        for (auto& c : file)
          if (c == ' ') c = '_';
        std::ofstream(file) << s.value;
        continue;
      }
      js += std::string(first ? "" : ",") + "\"" + escape(s.executable + "/" + s.name) + "\":\"" +
            escape(s.value) + "\"";
      first = false;
    }
  }
  return js + "}";
}

std::string bench(rt::VulkanDevice& dev, const std::string& dir, const std::string& name,
                  const Options& o) {
  auto model = rt::VulkanModel::load(dev, dir + "/" + name + "/" + name + ".manifest.json");
  if (!o.time)
    return "{\"name\":\"" + name + "\",\"path\":\"vulkan\"" + statistics(dev, *model, name, o) +
           "}";
  const auto& spec = model->spec();
  const auto *A = spec.tensor("A"), *C = spec.tensor("C");
  const int64_t M = dim(*A, 0), K = dim(*A, 1), N = dim(*C, 1);
  auto p = spec.params.find("layout");
  const bool nt = p != spec.params.end() && p->second == "nt";
  const bool f32 = C->dtype == "f32";
  std::mt19937 g(12345);
  std::uniform_int_distribution<int> d(-32, 32);
  rt::TensorMap tm;
  std::vector<int8_t> qa(static_cast<size_t>(M * K)), qb(static_cast<size_t>(K * N));
  auto fill = [&](const char* n, std::vector<int64_t> shape, std::vector<int8_t>& q) {
    rt::HostTensor t("f16", shape);
    for (size_t i = 0; i < q.size(); ++i) {
      q[i] = static_cast<int8_t>(d(g));
      const uint16_t h = webtx::float_to_half(static_cast<float>(q[i]) / 32.0f);
      std::memcpy(t.bytes.data() + 2 * i, &h, 2);
    }
    tm[n] = std::move(t);
  };
  fill("A", {M, K}, qa);
  fill("B", nt ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N}, qb);
  auto bound = model->bind(tm);
  bound->execute();
  bound->read_outputs(tm);
  const rt::HostTensor& out = tm.at("C");
  double max_err = 0;
  int bad = 0, samples = 0;
  for (int s = 0; s < 400; ++s, ++samples) {
    const int64_t i = (s * 2654435761LL) % M, j = (s * 40503LL + 17) % N;
    int64_t acc = 0;
    for (int64_t k = 0; k < K; ++k) acc += qa[i * K + k] * (nt ? qb[j * K + k] : qb[k * N + j]);
    const double want = static_cast<double>(acc) / 1024.0;
    double got;
    if (f32) {
      float f;
      std::memcpy(&f, out.bytes.data() + 4 * (i * N + j), 4);
      got = f;
    } else {
      uint16_t h;
      std::memcpy(&h, out.bytes.data() + 2 * (i * N + j), 2);
      got = webtx::half_to_float(h);
    }
    const double e = std::abs(got - want);
    max_err = std::isnan(e) ? INFINITY : std::max(max_err, e);
    if (!(e <= (f32 ? 0.0 : 0.05 * std::max(1.0, std::abs(want))))) ++bad;
  }
  // Warm-up of ~300 ms (clocks), then the median of 20 timed runs.
  auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 0.3)
    bound->execute();
  std::vector<double> ns;
  for (int r = 0; r < 20; ++r) ns.push_back(bound->execute(true).at(0));
  std::sort(ns.begin(), ns.end());
  const double ms = ns[10] / 1e6;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"name\":\"%s\",\"path\":\"vulkan\",\"device\":\"%s\",\"M\":%lld,\"N\":%lld,"
                "\"K\":%lld,\"acc\":\"%s\",\"layout\":\"%s\",\"ms\":%.4f,\"tflops\":%.1f,"
                "\"maxAbsErr\":%g,\"badSamples\":%d,\"samples\":%d",
                name.c_str(), dev.info().name.c_str(), static_cast<long long>(M),
                static_cast<long long>(N), static_cast<long long>(K), C->dtype.c_str(),
                nt ? "NT" : "NN", ms, 2.0 * M * N * K / (ms * 1e9), max_err, bad, samples);
  return buf + (o.stats ? statistics(dev, *model, name, o) : std::string()) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<std::string> args;
  for (int a = 1; a < argc; ++a) {
    const std::string s = argv[a];
    if (s == "--stats") {
      o.stats = true;
    } else if (s == "--no-time") {
      o.stats = true, o.time = false;
    } else if (s == "--ir-dir" && a + 1 < argc) {
      o.stats = true, o.ir_dir = argv[++a];
    } else {
      args.push_back(s);
    }
  }
  if (args.size() < 2) {
    std::cerr << "usage: bench_vulkan_f16 <dir> <model>... [--stats] [--ir-dir D] [--no-time]\n";
    return 2;
  }
  if (o.stats) setenv("WEBTX_VK_PIPELINE_STATS", "1", 1);
  const char* filter = std::getenv("WEBTX_VK_DEVICE");
  rt::VulkanDevice dev(filter ? filter : "");
  int failed = 0;
  for (size_t a = 1; a < args.size(); ++a) {
    const char* model = args[a].c_str();
    try {
      std::cout << bench(dev, args[0], args[a], o) << std::endl;
    } catch (const std::exception& e) {
      std::string msg = e.what();
      for (char& c : msg)
        if (c == '"' || c == '\n' || c == '\\') c = ' ';
      std::cout << "{\"name\":\"" << model << "\",\"path\":\"vulkan\",\"error\":\"" << msg << "\"}"
                << std::endl;
      ++failed;
    }
  }
  return failed ? 1 : 0;
}
