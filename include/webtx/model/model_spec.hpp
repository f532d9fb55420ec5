#pragma once
// The model description (docs/abi.md, "The model description"): everything a runtime needs to
// run a generated model, written once by the generator (codegen/driver) as JSON and read by
// the host-stub builder (codegen/host), the native runtime and web/ (web/src/model_spec.js).
// Adding a field: this struct, model_spec_json.cpp, web/src/model_spec.js + its test, and the
// consumers that use it.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "webtx/model/extent.hpp"
#include "webtx/model/tensor_spec.hpp"

namespace webtx::model {

// In a kernel's SPIR-V, symbol i of the uniform block is also a specialization constant (SpecId
// i, i32, default 0), used in place of the uniform when the bool specialization constant with
// this SpecId (default false) is set: a Vulkan runtime that sees the same symbol values again
// can build a pipeline with them fixed, which the driver then folds like a constant-shape
// build (docs/abi.md, a kernel's uniform block; docs/spirv.md, "Runtime"; WGSL's counterpart
// is the `// webtx:symbol i` line).
inline constexpr uint32_t kSymbolsSpecializedSpecId = 0x7FFF;

// Where a symbol's value comes from: an axis of an argument tensor, or the caller.
struct SymbolSpec {
  std::string name;
  std::string tensor;  // "" when the caller gives it
  int axis = -1;
  bool from_caller() const { return tensor.empty(); }
};

struct BindingSpec {
  int binding = 0;  // @group(0) @binding(binding)
  std::string tensor;
  Access access = Access::Read;
};

struct KernelSpec {
  std::string name;
  // Which workgroups and shapes this kernel serves when one stage has several versions
  // (webtx/lower/partition_loops.hpp; its grid is 0 when a call does not need it); "" if one.
  std::string variant;
  std::string entry = "main";
  std::string wgsl;   // WGSL source ("" if not built)
  std::string spirv;  // file name of the .spv next to the description ("" if not built)
  std::array<int64_t, 3> workgroup_size{1, 1, 1};
  int64_t workgroup_bytes = 0;
  std::vector<BindingSpec> bindings;
  // Symbols passed as one uniform block of i32s (padded to 16 bytes) at uniform_binding.
  std::vector<std::string> uniforms;
  int uniform_binding = -1;           // -1: no uniform block
  std::array<Extent, 3> grid;         // workgroups per dimension
  std::vector<std::string> features;  // WebGPU feature names the kernel uses
  // Other backends' fields (KernelArtifact::manifest_fields beyond "wgsl" and "spirv").
  std::map<std::string, std::string> artifacts;
};

// The memory plan (docs/abi.md, "The memory plan"): the intermediates that kernels bind share
// planned buffers when their lifetimes over the kernel order do not overlap. A runtime keeps one
// GPU buffer per planned buffer, grown only when a call needs more bytes.
struct MemoryPlan {
  std::vector<Extent> buffers;              // bytes of planned buffer i: the max over its tenants
  std::map<std::string, int> tensors;       // intermediate -> its planned buffer
  Extent peak_bytes = Extent::constant(0);  // all planned buffers together
  // Intermediates that share planned buffer `b`.
  std::vector<std::string> tenants(int b) const;
};

// A condition a call's extents must meet, lhs <= rhs: a read whose range the generator could
// not prove inside the tensor it reads (codegen/driver/read_checks.cpp). `what` names the
// stage, tensor, axis and range; runtimes check it once the symbols are bound.
struct ReadCheck {
  std::string what;
  Extent lhs, rhs;
};

struct ModelSpec {
  static constexpr int kVersion = 2;
  int version = kVersion;
  std::string name;                   // the model
  std::string function;               // its packed function's name
  std::string target = "webgpu";      // the Target it was built for (target.hpp)
  std::string generator;              // what wrote it, e.g. "webtx 0.1.0" (diagnostics)
  std::vector<std::string> features;  // WebGPU feature names the device must have
  // Dawn toggles those features need on some drivers (e.g. vulkan_enable_f16_on_nvidia for
  // shader-f16 on NVIDIA's Vulkan driver); in Node the GPU instance is created with them.
  std::vector<std::string> toggles;
  std::map<std::string, int64_t> limits;  // WebGPU limit name -> least value needed
  std::vector<SymbolSpec> symbols;
  std::vector<TensorSpec> tensors;     // inputs, outputs, then intermediates
  std::vector<std::string> args;       // packed-function argument order: inputs, outputs, weights
  std::vector<KernelSpec> kernels;     // in execution order
  MemoryPlan memory;                   // empty when nothing is planned (no intermediates)
  std::vector<ReadCheck> read_checks;  // "read_checks" in JSON, omitted when empty
  // Build-time parameters the generator read, with the values used (add_webgpu_model PARAMS).
  std::map<std::string, std::string> params;

  const TensorSpec* tensor(const std::string& name) const;
  const SymbolSpec* symbol(const std::string& name) const;
};

// Checks names are unique and every reference (args, bindings, uniforms, symbols in extents,
// symbol sources) resolves; UserError naming the first problem.
void validate(const ModelSpec& m);

// The shape check of a call (bind_shapes.hpp) over the model's tensors and symbols.
SymbolValues bind_shapes(const ModelSpec& m,
                         const std::map<std::string, std::vector<int64_t>>& shapes,
                         const SymbolValues& given = {});

// UserError naming the first read check (ModelSpec::read_checks) that `symbols` break.
void check_reads(const ModelSpec& m, const SymbolValues& symbols);

std::string to_json(const ModelSpec& m);
// One extent as JSON: an integer, a symbol name, or {"op": "+", "args": [a, b]}.
std::string to_json(const Extent& e);
Extent extent_from_json(const std::string& text);
// Parses and validates; UserError naming the problem (bad JSON, wrong version, a missing field).
ModelSpec from_json(const std::string& text);

}  // namespace webtx::model
