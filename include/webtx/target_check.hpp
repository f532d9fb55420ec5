#pragma once
// Checks a lowered kernel against a Target: every limit and feature that is known when the
// kernel is built (workgroup size and memory, bindings, constant grids and tensor sizes, f16).
// lower() calls it for each kernel it makes and every backend calls it before emitting, so a
// hand-written kernel (ModelContext::set_program) is checked too. Limits that depend on
// symbolic extents are checked at run time by the host stub, from the same Target.
//
// Messages name the kernel, what it uses, the target, the limit (WebGPU's name) and a way out:
//   kernel 'matmul' uses 24576 bytes of workgroup memory; target 'webgpu' allows 16384
//   (maxComputeWorkgroupStorageSize): build for 'webgpu-large' or shrink the tile
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "webtx/ir/functor.hpp"
#include "webtx/ir/kernel.hpp"
#include "webtx/target.hpp"

namespace webtx {

// The first named target (target_names() order) that has every feature of `t` and allows
// `value` for `limit`; none if no named target does.
inline std::optional<std::string> target_allowing(const Target& t, const std::string& limit,
                                                  int64_t value) {
  for (auto& n : target_names()) {
    Target c = target_by_name(n);
    bool features = true;
    for (auto f : t.features) features &= c.has(f);
    if (features && limit_value(c.limits, limit) >= value) return n;
  }
  return std::nullopt;
}

// Throws a UserError "<what>; target 'T' allows N (<limit>): build for 'U' or <remedy>" when
// `value` exceeds the target's `limit`.
inline void check_limit(const Target& t, const std::string& limit, int64_t value,
                        const std::string& what, const std::string& remedy) {
  const int64_t allowed = limit_value(t.limits, limit);
  if (value <= allowed) return;
  auto other = target_allowing(t, limit, value);
  user_error << what << "; target '" << t.name << "' allows " << allowed << " (" << limit
             << "): " << (other ? "build for '" + *other + "' or " : "") << remedy;
}

// Throws a UserError naming the feature when `t` lacks it.
inline void check_feature(const Target& t, Feature f, const std::string& what) {
  if (t.has(f)) return;
  std::optional<std::string> other;
  for (auto& n : target_names()) {
    Target c = target_by_name(n);
    bool ok = c.has(f);
    for (auto g : t.features) ok &= c.has(g);
    if (ok && !other) other = n;
  }
  user_error << what << ", which needs WebGPU feature '" << feature_name(f) << "'; target '"
             << t.name << "' does not enable it"
             << (other ? ": build for '" + *other + "'" : std::string());
}

// Bytes of a Global buffer of constant shape as bound (bool stored as u32); none if symbolic.
inline std::optional<int64_t> constant_buffer_bytes(const ir::BufferNode& b) {
  int64_t n = b.type.bytes();
  for (auto& e : b.shape) {
    auto* c = e.as<ir::IntImm>();
    if (!c) return std::nullopt;
    n *= c->value;
  }
  return n;
}

// The per-invocation arrays a kernel body allocates (Private scope, constant shape; not
// subgroup-matrix fragments), each buffer once however often its Allocate appears: name and
// bytes (bool stored as u32), in first-allocation order.
inline std::vector<std::pair<std::string, int64_t>> private_allocations(const ir::Stmt& body) {
  struct V : ir::IRVisitor {
    std::vector<const ir::BufferNode*> seen;
    std::vector<std::pair<std::string, int64_t>> out;
    using ir::IRVisitor::visit;
    void visit(const ir::Expr&) override {}  // Allocates are statements
    void visit_Allocate(const ir::Allocate& op) override {
      const ir::BufferNode* b = op.buffer.get();
      if (b->scope == ir::MemScope::Private && b->matrix == ir::MatrixRole::None &&
          std::find(seen.begin(), seen.end(), b) == seen.end()) {
        seen.push_back(b);
        int64_t n = b->type.bytes();
        bool constant = true;
        for (auto& e : b->shape) {
          auto* c = e.as<ir::IntImm>();
          constant &= c != nullptr;
          if (c) n *= c->value;
        }
        if (constant) out.push_back({b->name, n});
      }
      ir::IRVisitor::visit_Allocate(op);
    }
  } v;
  v.visit(body);
  return v.out;
}

inline void check_kernel_target(const ir::Kernel& k, const Target& t) {
  const std::string kn = "kernel '" + k.name + "'";
  static const char* const kSize[3] = {"maxComputeWorkgroupSizeX", "maxComputeWorkgroupSizeY",
                                       "maxComputeWorkgroupSizeZ"};
  int64_t invocations = 1;
  for (int d = 0; d < 3; ++d) {
    const std::string dim(1, "xyz"[d]);
    check_limit(t, kSize[d], k.workgroup_size[d],
                kn + " has workgroup size " + std::to_string(k.workgroup_size[d]) + " in " + dim,
                "bind fewer threads to local_id." + dim);
    invocations *= k.workgroup_size[d];
    if (auto* g = k.grid[d].defined() ? k.grid[d].as<ir::IntImm>() : nullptr) {
      check_limit(t, "maxComputeWorkgroupsPerDimension", g->value,
                  kn + " launches " + std::to_string(g->value) + " workgroups in " + dim,
                  "split the axis bound to workgroup_id." + dim + " further");
    }
  }
  check_limit(t, "maxComputeInvocationsPerWorkgroup", invocations,
              kn + " has " + std::to_string(invocations) + " invocations per workgroup (" +
                  std::to_string(k.workgroup_size[0]) + "x" + std::to_string(k.workgroup_size[1]) +
                  "x" + std::to_string(k.workgroup_size[2]) + ")",
              "bind fewer threads per workgroup");
  check_limit(t, "maxComputeWorkgroupStorageSize", k.workgroup_bytes,
              kn + " uses " + std::to_string(k.workgroup_bytes) + " bytes of workgroup memory",
              "shrink the tile");
  // Per-invocation arrays: WGSL's function/private address-space limit (NVIDIA's driver fails
  // the pipeline from ~16 KB); every named target has the same, so the way out is the schedule.
  if (k.body.defined()) {
    auto priv = private_allocations(k.body);
    int64_t bytes = 0;
    std::string which;
    for (auto& [name, n] : priv) {
      bytes += n;
      which += (which.empty() ? "stage '" : ", stage '") + name + "': " + std::to_string(n);
    }
    check_limit(t, "maxPrivateStorageSize", bytes,
                kn + " uses " + std::to_string(bytes) +
                    " bytes of private (per-invocation) memory (" + which + ")",
                "cache into workgroup memory (MemScope::Workgroup) or give each invocation a "
                "smaller tile");
  }
  check_limit(t, "maxStorageBuffersPerShaderStage", static_cast<int64_t>(k.buffers.size()),
              kn + " binds " + std::to_string(k.buffers.size()) + " storage buffers",
              "split the kernel");
  for (auto& kb : k.buffers) {
    if (auto bytes = constant_buffer_bytes(*kb.buffer)) {
      check_limit(
          t, "maxStorageBufferBindingSize", *bytes,
          kn + " binds tensor '" + kb.buffer->name + "' of " + std::to_string(*bytes) + " bytes",
          "use smaller tensors");
    }
  }
  if (k.uses_f16) check_feature(t, Feature::ShaderF16, kn + " uses f16");
  if (k.uses_subgroups) check_feature(t, Feature::Subgroups, kn + " uses subgroup operations");
  if (k.subgroup_matrix_size > 0)
    check_feature(t, Feature::SubgroupMatrix, kn + " uses subgroup matrices (tensorize)");
}

// What kernels need of a device, by WebGPU limit name (the largest value any kernel uses;
// grids and tensor sizes only where constant) and the features they use: the manifest's
// "limits" and "features", which the runtimes check a device against.
struct DeviceNeeds {
  std::vector<std::pair<std::string, int64_t>> limits;
  std::vector<Feature> features;
};

inline DeviceNeeds device_needs(const std::vector<ir::Kernel>& kernels) {
  int64_t wg_bytes = 0, invocations = 1, size[3] = {1, 1, 1}, buffers = 0, groups = 1, binding = 0;
  bool f16 = false, subgroups = false, matrix = false;
  for (auto& k : kernels) {
    f16 |= k.uses_f16;
    matrix |= k.subgroup_matrix_size > 0;
    subgroups |= k.uses_subgroups;
    wg_bytes = std::max(wg_bytes, k.workgroup_bytes);
    invocations =
        std::max(invocations, k.workgroup_size[0] * k.workgroup_size[1] * k.workgroup_size[2]);
    for (int d = 0; d < 3; ++d) {
      size[d] = std::max(size[d], k.workgroup_size[d]);
      if (auto* g = k.grid[d].defined() ? k.grid[d].as<ir::IntImm>() : nullptr)
        groups = std::max(groups, g->value);
    }
    buffers = std::max(buffers, static_cast<int64_t>(k.buffers.size()));
    for (auto& kb : k.buffers)
      if (auto b = constant_buffer_bytes(*kb.buffer)) binding = std::max(binding, *b);
  }
  DeviceNeeds n;
  n.limits = {{"maxComputeWorkgroupStorageSize", wg_bytes},
              {"maxComputeInvocationsPerWorkgroup", invocations},
              {"maxComputeWorkgroupSizeX", size[0]},
              {"maxComputeWorkgroupSizeY", size[1]},
              {"maxComputeWorkgroupSizeZ", size[2]},
              {"maxStorageBuffersPerShaderStage", buffers},
              {"maxComputeWorkgroupsPerDimension", groups}};
  if (binding > 0) n.limits.push_back({"maxStorageBufferBindingSize", binding});
  if (f16) n.features.push_back(Feature::ShaderF16);
  if (subgroups) n.features.push_back(Feature::Subgroups);
  if (matrix) n.features.push_back(Feature::SubgroupMatrix);
  return n;
}

}  // namespace webtx
