#pragma once
// Reads outside a tensor's shape (docs/lowering.md, "Reads outside a tensor"): for every read
// of every compute op of a model, the range of each index over the op's iteration domain must
// lie inside the tensor read. A read proven outside (c[i] = a[i + 1] for i < n, a of extent n)
// is a UserError at generation naming the stage, tensor, axis and range; a read whose range
// lowering cannot decide (c[i] = a[i] for i < m, m free) becomes a run-time check of the model
// description (ModelSpec::read_checks) that the host stub and the native runtime evaluate
// once the call's symbols are bound. Reads inside a select are exempt: lowering clamps their
// indices (the padding idiom select(in_bounds, a[i - 1], 0)), and so are indices that read
// other tensors (gathers), which no static range covers.
#include <vector>

#include "webtx/generator.hpp"
#include "webtx/model/model_spec.hpp"

namespace webtx::codegen {

// The run-time checks of `ctx`'s declared graph (none for a model that set its own program),
// with symbols as in `p` (its lowered program); UserError for a read proven out of range.
std::vector<model::ReadCheck> read_checks(const ModelContext& ctx, const ir::Program& p);

}  // namespace webtx::codegen
