#pragma once
// What a model is built for: the backends it ships, the optional device features its kernels
// may use, and the device limits lowering and every backend must respect. One struct travels
// through lower() and every backend; no limit is hard-coded where it is used.
//
// The defaults are WebGPU's guaranteed limits (the values every conforming adapter offers,
// https://www.w3.org/TR/webgpu/#limits), so a model built for the default target runs on any
// WebGPU device. A model that needs more names a target with larger limits or more features;
// the runtimes refuse a device that cannot meet them, naming the feature or limit.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "webtx/error.hpp"

namespace webtx {

// Optional device features, by their WebGPU names.
enum class Feature : uint8_t {
  ShaderF16,       // "shader-f16": f16 arithmetic and storage in shaders
  Subgroups,       // "subgroups": subgroupAdd/Max..., SPIR-V GroupNonUniform*
  SubgroupMatrix,  // "chromium-experimental-subgroup-matrix": tensor cores
  TimestampQuery,  // "timestamp-query": per-kernel GPU time
};
inline constexpr Feature kAllFeatures[] = {Feature::ShaderF16, Feature::Subgroups,
                                           Feature::SubgroupMatrix, Feature::TimestampQuery};

inline const char* feature_name(Feature f) {
  switch (f) {
    case Feature::ShaderF16:
      return "shader-f16";
    case Feature::Subgroups:
      return "subgroups";
    case Feature::SubgroupMatrix:
      return "chromium-experimental-subgroup-matrix";
    case Feature::TimestampQuery:
      return "timestamp-query";
  }
  return "?";
}

// Device limits, named as in WebGPU's GPUSupportedLimits. Defaults: the guaranteed values.
struct TargetLimits {
  int64_t maxComputeWorkgroupsPerDimension = 65535;
  int64_t maxComputeInvocationsPerWorkgroup = 256;
  int64_t maxComputeWorkgroupSizeX = 256;
  int64_t maxComputeWorkgroupSizeY = 256;
  int64_t maxComputeWorkgroupSizeZ = 64;
  int64_t maxComputeWorkgroupStorageSize = 16384;
  int64_t maxStorageBuffersPerShaderStage = 8;
  int64_t maxStorageBufferBindingSize = int64_t{128} << 20;
  int64_t maxBufferSize = int64_t{256} << 20;
  // Not a WebGPU limit: loops with at most this many iterations are unrolled when scheduled
  // `unroll`; longer ones stay loops (shader compile time grows with unrolled code).
  int64_t maxUnrollIterations = 64;
  // Not a WebGPU limit either: bytes of per-invocation (private / function-local) arrays one
  // kernel may allocate. 8192 is WGSL's limit on the function and private address spaces (WGSL
  // spec, "Limits"); NVIDIA's Vulkan driver fails pipeline creation (VK_ERROR_UNKNOWN, "failed
  // to validate local memory") from ~16 KB on (H100, driver 580: 14336 B pass, 16128 B fail).
  int64_t maxPrivateStorageSize = 8192;
};

// Calls f(name, value) for every limit, in declaration order (the manifest, the messages and
// the tests go through this one list). `L` is TargetLimits, const or not.
template <typename L, typename F>
void for_each_limit(L& l, F&& f) {
  f("maxComputeWorkgroupsPerDimension", l.maxComputeWorkgroupsPerDimension);
  f("maxComputeInvocationsPerWorkgroup", l.maxComputeInvocationsPerWorkgroup);
  f("maxComputeWorkgroupSizeX", l.maxComputeWorkgroupSizeX);
  f("maxComputeWorkgroupSizeY", l.maxComputeWorkgroupSizeY);
  f("maxComputeWorkgroupSizeZ", l.maxComputeWorkgroupSizeZ);
  f("maxComputeWorkgroupStorageSize", l.maxComputeWorkgroupStorageSize);
  f("maxStorageBuffersPerShaderStage", l.maxStorageBuffersPerShaderStage);
  f("maxStorageBufferBindingSize", l.maxStorageBufferBindingSize);
  f("maxBufferSize", l.maxBufferSize);
  f("maxUnrollIterations", l.maxUnrollIterations);
  f("maxPrivateStorageSize", l.maxPrivateStorageSize);
}

// The value of the limit called `name`; UserError if there is none.
inline int64_t limit_value(const TargetLimits& l, const std::string& name) {
  const int64_t* found = nullptr;
  for_each_limit(l, [&](const char* n, const int64_t& v) {
    if (name == n) found = &v;
  });
  user_assert(found) << "unknown target limit '" << name << "'";
  return *found;
}

// One subgroup-matrix shape a device multiplies natively (WebGPU's GPUSubgroupMatrixConfig,
// Vulkan's VkCooperativeMatrixPropertiesKHR): left M x K and right K x N fragments of
// `component` ("f16"), accumulated into an M x N `result` ("f16" or "f32").
struct SubgroupMatrixConfig {
  std::string component, result;
  int M = 0, N = 0, K = 0;
  bool operator==(const SubgroupMatrixConfig&) const = default;
};

// "f16->f32 16x16x16" (M x N x K), as errors print it.
inline std::string to_string(const SubgroupMatrixConfig& c) {
  return c.component + "->" + c.result + " " + std::to_string(c.M) + "x" + std::to_string(c.N) +
         "x" + std::to_string(c.K);
}

// What NVIDIA GPUs offer through Dawn (checked on an H100; NOTES.md): f16 -> f16 and f16 -> f32
// at 16x16x16, 16x8x16 and 16x8x8.
inline std::vector<SubgroupMatrixConfig> nvidia_f16_matrix_configs() {
  std::vector<SubgroupMatrixConfig> v;
  for (const char* r : {"f16", "f32"})
    for (auto [m, n, k] : {std::array{16, 16, 16}, {16, 8, 16}, {16, 8, 8}})
      v.push_back({"f16", r, m, n, k});
  return v;
}

struct Target {
  std::string name = "webgpu";
  std::vector<Feature> features;
  TargetLimits limits;
  // The shapes tensorize may use (with Feature::SubgroupMatrix), and the subgroup size its
  // kernels assume (invocations that hold one set of fragments).
  std::vector<SubgroupMatrixConfig> matrix_configs;
  int matrix_subgroup_size = 32;

