#pragma once
// ir::Program + the backends' artifacts -> the model description (webtx::model::ModelSpec,
// docs/abi.md). The generator writes it as JSON (model::to_json) next to the kernels and the
// host-stub builder consumes it; nothing else describes a model.
#include <string>
#include <utility>
#include <vector>

#include "webtx/ir/program.hpp"
#include "webtx/model/model_spec.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen {

struct KernelArtifacts {
  // String fields the backends add to the kernel's entry (KernelArtifact::manifest_fields):
  // "wgsl" (the source, embedded) -> KernelSpec::wgsl, "spirv" (file name of its .spv next to
  // the description) -> KernelSpec::spirv, any other key -> KernelSpec::artifacts.
  std::vector<std::pair<std::string, std::string>> fields;
};

// `kernels[i]` belongs to program.kernels[i] (empty: no artifacts); `target` is what the model
// was built for (its name is the description's "target"; "features" and "limits" are what the
// kernels need of a device, target_check.hpp's device_needs). Throws UserError when the program
// cannot be described: an extent that is not integer arithmetic over the program's symbols, a
// kernel binding a buffer that is not a program tensor, ...
// Program inputs named in `weights` (ModelContext::weights()) get role Weight and come last in
// `args`, after the outputs.
model::ModelSpec describe_program(const ir::Program& program,
                                  const std::vector<KernelArtifacts>& kernels = {},
                                  const Target& target = {},
                                  const std::vector<std::string>& weights = {});

}  // namespace webtx::codegen
