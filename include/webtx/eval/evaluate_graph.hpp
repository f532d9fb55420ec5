#pragma once
// The plain C++ reference: computes an unscheduled operation graph element by element,
// straight from the operation definitions (no schedule, no lowering).
#include <vector>

#include "webtx/eval/host_tensor.hpp"
#include "webtx/ir/operation.hpp"

namespace webtx::eval {

// Computes `outputs` (by operation name) from placeholder values given by name. Symbols are
// bound from the inputs' shapes, or by name from `symbols`.
TensorMap evaluate_graph(const std::vector<ir::Operation>& outputs, const TensorMap& inputs,
                         const SymbolMap& symbols = {});

}  // namespace webtx::eval
