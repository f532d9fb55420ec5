// Registers the SPIR-V backend: <stem>.spv (binary) and <stem>.spvasm next to the manifest;
// the kernel's manifest entry names the .spv file ("spirv") for the native Vulkan runtime.
#include "webtx/codegen/backend.hpp"
#include "webtx/codegen/spirv.hpp"

WEBTX_KERNEL_BACKEND(spirv) {
  return {"spirv", [](const webtx::ir::Kernel& k, const webtx::Target& t, const std::string& stem) {
            auto m = webtx::codegen::spirv::compile_kernel(k, t);
            std::string bytes(reinterpret_cast<const char*>(m.words.data()), m.words.size() * 4);
            return webtx::codegen::KernelArtifact{{{".spv", bytes}, {".spvasm", m.disassembly()}},
                                                  {{"spirv", stem + ".spv"}}};
          }};
}
