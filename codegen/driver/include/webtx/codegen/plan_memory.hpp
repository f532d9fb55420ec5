#pragma once
// The memory plan of a model (docs/abi.md, "The memory plan"): intermediates get planned
// buffers by liveness over the kernel order, so a runtime allocates them once per shape and
// reuses them (and the bind groups that name them) across runs.
#include "webtx/model/model_spec.hpp"

namespace webtx::codegen {

// Each intermediate that a kernel binds lives from its first to its last binding kernel
// (inclusive: a kernel's inputs and outputs never share a buffer, so nothing is in place).
// Intermediates whose lifetimes do not overlap share a buffer, whose size is the max of its
// tenants' bytes (symbolic: an Extent). Inputs, outputs and weights are never planned;
// intermediates no kernel binds get no buffer. Deterministic: the same model, the same plan.
model::MemoryPlan plan_memory(const model::ModelSpec& m);

// Bytes a tensor's GPU buffer needs: element count * element size, rounded up to 4 (storage
// bindings are 4-byte sized); constant-folded where the shape is constant.
model::Extent tensor_bytes(const model::TensorSpec& t);

}  // namespace webtx::codegen
