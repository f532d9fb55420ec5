#pragma once
// Emits LLVM IR for the model description's extents (webtx::model::Extent): tensor extents and
// grid sizes the host evaluates. Semantics are those of model::evaluate (one definition, which
// tests/model checks against web/'s evaluator): i32 wrapping, / and % truncate, INT_MIN / -1
// wraps, and a division by zero (which would trap in wasm) becomes a run-time error via `check`.
#include <functional>
#include <map>
#include <string>

#include <llvm/IR/IRBuilder.h>

#include "webtx/model/extent.hpp"

namespace webtx::codegen::host {

class ExprEmitter {
 public:
  // Branches to an error path (that never returns) unless `ok` holds; `what` names it.
  using CheckFn = std::function<void(llvm::Value* ok, const std::string& what)>;

  ExprEmitter(llvm::IRBuilder<>& b, CheckFn check) : b_(b), check_(std::move(check)) {}

  // Binds a symbol to an i32 value.
  void bind(const std::string& symbol, llvm::Value* v) { vars_[symbol] = v; }
  bool is_bound(const std::string& symbol) const { return vars_.count(symbol) != 0; }
  llvm::Value* value_of(const std::string& symbol, const std::string& context);

  // The i32 value of `e`. `context` names where it appears, for error messages ("grid x of
  // kernel 'matmul'").
  llvm::Value* emit(const model::Extent& e, const std::string& context);

 private:
  llvm::Value* rec(const model::Extent& e);
  llvm::Value* divmod(const model::Extent& e, bool is_div);

  llvm::IRBuilder<>& b_;
  CheckFn check_;
  std::map<std::string, llvm::Value*> vars_;
  std::string context_;
};

}  // namespace webtx::codegen::host
