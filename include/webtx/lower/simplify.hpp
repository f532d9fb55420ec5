#pragma once
// Simplification: constant folding, algebraic identities (x*1, x+0, ...), a canonical linear
// form for integer index arithmetic (so (o*4 + i) - o*4 becomes i), division/modulo by
// constants using known variable ranges, predicates decided from loop and thread ranges,
// and removal of loops of extent 0/1, constant branches and trivial lets.
#include "webtx/lower/arith.hpp"

namespace webtx::lowering {

struct SimplifyOptions {
  // Invocations per workgroup (LocalId ranges) and constant workgroup counts (WorkgroupId
  // ranges; 0 = unknown).
  std::array<int64_t, 3> workgroup_size{0, 0, 0};
  std::array<int64_t, 3> grid{0, 0, 0};
};

// Simplifies an expression, given optional inclusive ranges of its variables (and of the
// thread indices, from `opts`).
ir::Expr simplify(const ir::Expr& e, const RangeMap& ranges = {});
ir::Expr simplify(const ir::Expr& e, const RangeMap& ranges, const SimplifyOptions& opts);

// Simplifies a statement; thread indices get their ranges from `opts`.
ir::Stmt simplify(const ir::Stmt& body, const SimplifyOptions& opts = {});

}  // namespace webtx::lowering
