#include "expr_emitter.hpp"

#include "webtx/ir/printer.hpp"

namespace webtx::codegen::host {

using ir::ExprKind;

llvm::Value* ExprEmitter::emit(const ir::Expr& e, const std::string& context) {
  context_ = context;
  return rec(e);
}

llvm::Value* ExprEmitter::rec(const ir::Expr& e) {
  internal_assert(e.defined()) << "host expression undefined in " << context_;
  const ir::DType t = e.type();
  user_assert(t.is_integer() || t.is_bool())
      << "the host cannot evaluate " << t.str() << " expression " << ir::to_string(e) << " in "
      << context_ << ": extents and grids must be integers";
  user_assert(t.bits == 32 || t.is_bool())
      << "the host evaluates only 32-bit integers, got " << t.str() << " in " << context_;
  const bool is_signed = t.is_int();
  switch (e.kind()) {
    case ExprKind::IntImm: {
      auto v = e.as<ir::IntImm>()->value;
      return t.is_bool() ? b_.getInt1(v != 0) : b_.getInt32(static_cast<uint32_t>(v));
    }
    case ExprKind::Variable: {
      auto it = vars_.find(e.get());
      user_assert(it != vars_.end()) << "symbol '" << e.as<ir::Variable>()->name << "' in "
                                     << context_ << " is not bound by any argument's shape";
      return it->second;
    }
    case ExprKind::Add:
      return b_.CreateAdd(rec(e.as<ir::Add>()->a), rec(e.as<ir::Add>()->b));
    case ExprKind::Sub:
      return b_.CreateSub(rec(e.as<ir::Sub>()->a), rec(e.as<ir::Sub>()->b));
    case ExprKind::Mul:
      return b_.CreateMul(rec(e.as<ir::Mul>()->a), rec(e.as<ir::Mul>()->b));
    case ExprKind::Div:
      return divmod(e, e.as<ir::Div>()->a, e.as<ir::Div>()->b, true);
    case ExprKind::Mod:
      return divmod(e, e.as<ir::Mod>()->a, e.as<ir::Mod>()->b, false);
    case ExprKind::Min:
    case ExprKind::Max: {
      bool is_min = e.kind() == ExprKind::Min;
      llvm::Value* a = rec(is_min ? e.as<ir::Min>()->a : e.as<ir::Max>()->a);
      llvm::Value* c = rec(is_min ? e.as<ir::Min>()->b : e.as<ir::Max>()->b);
      auto pred = is_min ? (is_signed ? llvm::CmpInst::ICMP_SLT : llvm::CmpInst::ICMP_ULT)
                         : (is_signed ? llvm::CmpInst::ICMP_SGT : llvm::CmpInst::ICMP_UGT);
      return b_.CreateSelect(b_.CreateICmp(pred, a, c), a, c);
    }
#define WEBTX_CMP(N, S, U)                                                               \
  case ExprKind::N: {                                                                    \
    auto* n = e.as<ir::N>();                                                             \
    bool s = n->a.type().is_int();                                                       \
    return b_.CreateICmp(s ? llvm::CmpInst::S : llvm::CmpInst::U, rec(n->a), rec(n->b)); \
  }
      WEBTX_CMP(EQ, ICMP_EQ, ICMP_EQ)
      WEBTX_CMP(NE, ICMP_NE, ICMP_NE)
      WEBTX_CMP(LT, ICMP_SLT, ICMP_ULT)
      WEBTX_CMP(LE, ICMP_SLE, ICMP_ULE)
      WEBTX_CMP(GT, ICMP_SGT, ICMP_UGT)
      WEBTX_CMP(GE, ICMP_SGE, ICMP_UGE)
#undef WEBTX_CMP
    case ExprKind::And:
      return b_.CreateAnd(rec(e.as<ir::And>()->a), rec(e.as<ir::And>()->b));
    case ExprKind::Or:
      return b_.CreateOr(rec(e.as<ir::Or>()->a), rec(e.as<ir::Or>()->b));
    case ExprKind::Not:
      return b_.CreateNot(rec(e.as<ir::Not>()->a));
    case ExprKind::Select: {
      auto* s = e.as<ir::Select>();
      return b_.CreateSelect(rec(s->cond), rec(s->t), rec(s->f));
    }
    case ExprKind::Cast: {
      auto* c = e.as<ir::Cast>();
      llvm::Value* v = rec(c->value);
      if (t.is_bool()) {
        return c->value.type().is_bool() ? v : b_.CreateICmpNE(v, b_.getInt32(0));
      }
      // i32 <-> u32 keep their bits; bool -> int is 0/1.
      return c->value.type().is_bool() ? b_.CreateZExt(v, b_.getInt32Ty()) : v;
    }
    default:
      break;
  }
  user_error << "the host cannot evaluate " << ir::to_string(e) << " in " << context_
             << ": only integer arithmetic over symbols is allowed there";
}

// Wasm traps on x / 0 and on INT_MIN / -1; the IR defines the latter to wrap and the former
// is a user error (a symbol made a divisor zero), reported instead of trapping.
llvm::Value* ExprEmitter::divmod(const ir::Expr& e, const ir::Expr& num, const ir::Expr& den,
                                 bool is_div) {
  llvm::Value *a = rec(num), *d = rec(den);
  check_(b_.CreateICmpNE(d, b_.getInt32(0)), "division by zero in " + ir::to_string(e));
  if (!e.type().is_int()) return is_div ? b_.CreateUDiv(a, d) : b_.CreateURem(a, d);
  llvm::Value* minus_one = b_.CreateICmpEQ(d, b_.getInt32(-1));
  llvm::Value* safe_d = b_.CreateSelect(minus_one, b_.getInt32(1), d);
  llvm::Value* q = is_div ? b_.CreateSDiv(a, safe_d) : b_.CreateSRem(a, safe_d);
  llvm::Value* by_minus_one = is_div ? b_.CreateNeg(a) : b_.getInt32(0);
  return b_.CreateSelect(minus_one, by_minus_one, q);
}

}  // namespace webtx::codegen::host
