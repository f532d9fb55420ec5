#pragma once
// The compiler's bridge into the model description: an IR extent (ir::Expr over i32 symbol
// Variables) as a structured model::Extent. Used by codegen/driver (describe_program) and the
// CPU reference's symbol binding (eval/host_tensor.hpp); runtimes never include it, so
// webtx::model itself stays free of the IR.
#include <algorithm>
#include <string>
#include <vector>

#include "webtx/ir/expr.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/model/extent.hpp"

namespace webtx::model {

// `symbols` are the Variables allowed in `e`; `where` names it in errors ("grid x of kernel
// 'copy'"). UserError for anything outside the extent language.
inline Extent to_extent(const ir::Expr& e, const std::vector<ir::Expr>& symbols,
                        const std::string& where) {
  internal_assert(e.defined()) << "undefined extent in " << where;
  const ir::DType t = e.type();
  user_assert(t.is_int() && t.bits == 32)
      << "the host cannot evaluate " << t.str() << " expression " << ir::to_string(e) << " in "
      << where << ": extents and grids must be i32";
  auto bin = [&](ExtentOp op, const ir::Expr& a, const ir::Expr& b) {
    return Extent::binary(op, to_extent(a, symbols, where), to_extent(b, symbols, where));
  };
  switch (e.kind()) {
    case ir::ExprKind::IntImm:
      return Extent::constant(e.as<ir::IntImm>()->value);
    case ir::ExprKind::Variable: {
      const auto* v = e.as<ir::Variable>();
      const bool known = std::any_of(symbols.begin(), symbols.end(),
                                     [&](const ir::Expr& s) { return s.get() == e.get(); });
      user_assert(known) << "symbol '" << v->name << "' in " << where
                         << " is not bound by any argument's shape (not a program symbol)";
      return Extent::sym(v->name);
    }
    case ir::ExprKind::Add:
      return bin(ExtentOp::Add, e.as<ir::Add>()->a, e.as<ir::Add>()->b);
    case ir::ExprKind::Sub:
      return bin(ExtentOp::Sub, e.as<ir::Sub>()->a, e.as<ir::Sub>()->b);
    case ir::ExprKind::Mul:
      return bin(ExtentOp::Mul, e.as<ir::Mul>()->a, e.as<ir::Mul>()->b);
    case ir::ExprKind::Div:
      return bin(ExtentOp::Div, e.as<ir::Div>()->a, e.as<ir::Div>()->b);
    case ir::ExprKind::Mod:
      return bin(ExtentOp::Mod, e.as<ir::Mod>()->a, e.as<ir::Mod>()->b);
    case ir::ExprKind::Min:
      return bin(ExtentOp::Min, e.as<ir::Min>()->a, e.as<ir::Min>()->b);
    case ir::ExprKind::Max:
      return bin(ExtentOp::Max, e.as<ir::Max>()->a, e.as<ir::Max>()->b);
    case ir::ExprKind::Cast:
      // i32 -> i32 is the identity; any other cast is outside the extent language.
      if (e.as<ir::Cast>()->value.type() == t)
        return to_extent(e.as<ir::Cast>()->value, symbols, where);
      break;
    default:
      break;
  }
  user_error << "the host cannot evaluate " << ir::to_string(e) << " in " << where
             << ": only integer arithmetic over symbols (+ - * / % min max) is allowed there";
}

}  // namespace webtx::model
