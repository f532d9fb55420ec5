#pragma once
// What lowering returns for a whole op graph (one "model"): its tensors and the kernels that
// compute them, in execution order. The generator, the native Vulkan runner and the host-stub
// emitter all consume this.
#include <string>
#include <vector>

#include "webtx/ir/kernel.hpp"

namespace webtx::ir {

enum class TensorRole : uint8_t {
  Input,        // a placeholder the caller provides
  Output,       // a requested result the caller receives
  Intermediate  // produced by one kernel and read by a later one; allocated by the host
};
inline const char* role_name(TensorRole r) {
  return r == TensorRole::Input ? "input" : r == TensorRole::Output ? "output" : "intermediate";
}

struct ProgramTensor {
  Buffer buffer;  // Global scope; name, dtype and shape (constants or symbols) live here
  TensorRole role;
};

// A condition on the symbols a call must meet, lhs <= rhs, that lowering cannot prove (e.g. a
// tensorized extent that must be a multiple of its tile). The generator ships it with the
// model's read checks, which every runtime checks once the symbols are bound.
struct ProgramCheck {
  std::string what;  // names the stage, axis and the requirement
  Expr lhs, rhs;     // i32 expressions over the symbols
};

struct Program {
  std::string name;
  std::vector<ProgramTensor> tensors;  // inputs first (in declaration order), then outputs,
                                       // then intermediates
  std::vector<Expr> symbols;           // every symbolic extent (i32 Vars), each once
  std::vector<Kernel> kernels;         // in execution order; their buffers are tensors' buffers
  std::vector<ProgramCheck> checks;    // run-time conditions on the symbols (lhs <= rhs)
};

}  // namespace webtx::ir
