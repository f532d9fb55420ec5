#pragma once
// Emits LLVM IR for the integer/bool expressions the host evaluates: extents, grid sizes and
// uniform values. Semantics follow ir::expr.hpp: i32/u32 wrap, Div/Mod truncate; bool is i1.
// A division by zero (which would trap in wasm) becomes a run-time error via `fail`.
#include <functional>
#include <string>
#include <unordered_map>

#include <llvm/IR/IRBuilder.h>

#include "webtx/ir/expr.hpp"

namespace webtx::codegen::host {

class ExprEmitter {
 public:
  // Branches to an error path (that never returns) unless `ok` holds; `what` names it.
  using CheckFn = std::function<void(llvm::Value* ok, const std::string& what)>;

  ExprEmitter(llvm::IRBuilder<>& b, CheckFn check) : b_(b), check_(std::move(check)) {}

  // Binds a Variable node (by identity) to an i32 value.
  void bind(const ir::Expr& var, llvm::Value* v) { vars_[var.get()] = v; }
  bool is_bound(const ir::Expr& var) const { return vars_.count(var.get()) != 0; }

  // The value of `e` (i32 for integers, i1 for bools). `context` names where it appears, for
  // error messages ("grid x of kernel 'matmul'").
  llvm::Value* emit(const ir::Expr& e, const std::string& context);

 private:
  llvm::Value* rec(const ir::Expr& e);
  llvm::Value* divmod(const ir::Expr& e, const ir::Expr& num, const ir::Expr& den, bool is_div);

  llvm::IRBuilder<>& b_;
  CheckFn check_;
  std::unordered_map<const ir::ExprNode*, llvm::Value*> vars_;
  std::string context_;
};

}  // namespace webtx::codegen::host
