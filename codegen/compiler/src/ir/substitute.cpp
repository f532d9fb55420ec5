#include "webtx/ir/substitute.hpp"

#include "webtx/ir/functor.hpp"

namespace webtx::ir {

namespace {
class Substituter : public IRMutator {
 public:
  explicit Substituter(const VarMap& m) : m_(m) {}
  using IRMutator::mutate;

 protected:
  Expr mutate_Variable(const Expr& e, const Variable&) override {
    auto it = m_.find(e.get());
    return it == m_.end() ? e : it->second;
  }
  Expr mutate_Reduce(const Expr& e, const Reduce& op) override {
    // Reduction ranges may mention substituted symbols too.
    Expr s = mutate(op.source);
    bool changed = !s.same_as(op.source);
    std::vector<IterVar> axes;
    for (auto& a : op.axes) {
      Expr mn = mutate(a->min), ex = mutate(a->extent);
      changed |= !mn.same_as(a->min) || !ex.same_as(a->extent);
      axes.push_back(
          mn.same_as(a->min) && ex.same_as(a->extent) ? a : make_iter_var(a->var, mn, ex, a->kind));
    }
    return changed ? Reduce::make(op.op, s, axes) : e;
  }

 private:
  const VarMap& m_;
};
}  // namespace

Expr substitute(const Expr& e, const VarMap& m) { return m.empty() ? e : Substituter(m).mutate(e); }
Stmt substitute(const Stmt& s, const VarMap& m) { return m.empty() ? s : Substituter(m).mutate(s); }

bool uses_var(const Expr& e, const ExprNode* v) {
  return contains_if<Variable>(e, [&](const Variable& op) { return &op == v; });
}

bool reads_memory(const Expr& e) { return contains<Load, ProducerLoad>(e); }

}  // namespace webtx::ir
