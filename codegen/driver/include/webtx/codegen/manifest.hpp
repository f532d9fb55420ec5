#pragma once
// Writes a model's manifest JSON (docs/abi.md, "The manifest"): the one description of its
// tensors, argument order and kernels that the host stub and the JS runtime both read.
#include <string>
#include <vector>

#include "webtx/ir/program.hpp"

namespace webtx::codegen {

struct KernelArtifacts {
  std::string wgsl;        // the kernel's WGSL source (embedded)
  std::string spirv_file;  // file name of its .spv next to the manifest ("" if none)
};

// `kernels[i]` belongs to program.kernels[i]. Throws UserError when the program cannot be
// described (an extent that is neither a constant nor a symbol expression, ...).
std::string write_manifest(const ir::Program& program, const std::vector<KernelArtifacts>& kernels);

// `s` as a JSON string literal, quotes included.
std::string json_quote(const std::string& s);

}  // namespace webtx::codegen
