#pragma once
// Loop-invariant guards out of loops (loop unswitching, one-sided): a loop whose whole body is
// `if (c) S` (no else) becomes `if (a) for (...) if (b) S`, where `a` holds the conjuncts of c
// that mention neither the loop variable nor memory, and `b` the rest. Bottom-up, so the guard
// that predicates.hpp puts around the innermost store of a reduction (its output inside the
// tensor, its batch index below the batch) ends up around the whole nest: the loop body is
// straight-line again, and the GPU compiler can unroll it and keep several loads in flight
// (a guarded body serialises them: ~one memory latency per iteration). Loops holding a
// Barrier are left alone (every invocation must reach it). Vectorized loops too get their guard
// hoisted: a body left as one store is what the vectorize pass turns into a vector copy, and
// a backend that unrolls the loop instead emits one guard, not a guarded copy per lane (seed
// 1376: 14 copies of one invariant guard after a barrier, minutes on SwiftShader). A body
// `if (c) A else B` whose whole c is invariant becomes `if (c) for (...) A else for (...) B`
// (two-sided unswitching; seed 62915: a padded reduction tail's if/else in 38 unrolled steps).
#include "webtx/ir/functor.hpp"
#include "webtx/ir/stmt.hpp"

namespace webtx::lowering {

ir::Stmt hoist_invariant_guards(const ir::Stmt& s);

}  // namespace webtx::lowering
