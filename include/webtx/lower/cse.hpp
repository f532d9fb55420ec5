#pragma once
// Common-subexpression elimination, per Store: a pure float subexpression that occurs more
// than once in a stored value (the same kinds, constants and variables: ir::deep_equal) is
// computed once, bound by a LetStmt around the Store, and every occurrence reads the variable.
// Larger repeats are bound first, then the repeats inside them (the erf expansion's
// polynomial, shared by both arms of its select, and the t and |x| it repeats). Memory reads
// are not bound (a load under `&&`/`||` may be guarded by the other operand) and neither is
// integer index arithmetic (left to the shader compilers). Evaluation order and rounding are
// those of the unshared expression: numbers do not change.
#include "webtx/ir/stmt.hpp"

namespace webtx::lowering {

ir::Stmt common_subexpressions(const ir::Stmt& s);

}  // namespace webtx::lowering
