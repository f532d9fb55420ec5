#pragma once
// Shared helpers for the SPIR-V/Vulkan tests: one device for the process, compilation that
// also writes every module into the build tree (checked by spirv-val from CTest).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "vk_program.hpp"
#include "webtx/codegen/spirv.hpp"
#include "webtx/half.hpp"

namespace webtx::spirv_test {

namespace rt = webtx::vk_program;

inline rt::VulkanDevice& device() {
  static rt::VulkanDevice d;
  return d;
}

// What the tests build for: webgpu-large with f16 and subgroups (lavapipe offers all three).
inline Target test_target() {
  Target t = target_by_name("webgpu-large-f16");
  t.with(Feature::Subgroups);
  return t;
}

// No limits at all: for tests that reach the Vulkan runtime's own device checks.
inline Target unlimited_target() {
  Target t = test_target();
  t.name = "unlimited";
  for_each_limit(t.limits, [](const char*, int64_t& v) { v = int64_t{1} << 40; });
  return t;
}

// Compiles every kernel for `target`; writes <dir>/<tag>_<kernel>.spv and .spvasm.
inline std::vector<std::vector<uint32_t>> compile(const ir::Program& p, const std::string& tag,
                                                  const Target& target = test_target()) {
  std::vector<std::vector<uint32_t>> out;
  std::filesystem::create_directories(WEBTX_SPV_DIR);
  for (auto& k : p.kernels) {
    auto m = codegen::spirv::compile_kernel(k, target);
    std::string base = std::string(WEBTX_SPV_DIR) + "/" + tag + "_" + k.name;
    m.write_spv(base + ".spv");
    std::ofstream(base + ".spvasm") << m.disassembly();
    out.push_back(std::move(m.words));
  }
  return out;
}

inline rt::RunResult run(const ir::Program& p, const std::string& tag, rt::TensorMap& tensors,
                         const rt::RunOptions& o = {}) {
  return rt::run_program(device(), p, compile(p, tag), tensors, o);
}

template <typename T>
std::vector<T> random_values(size_t n, double lo, double hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(gen));
  return v;
}

inline uint16_t f32_to_f16(float f) { return webtx::float_to_half(f); }
inline float f16_to_f32(uint16_t h) { return webtx::half_to_float(h); }

}  // namespace webtx::spirv_test
