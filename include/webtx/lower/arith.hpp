#pragma once
// Integer arithmetic the lowering passes share: the IR's operator helpers, structural equality
// and substitution (from webtx/ir/), and constant bounds of index expressions over known
// variable ranges. Index arithmetic is assumed not to overflow (i32 indices of in-range
// tensors).
#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "webtx/ir.hpp"

namespace webtx::lowering {

using ir::as_const, ir::is_const, ir::make_int, ir::make_bool;
using ir::deep_equal, ir::substitute, ir::uses_var, ir::VarMap;
using ir::fold::add, ir::fold::sub, ir::fold::mul, ir::fold::div, ir::fold::mod, ir::fold::ceil_div,
    ir::fold::logical_and;

// Inclusive constant bounds [lo, hi] of an integer expression, given inclusive bounds of
// some variables; nullopt when unknown.
struct ConstRange {
  int64_t lo, hi;
};
using RangeMap = std::unordered_map<const ir::ExprNode*, ConstRange>;
// Upper bound used for non-negative values of unknown size (indices fit in i32).
constexpr int64_t kUnknownHi = int64_t{1} << 31;

// The conjuncts of c (c itself when it is not an And), appended to `out`; and their And
// (undefined for none).
void split_conjuncts(const ir::Expr& c, std::vector<ir::Expr>& out);
ir::Expr conjunction(const std::vector<ir::Expr>& parts);

// The variables an expression reads.
std::unordered_set<const ir::ExprNode*> vars_of(const ir::Expr& e);

// `threads` (optional): invocations per workgroup x,y,z then workgroups x,y,z (0 = unknown).
std::optional<ConstRange> const_bounds(const ir::Expr& e, const RangeMap& vars,
                                       const std::array<int64_t, 6>* threads = nullptr);

}  // namespace webtx::lowering
