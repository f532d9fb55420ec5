#pragma once
// Structural equality of expressions: same kinds, types and leaves; Variables, buffers and
// producers compare by identity. Reductions are never equal unless they are the same node.
#include <vector>

#include "webtx/ir/expr.hpp"

namespace webtx::ir {

bool deep_equal(const Expr& a, const Expr& b);

// Whether `set` holds an expression deep_equal to `e` (sets of guard conjuncts, loop starts).
inline bool contains_equal(const std::vector<Expr>& set, const Expr& e) {
  for (auto& s : set)
    if (deep_equal(s, e)) return true;
  return false;
}

}  // namespace webtx::ir
