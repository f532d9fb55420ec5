#pragma once
// lower(): turns a Schedule into an ir::Program by running the lowering passes in order (each
// in its own header under webtx/lower/, compiled once into the webtx::compiler library; see
// codegen/compiler/src/lower/lower.cpp). Set WEBTX_DUMP_IR=1 in the environment (or
// LowerOptions::dump_ir) to print each kernel's IR after every pass.
#include <iosfwd>
#include <string>
#include <vector>

#include "webtx/ir/program.hpp"
#include "webtx/schedule.hpp"
#include "webtx/target.hpp"

namespace webtx {

struct LowerOptions {
  bool dump_ir = false;          // also on when the environment has WEBTX_DUMP_IR set
  std::ostream* dump = nullptr;  // where dumps go (default std::cerr)
  bool vectorize = true;         // turn aligned `Vectorized` copies into vec4 copies
  // Split loops and workgroups into a guard-free interior and a guarded boundary
  // (webtx/lower/partition_loops.hpp).
  bool partition_loops = true;
  Target target;  // limits and features every kernel must fit (default: webgpu)
};

ir::Program lower(const Schedule& s, std::string name, std::vector<ir::Operation> inputs,
                  std::vector<ir::Operation> outputs, const LowerOptions& opt = {});

}  // namespace webtx
