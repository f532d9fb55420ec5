#pragma once
// Workgroup/private memory allocation: the buffer of a stage computed at another stage holds
// just its inferred region, row-major, declared by an Allocate at the attach point. Sizes
// must be constants (bound inference already insists); Global scope cannot be allocated
// inside a kernel.
#include "webtx/lower/context.hpp"

namespace webtx::lowering {

inline ir::Stmt allocate_stage(StageInfo& si, ir::Stmt body) {
  user_assert(si.scope != ir::MemScope::Global)
      << "stage '" << si.stage->name() << "' is computed at stage '"
      << si.stage->attach_stage()->name() << "' and so needs workgroup or private memory"
      << si.stage->attached_where();
  if (!si.buffer) {
    int64_t elems = 1;
    for (size_t d = 0; d < si.dp_extent.size(); ++d) {
      auto c = as_const(si.dp_extent[d]);
      user_assert(c) << "stage '" << si.stage->name() << "': cannot allocate "
                     << scope_name(si.scope) << " memory of non-constant extent "
                     << to_string(si.dp_extent[d]) << " in dimension " << d
                     << si.stage->attached_where();
      elems *= *c;
    }
    user_assert(elems < (int64_t{1} << 28))
        << "stage '" << si.stage->name() << "': " << elems << " elements of "
        << scope_name(si.scope) << " memory is too large" << si.stage->attached_where();
    si.buffer = ir::make_buffer(si.stage->name(), si.op->type, si.scope, si.dp_extent);
  }
  return ir::Allocate::make(si.buffer, std::move(body));
}

}  // namespace webtx::lowering
