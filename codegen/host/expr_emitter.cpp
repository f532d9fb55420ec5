#include "expr_emitter.hpp"

#include "webtx/error.hpp"

namespace webtx::codegen::host {

using model::ExtentOp;

llvm::Value* ExprEmitter::value_of(const std::string& symbol, const std::string& context) {
  auto it = vars_.find(symbol);
  user_assert(it != vars_.end()) << "symbol '" << symbol << "' in " << context
                                 << " is not bound by any argument's shape";
  return it->second;
}

llvm::Value* ExprEmitter::emit(const model::Extent& e, const std::string& context) {
  context_ = context;
  return rec(e);
}

llvm::Value* ExprEmitter::rec(const model::Extent& e) {
  switch (e.op) {
    case ExtentOp::Const:
      return b_.getInt32(static_cast<uint32_t>(e.value));
    case ExtentOp::Symbol:
      return value_of(e.symbol, context_);
    case ExtentOp::Add:
      return b_.CreateAdd(rec(e.args[0]), rec(e.args[1]));
    case ExtentOp::Sub:
      return b_.CreateSub(rec(e.args[0]), rec(e.args[1]));
    case ExtentOp::Mul:
      return b_.CreateMul(rec(e.args[0]), rec(e.args[1]));
    case ExtentOp::Div:
    case ExtentOp::Mod:
      return divmod(e, e.op == ExtentOp::Div);
    case ExtentOp::Min:
    case ExtentOp::Max: {
      llvm::Value* a = rec(e.args[0]);
      llvm::Value* c = rec(e.args[1]);
      auto pred = e.op == ExtentOp::Min ? llvm::CmpInst::ICMP_SLT : llvm::CmpInst::ICMP_SGT;
      return b_.CreateSelect(b_.CreateICmp(pred, a, c), a, c);
    }
  }
  internal_error << "unknown extent op " << static_cast<int>(e.op) << " in " << context_;
}

// Wasm traps on x / 0 and on INT_MIN / -1; extents define the latter to wrap and the former
// is a user error (a symbol made a divisor zero), reported instead of trapping.
llvm::Value* ExprEmitter::divmod(const model::Extent& e, bool is_div) {
  llvm::Value *a = rec(e.args[0]), *d = rec(e.args[1]);
  check_(b_.CreateICmpNE(d, b_.getInt32(0)), "division by zero in " + model::to_string(e));
  llvm::Value* minus_one = b_.CreateICmpEQ(d, b_.getInt32(-1));
  llvm::Value* safe_d = b_.CreateSelect(minus_one, b_.getInt32(1), d);
  llvm::Value* q = is_div ? b_.CreateSDiv(a, safe_d) : b_.CreateSRem(a, safe_d);
  llvm::Value* by_minus_one = is_div ? b_.CreateNeg(a) : b_.getInt32(0);
  return b_.CreateSelect(minus_one, by_minus_one, q);
}

}  // namespace webtx::codegen::host
