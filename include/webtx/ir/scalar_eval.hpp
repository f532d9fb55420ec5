#pragma once
// Evaluates integer/bool expressions over bound variables: extents, grid sizes and predicates
// on the host side (native runners, tests). Memory reads, floats and thread indices are not
// scalars and are rejected.
#include <cstdint>
#include <unordered_map>

#include "webtx/ir/expr.hpp"

namespace webtx::ir {

// Variable node -> value.
using ScalarBindings = std::unordered_map<const ExprNode*, int64_t>;

// i32/u32 results wrap; division by zero and unbound symbols are user errors.
int64_t eval_scalar(const Expr& e, const ScalarBindings& vars);

}  // namespace webtx::ir
