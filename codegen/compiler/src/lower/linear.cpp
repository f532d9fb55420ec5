#include "webtx/lower/linear.hpp"

#include "webtx/ir/equality.hpp"
#include "webtx/ir/operators.hpp"

namespace webtx::lowering::detail {

namespace {
// Coefficients are exact integers while index arithmetic stays in range (the simplifier's
// bounds reasoning relies on that); beyond, they are computed modulo 2^64, which is still
// right modulo 2^32 (from_linear's constants wrap to 32 bits in IntImm::make), never UB.
int64_t wmul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
int64_t wadd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
}  // namespace

void Linear::add_term(const ir::Expr& atom, int64_t k) {
  for (auto& t : terms) {
    if (ir::deep_equal(t.first, atom)) {
      t.second = wadd(t.second, k);
      return;
    }
  }
  terms.push_back({atom, k});
}

void to_linear(const ir::Expr& e, int64_t scale, Linear& out) {
  using namespace ir;
  if (auto* c = e.as<IntImm>()) {
    out.c = wadd(out.c, wmul(scale, c->value));
  } else if (auto* a = e.as<Add>()) {
    to_linear(a->a, scale, out), to_linear(a->b, scale, out);
  } else if (auto* s = e.as<Sub>()) {
    to_linear(s->a, scale, out), to_linear(s->b, wmul(-1, scale), out);
  } else if (auto* m = e.as<Mul>(); m && (as_const(m->a) || as_const(m->b))) {
    if (auto k = as_const(m->b)) {
      to_linear(m->a, wmul(scale, *k), out);
    } else {
      to_linear(m->b, wmul(scale, *as_const(m->a)), out);
    }
  } else if (auto* m2 = e.as<Mul>(); m2 && e.type().is_int()) {
    // x * (y * c) == c * (x * y): the constant factor of a product of symbols shows in the
    // coefficient (a row stride K = 4 * K' makes row * K a multiple of 4).
    auto factor = [](const Expr& f, Expr& rest) -> int64_t {
      auto* inner = f.as<Mul>();
      if (!inner) return 1;
      if (auto c = as_const(inner->b)) return rest = inner->a, *c;
      if (auto c = as_const(inner->a)) return rest = inner->b, *c;
      return 1;
    };
    Expr ra = m2->a, rb = m2->b;
    int64_t k = wmul(factor(m2->a, ra), factor(m2->b, rb));
    if (k != 1) {
      to_linear(Mul::make(ra, rb), wmul(scale, k), out);
    } else {
      out.add_term(e, scale);
    }
  } else {
    out.add_term(e, scale);
  }
}

ir::Expr from_linear(const Linear& l, ir::DType t) {
  using namespace ir;
  // The expression is evaluated in 32 bits: coefficients and the constant modulo 2^32 (as
  // signed values, so that negative ones print as subtractions).
  auto wrap32 = [](int64_t v) -> int64_t {
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
  };
  Expr r;
  auto term = [&](const Expr& a, int64_t k) {
    return k == 1 ? a : Mul::make(a, IntImm::make(t, k));
  };
  for (auto& [a, k0] : l.terms)
    if (int64_t k = wrap32(k0); k > 0) r = r.defined() ? Add::make(r, term(a, k)) : term(a, k);
  for (auto& [a, k0] : l.terms) {
    int64_t k = wrap32(k0);
    if (k >= 0) continue;
    r = r.defined() ? Sub::make(r, term(a, -k)) : term(a, k);
  }
  if (!r.defined()) return IntImm::make(t, l.c);
  int64_t c = wrap32(l.c);
  if (c > 0) r = Add::make(r, IntImm::make(t, c));
  if (c < 0) r = Sub::make(r, IntImm::make(t, -c));
  return r;
}

}  // namespace webtx::lowering::detail