  bool has(Feature f) const {
    for (auto g : features)
      if (g == f) return true;
    return false;
  }
  Target& with(Feature f) {
    if (!has(f)) features.push_back(f);
    return *this;
  }
};

// Named targets, as given to add_webgpu_model(... TARGET <name>):
//   webgpu         WebGPU's guaranteed limits, no optional feature (the default)
//   webgpu-f16     webgpu + shader-f16
//   webgpu-large   the limits every desktop GPU of the last years offers (1024 invocations,
//                  32 KiB workgroup memory, 1 GiB storage bindings)
//   webgpu-large-f16, webgpu-large-subgroups: the same plus that feature
//   webgpu-subgroup-matrix: tensor cores (shader-f16, subgroups,
//                  chromium-experimental-subgroup-matrix with NVIDIA's f16 shapes, subgroups
//                  of 32), webgpu-large limits with 48 KiB workgroup memory
inline std::vector<std::string> target_names() {
  return {"webgpu",
          "webgpu-f16",
          "webgpu-large",
          "webgpu-large-f16",
          "webgpu-large-subgroups",
          "webgpu-subgroup-matrix"};
}

inline Target target_by_name(const std::string& name) {
  Target t;
  t.name = name;
  std::string rest = name;
  auto take = [&](const std::string& prefix) {
    if (rest.rfind(prefix, 0) != 0) return false;
    rest = rest.substr(prefix.size());
    return true;
  };
  user_assert(take("webgpu")) << "unknown target '" << name << "'";
  const bool matrix = take("-subgroup-matrix");
  if (matrix || take("-large")) {
    t.limits.maxComputeInvocationsPerWorkgroup = 1024;
    t.limits.maxComputeWorkgroupSizeX = 1024;
    t.limits.maxComputeWorkgroupSizeY = 1024;
    t.limits.maxComputeWorkgroupStorageSize = 32768;
    t.limits.maxStorageBufferBindingSize = int64_t{1} << 30;
    t.limits.maxBufferSize = int64_t{1} << 30;
  }
  if (matrix) {
    t.limits.maxComputeWorkgroupStorageSize = 49152;
    t.with(Feature::ShaderF16).with(Feature::Subgroups).with(Feature::SubgroupMatrix);
    t.matrix_configs = nvidia_f16_matrix_configs();
  }
  if (!matrix && take("-f16")) t.with(Feature::ShaderF16);
  if (take("-subgroups")) t.with(Feature::Subgroups);
  if (!rest.empty()) {
    std::string known;
    for (auto& n : target_names()) known += (known.empty() ? "" : ", ") + n;
    user_error << "unknown target '" << name << "' (known targets: " << known << ")";
  }
  return t;
}

}  // namespace webtx
