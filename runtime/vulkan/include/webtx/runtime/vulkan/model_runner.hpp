#pragma once
// Runs a generated model natively: what the generator ships (the model description JSON and
// one .spv per kernel) on a VulkanDevice. Every call is checked with the model description's
// one shape check (model::bind_shapes: dtype, rank, every axis, symbols bound consistently),
// intermediates live in the description's planned buffers (ModelSpec::memory), which the model
// keeps across calls and grows only when a call needs more, every kernel is dispatched in order
// in one command buffer, and outputs are read back. All checks happen before anything is
// dispatched. Weights (role weight) come from a safetensors file, uploaded once by load_weights
// and bound to every run. Links no compiler code: only the model description library and the
// Vulkan loader.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "webtx/model/model_spec.hpp"
#include "webtx/model/safetensors.hpp"
#include "webtx/runtime/vulkan/device.hpp"
#include "webtx/runtime/vulkan/host_tensor.hpp"

namespace webtx::runtime::vulkan {

struct RunOptions {
  // Explicit symbol values (checked against the tensors' shapes); symbols that appear as a
  // whole axis of a given tensor are inferred and need not be listed.
  std::map<std::string, int64_t> symbols;
  bool timed = false;  // collect per-kernel GPU time from timestamps
};

// Shape-specialized pipelines (docs/spirv.md, "Runtime"): a kernel bound `after` times with the
// same symbol values gets a pipeline with those values fixed (built at that bind), at most
// `most` per kernel; after 0 turns them off. WGSL's counterpart is web/src/specialize.js.
struct SpecializeOptions {
  int after = 2;
  int most = 8;
};

// How many specialized pipelines a model built, and how many of its last bind's dispatches
// (of kernels with symbols) use one.
struct SpecializationState {
  int compiled = 0;
  int specialized_dispatches = 0, generic_dispatches = 0;
  std::vector<std::string> errors;  // specializations the driver refused (generic kept)
};

struct RunResult {
  std::map<std::string, int64_t> symbols;  // every symbol's value
  std::vector<double> kernel_ns;           // per kernel, when timed
};

// A model whose pipelines are built once (one SPIR-V module per kernel, in order).
class VulkanModel {
 public:
  // `spirv[i]` is kernel i's module. The device is checked against each kernel's needs
  // (features, workgroup size and memory), naming the kernel and the limit.
  VulkanModel(VulkanDevice& device, model::ModelSpec spec, std::vector<std::vector<uint32_t>> spirv,
              SpecializeOptions specialize = {});

  // What the generator wrote: `manifest` is <dir>/<model>.manifest.json; each kernel's module
  // is the .spv file its description names, in the same directory. UserError naming the file
  // when one is missing or unreadable, or when the description has no SPIR-V for a kernel.
  // `weights` (a safetensors file) is passed to load_weights when given.
  static std::unique_ptr<VulkanModel> load(VulkanDevice& device,
                                           const std::filesystem::path& manifest,
                                           const std::filesystem::path& weights = {},
                                           SpecializeOptions specialize = {});

  // Checks the file against the model's weights (model::check_weights: every weight present
  // with its dtype and shape, nothing else; UserError naming the tensor and the file) and
  // uploads each once: the buffers serve every later bind() and run(). Replaces weights
  // loaded before.
  void load_weights(const model::Safetensors& file);
  void load_weights(const std::filesystem::path& file);

  const model::ModelSpec& spec() const { return spec_; }
  // Kernel i's generic pipeline (for VulkanDevice::pipeline_statistics).
  const VulkanPipeline& pipeline(size_t kernel) const { return *pipelines_.at(kernel); }
  const SpecializationState& specialization() const { return specialization_; }

  // The model with its tensors on the device, ready to dispatch repeatedly.
  class Bound {
   public:
    // Dispatches every kernel (one submission); per-kernel ns when timed.
    std::vector<double> execute(bool timed = false);
    // Copies outputs (and any intermediates present in `tensors`, which bind() gave buffers of
    // their own instead of planned ones) back, shaped.
    void read_outputs(TensorMap& tensors);
    const std::map<std::string, int64_t>& symbols() const { return symbols_; }

   private:
    friend class VulkanModel;
    VulkanModel* model_ = nullptr;
    std::map<std::string, int64_t> symbols_;
    std::vector<std::vector<int64_t>> shapes_;  // per model tensor
    std::vector<VulkanBuffer> buffers_;         // per model tensor (empty for planned ones)
    std::vector<VulkanBuffer*> where_;          // per model tensor: its buffer or planned one
    std::vector<Dispatch> dispatches_;
  };

  // Checks `tensors` (all inputs present; outputs optional) and uploads inputs.
  // Throws UserError naming tensor and axis on any mismatch. Bounds of one model share its
  // planned intermediates: execute one at a time (execute() waits for its work).
  std::unique_ptr<Bound> bind(const TensorMap& tensors, const RunOptions& options = {});
  // bind + execute + read_outputs: outputs are written into `tensors`.
  RunResult run(TensorMap& tensors, const RunOptions& options = {});

 private:
  VulkanDevice& device_;
  model::ModelSpec spec_;
  std::vector<std::unique_ptr<VulkanPipeline>> pipelines_;  // generic, per kernel
  std::vector<std::vector<uint32_t>> spirv_;                // per kernel, for specializing
  // Per kernel: symbol values seen -> binds with them, and their pipeline once built.
  struct Special {
    int binds = 0;
    bool failed = false;
    std::unique_ptr<VulkanPipeline> pipeline;
  };
  std::vector<std::map<std::vector<int32_t>, Special>> special_;
  SpecializeOptions specialize_;
  SpecializationState specialization_;
  // The pipeline kernel k runs with `uniforms` (counts the bind; builds the specialized one).
  const VulkanPipeline* pipeline_for(size_t k, const std::vector<int32_t>& uniforms,
                                     bool empty_grid);
  std::map<std::string, VulkanBuffer> weights_;  // by tensor name, once loaded
  // One buffer per planned buffer of spec_.memory, grown when a bind() needs more.
  std::vector<VulkanBuffer> planned_;

 public:
  // Bytes each planned buffer holds now (tests: allocated once per shape, reused).
  std::vector<size_t> planned_bytes() const;
};

}  // namespace webtx::runtime::vulkan
