#pragma once
// ir::Program + the backends' artifacts -> the model description (webtx::model::ModelSpec,
// docs/abi.md). The generator writes it as JSON (model::to_json) next to the kernels and the
// host-stub builder consumes it; nothing else describes a model.
#include <string>
#include <vector>

#include "webtx/ir/program.hpp"
#include "webtx/model/model_spec.hpp"

namespace webtx::codegen {

struct KernelArtifacts {
  std::string wgsl;        // the kernel's WGSL source (embedded)
  std::string spirv_file;  // file name of its .spv next to the description ("" if none)
};

// `kernels[i]` belongs to program.kernels[i] (empty: no artifacts). Throws UserError when the
// program cannot be described: an extent that is not integer arithmetic over the program's
// symbols, a kernel binding a buffer that is not a program tensor, ...
model::ModelSpec describe_program(const ir::Program& program,
                                  const std::vector<KernelArtifacts>& kernels = {});

}  // namespace webtx::codegen
