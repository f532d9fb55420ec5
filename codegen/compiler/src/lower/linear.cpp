#include "webtx/lower/linear.hpp"

#include "webtx/ir/equality.hpp"
#include "webtx/ir/operators.hpp"

namespace webtx::lowering::detail {

void Linear::add_term(const ir::Expr& atom, int64_t k) {
  for (auto& t : terms) {
    if (ir::deep_equal(t.first, atom)) {
      t.second += k;
      return;
    }
  }
  terms.push_back({atom, k});
}

void to_linear(const ir::Expr& e, int64_t scale, Linear& out) {
  using namespace ir;
  if (auto* c = e.as<IntImm>()) {
    out.c += scale * c->value;
  } else if (auto* a = e.as<Add>()) {
    to_linear(a->a, scale, out), to_linear(a->b, scale, out);
  } else if (auto* s = e.as<Sub>()) {
    to_linear(s->a, scale, out), to_linear(s->b, -scale, out);
  } else if (auto* m = e.as<Mul>(); m && (as_const(m->a) || as_const(m->b))) {
    if (auto k = as_const(m->b)) {
      to_linear(m->a, scale * *k, out);
    } else {
      to_linear(m->b, scale * *as_const(m->a), out);
    }
  } else {
    out.add_term(e, scale);
  }
}

ir::Expr from_linear(const Linear& l, ir::DType t) {
  using namespace ir;
  Expr r;
  auto term = [&](const Expr& a, int64_t k) {
    return k == 1 ? a : Mul::make(a, IntImm::make(t, k));
  };
  for (auto& [a, k] : l.terms)
    if (k > 0) r = r.defined() ? Add::make(r, term(a, k)) : term(a, k);
  for (auto& [a, k] : l.terms) {
    if (k >= 0) continue;
    r = r.defined() ? Sub::make(r, term(a, -k)) : term(a, k);
  }
  if (!r.defined()) return IntImm::make(t, l.c);
  if (l.c > 0) r = Add::make(r, IntImm::make(t, l.c));
  if (l.c < 0) r = Sub::make(r, IntImm::make(t, -l.c));
  return r;
}

}  // namespace webtx::lowering::detail
