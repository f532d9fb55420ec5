#pragma once
// The canonical linear form of integer index arithmetic: sum of k * atom plus a constant,
// where atoms are the non-linear subterms (compared structurally). The simplifier and the
// vectorizer reason about indices in this form.
#include <cstdint>
#include <utility>
#include <vector>

#include "webtx/ir/expr.hpp"

namespace webtx::lowering::detail {

struct Linear {
  std::vector<std::pair<ir::Expr, int64_t>> terms;
  int64_t c = 0;

  void add_term(const ir::Expr& atom, int64_t k);
};

// Adds scale * e to `out`.
void to_linear(const ir::Expr& e, int64_t scale, Linear& out);
// The expression of `l` in type t (positive terms first, then the constant).
ir::Expr from_linear(const Linear& l, ir::DType t);

}  // namespace webtx::lowering::detail
