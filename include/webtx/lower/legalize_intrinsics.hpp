#pragma once
// Intrinsic legalization: GPUs have no erf. erf(x) becomes Abramowitz & Stegun 7.1.26
// (|error| < 1.5e-7): with a = |x|, t = 1 / (1 + p a),
//   erf(x) = sign(x) * (1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-a^2)).
// The argument is bound once by a LetStmt around its store, so it (and any load in it) is
// evaluated once.
#include <vector>

#include "webtx/lower/context.hpp"

namespace webtx::lowering {

namespace detail {

inline ir::Expr erf_expansion(const ir::Expr& x) {
  using namespace ir;
  DType t = x.type();
  auto c = [&](double v) { return FloatImm::make(t, v); };
  Expr a = Call::make(Intrinsic::Abs, {x});
  Expr k = Div::make(c(1.0), Add::make(c(1.0), Mul::make(c(0.3275911), a)));
  Expr poly = c(1.061405429);
  for (double coef : {-1.453152027, 1.421413741, -0.284496736, 0.254829592})
    poly = Add::make(c(coef), Mul::make(k, poly));
  poly = Mul::make(k, poly);
  Expr e = Call::make(Intrinsic::Exp, {Sub::make(c(0.0), Mul::make(a, a))});
  Expr y = Sub::make(c(1.0), Mul::make(poly, e));
  return Select::make(LT::make(x, c(0.0)), Sub::make(c(0.0), y), y);
}

class LegalizeIntrinsics : public ir::IRMutator {
 public:
  using ir::IRMutator::mutate;

 protected:
  ir::Expr mutate_Call(const ir::Expr& e, const ir::Call& op) override {
    if (op.func != ir::Intrinsic::Erf) return ir::IRMutator::mutate_Call(e, op);
    ir::Expr x = mutate(op.args[0]);
    if (collecting_ && !x.as<ir::Variable>() && !x.as<ir::FloatImm>()) {
      ir::Expr v = ir::Variable::make(x.type(), "erf_arg");
      lets_.push_back({v, x});
      x = v;
    }
    return erf_expansion(x);
  }
  ir::Stmt mutate_Store(const ir::Stmt& s, const ir::Store& op) override {
    auto saved = std::move(lets_);
    lets_.clear();
    collecting_ = true;
    ir::Expr v = mutate(op.value);
    collecting_ = false;
    ir::Expr i = mutate(op.index);
    ir::Stmt r =
        v.same_as(op.value) && i.same_as(op.index) ? s : ir::Store::make(op.buffer, v, i, op.lanes);
    for (auto it = lets_.rbegin(); it != lets_.rend(); ++it)
      r = ir::LetStmt::make(it->first, it->second, r);
    lets_ = std::move(saved);
    return r;
  }

 private:
  bool collecting_ = false;
  std::vector<std::pair<ir::Expr, ir::Expr>> lets_;
};
}  // namespace detail

inline ir::Stmt legalize_intrinsics(const ir::Stmt& body) {
  return detail::LegalizeIntrinsics().mutate(body);
}

}  // namespace webtx::lowering
