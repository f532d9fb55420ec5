#pragma once
// Queries over the operation graph.
#include <vector>

#include "webtx/ir/operation.hpp"

namespace webtx::ir {

// Operations that `op` reads directly, each once, in first-use order.
std::vector<Operation> op_inputs(const Operation& op);

// Every operation reachable from `outputs`, producers before consumers.
std::vector<Operation> topo_order(const std::vector<Operation>& outputs);

}  // namespace webtx::ir
