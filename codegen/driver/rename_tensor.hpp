#pragma once
// Renames a program tensor (its buffer, everywhere kernels use it): lowering names tensors
// after their operations, while ctx.output("y", op) names the model's result.
#include <string>

#include "webtx/ir/program.hpp"

namespace webtx::codegen {

void rename_tensor(ir::Program& p, const std::string& from, const std::string& to);

}  // namespace webtx::codegen
