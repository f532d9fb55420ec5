#pragma once
// Runs a lowered ir::Program on a VulkanDevice: checks the caller's tensors against the
// program (dtype, rank, every axis; symbols bound consistently), allocates intermediates,
// dispatches every kernel in order in one command buffer and reads the outputs back.
// All checks happen before anything is dispatched.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "webtx/ir/program.hpp"
#include "webtx/ir/scalar_eval.hpp"
#include "webtx/runtime/vulkan/device.hpp"
#include "webtx/runtime/vulkan/host_tensor.hpp"

namespace webtx::runtime::vulkan {

struct RunOptions {
  // Explicit symbol values (checked against the tensors' shapes); symbols that appear as a
  // whole axis of a given tensor are inferred and need not be listed.
  std::map<std::string, int64_t> symbols;
  bool timed = false;  // collect per-kernel GPU time from timestamps
};

struct RunResult {
  std::map<std::string, int64_t> symbols;  // every symbol's value
  std::vector<double> kernel_ns;           // per kernel, when timed
};

// A program whose pipelines are built once (one SPIR-V module per kernel, in order).
class VulkanProgram {
 public:
  VulkanProgram(VulkanDevice& device, ir::Program program,
                std::vector<std::vector<uint32_t>> spirv);
  const ir::Program& program() const { return program_; }

  // The program with its tensors on the device, ready to dispatch repeatedly.
  class Bound {
   public:
    // Dispatches every kernel (one submission); per-kernel ns when timed.
    std::vector<double> execute(bool timed = false);
    // Copies outputs (and any intermediates present in `tensors`) back, shaped.
    void read_outputs(TensorMap& tensors);
    const std::map<std::string, int64_t>& symbols() const { return symbols_; }

   private:
    friend class VulkanProgram;
    VulkanProgram* program_ = nullptr;
    std::map<std::string, int64_t> symbols_;
    std::vector<std::vector<int64_t>> shapes_;  // per program tensor
    std::vector<VulkanBuffer> buffers_;         // per program tensor
    std::vector<Dispatch> dispatches_;
  };

  // Checks `tensors` (all inputs present; outputs optional) and uploads inputs.
  // Throws UserError naming tensor and axis on any mismatch.
  std::unique_ptr<Bound> bind(const TensorMap& tensors, const RunOptions& options = {});
  // bind + execute + read_outputs: outputs are written into `tensors`.
  RunResult run(TensorMap& tensors, const RunOptions& options = {});

 private:
  VulkanDevice& device_;
  ir::Program program_;
  std::vector<std::unique_ptr<VulkanPipeline>> pipelines_;
};

// One-shot convenience: builds the pipelines and runs once.
RunResult run_program(VulkanDevice& device, const ir::Program& program,
                      const std::vector<std::vector<uint32_t>>& spirv, TensorMap& tensors,
                      const RunOptions& options = {});

}  // namespace webtx::runtime::vulkan
