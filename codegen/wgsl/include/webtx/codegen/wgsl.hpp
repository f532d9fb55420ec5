#pragma once
// The WGSL backend: prints one lowered ir::Kernel as a WGSL compute module (entry point
// `main`). Layout of the module (the manifest and the JS runtime rely on it):
//   * kernel.buffers[i] at @group(0) @binding(i), `var<storage, read>` when the body never
//     stores to it, else `var<storage, read_write>`; element type i32/u32/f32/f16, bool as u32;
//   * if kernel.scalars is non-empty: one `var<uniform>` struct of i32 fields in that order,
//     padded to 16 bytes, at @binding(buffers.size());
//   * `enable f16;` when kernel.uses_f16 (required if any f16 appears).
#include <string>

#include "webtx/ir/kernel.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen {

// The entry point name every emitted module uses.
inline constexpr const char* kWgslEntryPoint = "main";

// WGSL source for `kernel`, built for `target`: a kernel over the target's limits or using a
// feature it lacks is a UserError naming both (webtx/target_check.hpp); Unrolled/Vectorized
// loops longer than target.limits.maxUnrollIterations stay loops. Throws InternalError on IR
// a lowered kernel must not contain (ProducerLoad/Store, Reduce, Erf, unbound variables,
// non-constant Unrolled extents).
std::string emit_wgsl(const ir::Kernel& kernel, const Target& target = {});

// "read" or "read_write": the storage access mode emit_wgsl gives buffer `b` (the manifest's
// binding "access" must say the same).
const char* wgsl_buffer_access(const ir::KernelBuffer& b);

}  // namespace webtx::codegen
