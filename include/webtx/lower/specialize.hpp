#pragma once
// Lowering of specialized stages (Stage::specialize): each specialization's kernel versions
// come from the specialization's own copy of the schedule, and every version is launched only
// for the calls its condition selects. The selection is an integer factor (1 or 0) of the
// launch grid, the mechanism loop partitioning's versions use: the host stub, web/ and
// run_program all skip launches of 0 workgroups, so each takes the same path for given symbols.
#include <string>
#include <vector>

#include "webtx/lower/context.hpp"

namespace webtx::lowering {

// `cond` (bool, integer comparisons and logic over symbols) as an integer expression that is
// 1 where it holds and 0 elsewhere, built from +, -, *, min and max only (model extents).
// Variables are replaced by the symbol of the same name in `symbols`; a variable that names no
// symbol is an error naming `stage`.
ir::Expr condition_as_count(const ir::Expr& cond, const std::vector<ir::Expr>& symbols,
                            const std::string& stage);

// The lowering context of a specialization's schedule: its stages get the buffers of the
// stages of `general` they were copied from (tensors are shared by every version), and its
// facts are general's narrowed by `condition`'s comparisons of a symbol with a constant.
LowerContext specialization_context(const Schedule& spec, LowerContext& general,
                                    const std::vector<ir::Operation>& inputs,
                                    const std::vector<ir::Operation>& outputs,
                                    const ir::Expr& condition);

// Narrows `facts` by the conjuncts of `cond` that compare a symbol with a constant.
void add_facts(const ir::Expr& cond, std::unordered_map<std::string, ConstRange>& facts);

// Checks that every stage specialized in `ctx`'s schedule is a root stage there.
void check_specialized_roots(LowerContext& ctx);

// Checks that the kernel of specialized stage `st` reads only tensors the general schedule
// writes (a stage the general schedule inlines or computes inside another has no tensor).
void check_specialized_reads(const ir::Stmt& body, LowerContext& ctx, const std::string& stage,
                             const std::string& where);

}  // namespace webtx::lowering
