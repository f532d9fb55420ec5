#pragma once
// Writes a model's manifest JSON (docs/abi.md, "The manifest"): the one description of its
// tensors, argument order and kernels that the host stub and the JS runtime both read.
#include <string>
#include <utility>
#include <vector>

#include "webtx/ir/program.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen {

struct KernelArtifacts {
  // String fields the backends add to the kernel's entry, in order: "wgsl" (the source,
  // embedded), "spirv" (file name of its .spv next to the manifest), ...
  std::vector<std::pair<std::string, std::string>> fields;
};

// `kernels[i]` belongs to program.kernels[i]; `target` is what the model was built for (its
// name is the manifest's "target"; "features" and "limits" are what the kernels need of a
// device). Throws UserError when the program cannot be described (an extent that is neither
// a constant nor a symbol expression, ...).
std::string write_manifest(const ir::Program& program, const std::vector<KernelArtifacts>& kernels,
                           const Target& target = {});

// `s` as a JSON string literal, quotes included.
std::string json_quote(const std::string& s);

}  // namespace webtx::codegen
