#pragma once
// The host-stub backend: for a model description (webtx::model::ModelSpec), emits the wasm32
// code that checks a call's tensors, binds symbolic extents, computes grids, manages
// intermediates and records one dispatch per kernel through the C runtime (docs/abi.md,
// "Generated code"). Everything is derived from the description; there is no per-op host code,
// and the description's JSON is embedded as `webtx_generated_manifest`.
#include <string>
#include <vector>

#include "webtx/model/model_spec.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen {

struct HostStubOptions {
  // When set, receives the textual LLVM IR of the module (for DUMP_IR / debugging).
  std::string* llvm_ir_out = nullptr;
  // The run-time checks (workgroups per dimension, buffer sizes) use this target's limits.
  Target target;
};

// Emits the module and compiles it to a relocatable wasm32 object (target
// wasm32-unknown-emscripten), returned as the object file's bytes. Throws UserError for
// models the host cannot run (a symbol no argument's shape binds, rank > 6, ...).
std::vector<char> compile_host_stub(const model::ModelSpec& spec,
                                    const HostStubOptions& options = {});

// The textual LLVM IR only (no target code generation); for tests and debugging.
std::string host_stub_llvm_ir(const model::ModelSpec& spec, const HostStubOptions& options = {});

}  // namespace webtx::codegen
