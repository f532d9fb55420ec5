#pragma once
// Structural equality of expressions: same kinds, types and leaves; Variables, buffers and
// producers compare by identity. Reductions are never equal unless they are the same node.
#include "webtx/ir/expr.hpp"

namespace webtx::ir {

bool deep_equal(const Expr& a, const Expr& b);

}  // namespace webtx::ir
