// Tiled fp32 matmul (C = A * B, N x N x N) on the native Vulkan path: ir::Kernel -> SPIR-V
// (validated, optimised) -> VulkanDevice, timed with GPU timestamps around each dispatch.
//
//   bench_vulkan_matmul [--sizes=1024,2048,4096] [google benchmark flags]
// Sizes also come from WEBTX_BENCH_SIZES; default 128,256 (a smoke run on CPU drivers).
// WEBTX_VK_DEVICE picks the Vulkan device by name substring.
//
// Kernels: `generated_fast` is what webtx generates from the DSL matmul and the example
// schedule examples/matmul_fast/fast_matmul.hpp through lower() (constant shapes, so guards
// vanish and copies become vec4; `generated_fast_scalar` is the same with vectorize off,
// `generated_fast_row` reads A into registers one row at a time).
// The `t...` variants are the hand-built register-blocked tiled matmul from
// tests/spirv/hand_kernels.hpp (workgroup-memory tiles, RM x RN outputs per invocation; bounds
// checks dropped when N divides the tiles), with symbolic M, N, K: timed with the generic
// pipeline, and as `..._specialized` with the pipeline the runtime builds for a shape bound
// again (SpecializeOptions: M, N, K fixed as SPIR-V specialization constants). Each size is checked
// once against a double-precision reference on sampled entries before timing.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>

#include "hand_kernels.hpp"
#include "vk_program.hpp"
#include "webtx/codegen/spirv.hpp"

namespace {

using namespace webtx;
namespace rt = webtx::vk_program;

rt::VulkanDevice& device() {
  static rt::VulkanDevice d;
  return d;
}

enum class Source { Hand, Generated, GeneratedScalar, GeneratedRow };
struct Variant {
  const char* name;
  spirv_test::MatmulTiling tiling;
  Source source = Source::Hand;
  bool specialized = false;  // bind twice: time the shape-specialized pipeline
};

}  // namespace
// generated_matmul.cpp (its own file: the DSL's Var and hand_kernels.hpp's ir::Variable clash).
namespace webtx {
ir::Program generated_matmul(int64_t n, bool vectorize, bool a_by_row);
}
namespace {

// Tile shapes: (BM, BN, BK, RM, RN). 128x128 tiles with 8x8 per invocation (256 invocations)
// is the usual sweet spot for fp32 SIMT matmul; 64x64 / 4x4 for smaller problems.
const Variant kVariants[] = {
    {"t128x128x8_r8x8", {128, 128, 8, 8, 8, true, true}},
    {"t128x128x16_r8x8", {128, 128, 16, 8, 8, true, true}},
    {"t64x64x16_r4x4", {64, 64, 16, 4, 4, true, true}},
    {"t128x128x16_r8x8_specialized", {128, 128, 16, 8, 8, true, true}, Source::Hand, true},
    {"t64x64x16_r4x4_specialized", {64, 64, 16, 4, 4, true, true}, Source::Hand, true},
    {"generated_fast", {128, 128, 16, 8, 8, true, true}, Source::Generated},
    {"generated_fast_scalar", {128, 128, 16, 8, 8, true, true}, Source::GeneratedScalar},
    {"generated_fast_row", {128, 128, 16, 8, 8, true, true}, Source::GeneratedRow},
};

void BM_VulkanMatmul(benchmark::State& state, Variant v) {
  const int n = static_cast<int>(state.range(0));
  v.tiling.guard = (n % v.tiling.bm) || (n % v.tiling.bn) || (n % v.tiling.bk);
  try {
    ir::Program p = v.source == Source::Hand
                        ? spirv_test::tiled_matmul(v.tiling, "matmul")
                        : generated_matmul(n, v.source != Source::GeneratedScalar,
                                           v.source == Source::GeneratedRow);
    const std::string c_name = p.tensors.at(2).buffer->name;  // A, B, then the output
    std::vector<std::vector<uint32_t>> spirv;
    const Target target = target_by_name("webgpu-large");  // as generated_matmul lowers
    for (auto& k : p.kernels) spirv.push_back(codegen::spirv::compile_kernel(k, target).words);
    // Generic variants never specialize; specialized ones do on the second bind.
    rt::VulkanProgram prog(device(), p, spirv, {.after = v.specialized ? 2 : 0, .most = 8});

    std::mt19937 gen(42);
    std::uniform_real_distribution<float> dist(-1, 1);
    std::vector<float> a(static_cast<size_t>(n) * n), b(a.size());
    for (auto& x : a) x = dist(gen);
    for (auto& x : b) x = dist(gen);
    rt::TensorMap tm{{"A", rt::tensor_from(ir::DType::f32(), {n, n}, a)},
                     {"B", rt::tensor_from(ir::DType::f32(), {n, n}, b)}};
    if (v.specialized) prog.bind(tm);  // the first bind of the shape: generic
    auto bound = prog.bind(tm);
    if (v.specialized && prog.model().specialization().specialized_dispatches != 1) {
      state.SkipWithError("the second bind did not run a specialized pipeline");
      return;
    }

    // Correctness on sampled entries before timing.
    bound->execute();
    bound->read_outputs(tm);
    auto c = rt::tensor_values<float>(tm.at(c_name));
    for (int s = 0; s < 64; ++s) {
      int i = static_cast<int>(gen() % n), j = static_cast<int>(gen() % n);
      double ref = 0;
      for (int k = 0; k < n; ++k) ref += static_cast<double>(a[i * n + k]) * b[k * n + j];
      if (std::fabs(c[i * n + j] - ref) > 1e-5 * n + 1e-4) {
        std::ostringstream msg;
        msg << "wrong result at (" << i << ", " << j << "): " << c[i * n + j] << " vs " << ref;
        state.SkipWithError(msg.str().c_str());
        return;
      }
    }

    const bool gpu_time = device().info().timestamps;
    double total_s = 0;
    for (auto _ : state) {
      double s;
      if (gpu_time) {
        s = bound->execute(true).at(0) * 1e-9;
      } else {
        auto t0 = std::chrono::steady_clock::now();
        bound->execute();
        s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      state.SetIterationTime(s);
      total_s += s;
    }
    const double flops = 2.0 * n * static_cast<double>(n) * n;
    state.counters["TFLOP/s"] = flops * static_cast<double>(state.iterations()) / total_s / 1e12;
    state.counters["guarded"] = v.tiling.guard ? 1 : 0;
    state.SetLabel(device().info().name + (gpu_time ? " (GPU timestamps" : " (wall clock") +
                   (device().info().staged ? ", staged)" : ", mapped)"));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

std::vector<int64_t> parse_sizes(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(std::stoll(item));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sizes = "128,256";
  if (const char* env = std::getenv("WEBTX_BENCH_SIZES")) sizes = env;
  // Take --sizes=... out of argv before Google Benchmark parses the rest.
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--sizes=", 8) == 0) {
      sizes = argv[i] + 8;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  for (const auto& v : kVariants) {
    auto* b = benchmark::RegisterBenchmark((std::string("vulkan_matmul/") + v.name).c_str(),
                                           BM_VulkanMatmul, v);
    for (auto n : parse_sizes(sizes)) b->Arg(n);
    b->UseManualTime()->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
