#pragma once
// Replacing variables (by node identity) with expressions, and asking whether an expression
// mentions a variable.
#include <unordered_map>

#include "webtx/ir/expr.hpp"
#include "webtx/ir/stmt.hpp"

namespace webtx::ir {

// Variable node -> replacement.
using VarMap = std::unordered_map<const ExprNode*, Expr>;

// Substitutes every Variable in `m`, also inside reduction ranges. Unchanged subtrees keep
// their nodes.
Expr substitute(const Expr& e, const VarMap& m);
Stmt substitute(const Stmt& s, const VarMap& m);

// Does `e` mention the variable node `v`?
bool uses_var(const Expr& e, const ExprNode* v);

// Does `e` read memory (a Load or a ProducerLoad)? Such a condition may change when a
// statement stores.
bool reads_memory(const Expr& e);

}  // namespace webtx::ir
