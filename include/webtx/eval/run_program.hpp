#pragma once
// Runs a lowered ir::Program on the CPU: every kernel, every workgroup of its grid, every
// invocation. A workgroup's invocations run in lockstep, statement by statement, under an
// active-lane mask (barriers sit in uniform control flow, so a barrier reached by a partial
// mask is a lowering bug and an error). Because lockstep would hide a missing barrier, it
// also detects races: workgroup memory touched by two invocations between barriers (one of
// them writing), and global memory written by one invocation and read or written by another
// within a kernel. Out-of-bounds accesses are errors too. Fresh outputs, intermediates and
// scratch memory start as NaN / 0xffffffff, so unwritten elements show up.
#include "webtx/eval/host_tensor.hpp"
#include "webtx/ir/program.hpp"

namespace webtx::eval {

// Runs `prog` with its inputs given by name; returns its outputs by name. Symbols are bound
// from the inputs' shapes, or by name from `symbols`.
TensorMap run_program(const ir::Program& prog, const TensorMap& inputs,
                      const SymbolMap& symbols = {});

}  // namespace webtx::eval
