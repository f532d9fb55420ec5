#pragma once
// The SPIR-V backend: one ir::Kernel -> one validated, optimised SPIR-V 1.3 module for the
// Vulkan 1.1 environment (entry point "main", GLCompute). See docs/spirv.md for the layout of
// bindings and the uniform block.
#include <cstdint>
#include <string>
#include <vector>

#include "webtx/ir/kernel.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen::spirv {

struct SpirvOptions {
  // Run spvtools::Optimizer's performance passes (and re-validate) after emission.
  bool optimize = true;
};

struct SpirvModule {
  std::string kernel_name;
  std::string entry_point = "main";
  std::vector<uint32_t> words;  // the binary module
  // Uses SPV_KHR_cooperative_matrix (tensorize): not validated or optimised in process (the
  // linked SPIRV-Tools predates it); tests validate it with scripts/webtx setup's spirv-val.
  bool cooperative_matrix = false;

  // The module as SPIR-V assembly text (for a .spvasm file).
  std::string disassembly() const;
  // Writes `words` to `path` (little-endian binary .spv). Throws UserError on I/O failure.
  void write_spv(const std::string& path) const;
};

// Emits, validates and (optionally) optimises `kernel`, built for `target`: a kernel over the
// target's limits or using a feature it lacks is a UserError naming both
// (webtx/target_check.hpp); Unrolled/Vectorized loops longer than
// target.limits.maxUnrollIterations stay loops. Unsupported features (f16 without
// Kernel::uses_f16) and validator failures are UserErrors naming the kernel.
SpirvModule compile_kernel(const ir::Kernel& kernel, const Target& target,
                           const SpirvOptions& options = {});
// The same for the default target (WebGPU's guaranteed limits, no optional feature).
SpirvModule compile_kernel(const ir::Kernel& kernel, const SpirvOptions& options = {});

// Emission only, before validation and optimisation (for tests of the emitter itself).
std::vector<uint32_t> emit_kernel(const ir::Kernel& kernel, const Target& target = {});

// Validates `words` for Vulkan 1.1; returns "" when valid, else the validator's messages.
std::string validate(const std::vector<uint32_t>& words);

// SPIR-V assembly of any module.
std::string disassemble(const std::vector<uint32_t>& words);

}  // namespace webtx::codegen::spirv
