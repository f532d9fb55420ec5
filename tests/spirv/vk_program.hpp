#pragma once
// The in-process convenience above the native runtime, for tests and benchmarks: an
// ir::Program and its SPIR-V modules are described with the generator's own
// codegen::describe_program (the same model description a generator ships) and run by
// runtime::vulkan::VulkanModel. Tensors are the CPU reference's eval::HostTensor, so the same
// inputs feed both and outputs compare directly.
#include <memory>
#include <vector>

#include "webtx/eval/host_tensor.hpp"
#include "webtx/ir/program.hpp"
#include "webtx/runtime/vulkan/model_runner.hpp"

namespace webtx::vk_program {

using runtime::vulkan::RunOptions;
using runtime::vulkan::RunResult;
using runtime::vulkan::VulkanDevice;
using runtime::vulkan::VulkanModel;
using HostTensor = eval::HostTensor;
using TensorMap = eval::TensorMap;

// eval <-> runtime tensors (same bytes; dtype by name).
runtime::vulkan::HostTensor to_runtime(const HostTensor& h);
HostTensor from_runtime(const runtime::vulkan::HostTensor& h);

class VulkanProgram {
 public:
  VulkanProgram(VulkanDevice& device, const ir::Program& program,
                std::vector<std::vector<uint32_t>> spirv,
                runtime::vulkan::SpecializeOptions specialize = {});
  const model::ModelSpec& spec() const { return model_.spec(); }
  const VulkanModel& model() const { return model_; }

  class Bound {
   public:
    std::vector<double> execute(bool timed = false) { return bound_->execute(timed); }
    // Copies outputs (and any intermediates present in `tensors`) back, shaped.
    void read_outputs(TensorMap& tensors);
    const std::map<std::string, int64_t>& symbols() const { return bound_->symbols(); }

   private:
    friend class VulkanProgram;
    std::unique_ptr<runtime::vulkan::VulkanModel::Bound> bound_;
    const model::ModelSpec* spec_ = nullptr;
  };

  std::unique_ptr<Bound> bind(const TensorMap& tensors, const RunOptions& options = {});
  RunResult run(TensorMap& tensors, const RunOptions& options = {});

 private:
  runtime::vulkan::VulkanModel model_;
};

// One-shot convenience: builds the pipelines and runs once.
RunResult run_program(VulkanDevice& device, const ir::Program& program,
                      const std::vector<std::vector<uint32_t>>& spirv, TensorMap& tensors,
                      const RunOptions& options = {});

// The runtime's typed helpers (host_tensor.hpp) on the CPU reference's tensors.
template <typename T>
HostTensor tensor_from(ir::DType t, std::vector<int64_t> shape, const std::vector<T>& values) {
  return from_runtime(runtime::vulkan::tensor_from(t.str(), std::move(shape), values));
}
template <typename T>
std::vector<T> tensor_values(const HostTensor& h) {
  return runtime::vulkan::tensor_values<T>(to_runtime(h));
}

}  // namespace webtx::vk_program
