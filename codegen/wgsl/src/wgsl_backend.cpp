// Registers the WGSL backend: <stem>.wgsl next to the manifest and the source embedded in the
// kernel's manifest entry ("wgsl"), which the JS runtime compiles.
#include "webtx/codegen/backend.hpp"
#include "webtx/codegen/wgsl.hpp"

WEBTX_KERNEL_BACKEND(wgsl) {
  return {"wgsl", [](const webtx::ir::Kernel& k, const webtx::Target& t, const std::string&) {
            std::string src = webtx::codegen::emit_wgsl(k, t);
            return webtx::codegen::KernelArtifact{{{".wgsl", src}}, {{"wgsl", src}}};
          }};
}
