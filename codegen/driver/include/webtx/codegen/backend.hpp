#pragma once
// Kernel backends behind one interface. A backend turns one lowered kernel, built for a
// Target, into files written next to the model's manifest and string fields of the kernel's
// manifest entry. The generator runs every backend this build has (kernel_backends()); there
// is no per-backend code in the driver.
//
// Adding a backend (docs/lowering.md, "Backends"): a folder codegen/<name>/ whose
// CMakeLists.txt builds the library webtx_codegen_<name> (linking webtx::codegen_backend), a
// source in it with
//     WEBTX_KERNEL_BACKEND(<name>) { return {"<name>", [](const ir::Kernel& k, const Target& t,
//                                                      const std::string& stem) { ... }}; }
// and <name> added to WEBTX_KERNEL_BACKENDS in codegen/CMakeLists.txt (the one registration
// line). A dependency the backend cannot find is a configure-time error in its CMakeLists.txt.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "webtx/ir/kernel.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen {

// A file written next to the manifest as <stem><suffix>, e.g. "mlp_0_dense.wgsl".
struct ArtifactFile {
  std::string suffix;
  std::string data;
};

// What one backend made of one kernel.
struct KernelArtifact {
  std::vector<ArtifactFile> files;
  // Fields of the kernel's manifest entry, key -> string value (e.g. "wgsl" -> the source).
  std::vector<std::pair<std::string, std::string>> manifest_fields;
};

struct KernelBackend {
  std::string name;
  // `stem` is the kernel's file stem (no directory): "<model>_<index>_<kernel>". Throws
  // UserError for a kernel over the target's limits or using a feature it lacks.
  std::function<KernelArtifact(const ir::Kernel&, const Target&, const std::string& stem)> emit;
};

// Every kernel backend of this build, in the order of WEBTX_KERNEL_BACKENDS.
const std::vector<KernelBackend>& kernel_backends();

}  // namespace webtx::codegen

// Defines the function the registry calls to get backend `name` (one per backend folder).
#define WEBTX_KERNEL_BACKEND(name) ::webtx::codegen::KernelBackend webtx_kernel_backend_##name()
