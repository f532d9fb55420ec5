// The simplifier (declared in webtx/lower/simplify.hpp).
#include "webtx/lower/simplify.hpp"

#include "webtx/lower/arith.hpp"
#include "webtx/lower/linear.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace webtx::lowering {

namespace {

using detail::Linear, detail::to_linear, detail::from_linear;

int64_t wrap_int(ir::DType t, int64_t v) {
  if (t.is_uint()) return static_cast<uint32_t>(v);
  if (t.is_bool()) return v != 0;
  return static_cast<int32_t>(v);
}

class Simplifier : public ir::IRMutator {
 public:
  explicit Simplifier(const SimplifyOptions& o) : opts_(o) {}
  using ir::IRMutator::mutate;
  RangeMap ranges;
  std::unordered_map<const ir::ExprNode*, ir::Expr> upper;  // var < upper[var] (exclusive)
  // Let variables bound to data (a loaded value, a call): not index arithmetic.
  std::unordered_set<const ir::ExprNode*> data_vars;

 protected:
  using Expr = ir::Expr;
  using Stmt = ir::Stmt;

  Expr linear(const Expr& e) { return from_linear(linear_form(e), e.type()); }
  Linear linear_form(const Expr& e) {
    Linear l;
    to_linear(e, 1, l);
    // (x / c) * c + x % c == x (truncating division, any sign).
    for (size_t i = 0; i < l.terms.size(); ++i) {
      auto* m = l.terms[i].first.as<ir::Mod>();
      auto c = m ? as_const(m->b) : std::nullopt;
      if (!c || l.terms[i].second == 0) continue;
      for (size_t j = 0; j < l.terms.size(); ++j) {
        auto* d = l.terms[j].first.as<ir::Div>();
        if (!d || !deep_equal(d->a, m->a) || !deep_equal(d->b, m->b)) continue;
        if (l.terms[j].second != l.terms[i].second * *c) continue;
        int64_t k = l.terms[i].second;
        Expr x = m->a;
        l.terms[i].second = 0, l.terms[j].second = 0;
        to_linear(x, k, l);
        break;
      }
    }
    std::erase_if(l.terms, [](auto& t) { return t.second == 0; });
    return l;
  }
  // Exact bounds of a linear form of index arithmetic (from_linear's expression wraps its
  // constants to 32 bits; a difference of two indices may not fit in them).
  std::optional<ConstRange> bounds(const Linear& l) {
    ConstRange r{l.c, l.c};
    for (auto& [atom, k] : l.terms) {
      auto b = bounds(atom);
      if (!b) return std::nullopt;
      int64_t p, q;
      if (__builtin_mul_overflow(b->lo, k, &p) || __builtin_mul_overflow(b->hi, k, &q))
        return std::nullopt;
      if (__builtin_add_overflow(r.lo, std::min(p, q), &r.lo) ||
          __builtin_add_overflow(r.hi, std::max(p, q), &r.hi))
        return std::nullopt;
    }
    return r;
  }
  // Index arithmetic: integer constants, loop and thread indices, symbols and their +-*/%
  // min/max. It does not overflow (extents, and so indices, are checked to fit in i32), so
  // reasoning over exact integers (bounds, cancelling terms of a difference, dividing a
  // linear form term by term) holds for it. Arithmetic on data (loads, calls, casts) wraps
  // modulo 2^32 on the GPU: only ring identities (the linear form itself) and folds of
  // constants hold there; `x * 7 % 7` is not 0 and `x + 1 > x` is not true for every x.
  bool index_safe(const Expr& e) const {
    using K = ir::ExprKind;
    switch (e.kind()) {
      case K::IntImm:
      case K::ThreadIndex:
        return true;
      case K::Variable:
        return !data_vars.count(e.get());
#define WEBTX_X(n) case K::n:
        WEBTX_FOR_EACH_ARITH_EXPR(WEBTX_X)
#undef WEBTX_X
        {
          auto* n = e.as_binary();
          return index_safe(n->a) && index_safe(n->b);
        }
      default:
        return false;
    }
  }
  // The comparison of two integer constants (not their difference, which may leave i32).
  static std::optional<bool> compare_consts(ir::ExprKind k, const Expr& a, const Expr& b) {
    auto x = as_const(a), y = as_const(b);
    if (!x || !y) return std::nullopt;
    switch (k) {
      case ir::ExprKind::LT:
        return *x < *y;
      case ir::ExprKind::LE:
        return *x <= *y;
      case ir::ExprKind::GT:
        return *x > *y;
      case ir::ExprKind::GE:
        return *x >= *y;
      case ir::ExprKind::EQ:
        return *x == *y;
      case ir::ExprKind::NE:
        return *x != *y;
      default:
        return std::nullopt;
    }
  }
  std::optional<ConstRange> bounds(const Expr& e) {
    std::array<int64_t, 6> t{opts_.workgroup_size[0], opts_.workgroup_size[1],
                             opts_.workgroup_size[2], opts_.grid[0],
                             opts_.grid[1],           opts_.grid[2]};
    return const_bounds(e, ranges, &t);
  }

  Expr fold_float(const Expr& e, const Expr& a, const Expr& b) {
    auto *x = a.as<ir::FloatImm>(), *y = b.as<ir::FloatImm>();
    if (!x || !y || e.type().bits != 32) return Expr();
    float p = static_cast<float>(x->value), q = static_cast<float>(y->value), r;
    switch (e.kind()) {
      case ir::ExprKind::Add:
        r = p + q;
        break;
      case ir::ExprKind::Sub:
        r = p - q;
        break;
      case ir::ExprKind::Mul:
        r = p * q;
        break;
      case ir::ExprKind::Div:
        r = p / q;
        break;
      case ir::ExprKind::Min:
        r = p < q ? p : q;
        break;
      case ir::ExprKind::Max:
        r = p > q ? p : q;
        break;
      default:
        return Expr();
    }
    return ir::FloatImm::make(e.type(), r);
  }

  template <typename N>
  Expr arith(const Expr& e, const N& op) {
    Expr a = mutate(op.a), b = mutate(op.b);
    Expr rebuilt = a.same_as(op.a) && b.same_as(op.b) ? e : N::make(a, b);
    if (e.type().is_float()) {
      Expr f = fold_float(e, a, b);
      return f.defined() ? f : rebuilt;
    }
    if (!e.type().is_int()) return rebuilt;
    return linear(rebuilt);
  }
  Expr mutate_Add(const Expr& e, const ir::Add& op) override { return arith(e, op); }
  Expr mutate_Sub(const Expr& e, const ir::Sub& op) override { return arith(e, op); }
  Expr mutate_Mul(const Expr& e, const ir::Mul& op) override {
    if (e.type().is_int()) return arith(e, op);
    Expr r = arith(e, op);
    return r;
  }

  Expr div_mod(const Expr& e, bool is_div) {
    auto* n = e.as_binary();
    Expr a = mutate(n->a), b = mutate(n->b);
    auto make = [&](Expr x, Expr y) { return ir::make_binary(e.kind(), x, y); };
    if (e.type().is_float()) {
      Expr f = is_div ? fold_float(e, a, b) : Expr();
      return f.defined() ? f : make(a, b);
    }
    auto x = as_const(a), c = as_const(b);
    if (x && c && *c != 0)
      return ir::IntImm::make(e.type(), wrap_int(e.type(), is_div ? *x / *c : *x % *c));
    if (!e.type().is_int() || !c || *c <= 0) return make(a, b);
    if (*c == 1) return is_div ? a : make_int(0);
    auto ba = bounds(a);
    if (ba && ba->lo >= 0 && ba->hi < *c) return is_div ? make_int(0) : a;
    // (x / c1) / c2 == x / (c1 * c2) for positive constants (truncation composes).
    if (is_div) {
      auto* inner = a.as<ir::Div>();
      auto c1 = inner ? as_const(inner->b) : std::nullopt;
      if (c1 && *c1 > 0 && *c1 * *c <= INT32_MAX)
        return ir::Div::make(inner->a, make_int(*c1 * *c));
    }
    // Term by term only over exact integers (see index_safe).
    if (!index_safe(a)) return make(a, b);
    // Split the linear form into multiples of c and a remainder.
    Linear l, q, r;
    to_linear(a, 1, l);
    for (auto& [t, k] : l.terms) (k % *c == 0 ? q : r).terms.push_back({t, k});
    q.c = l.c - l.c % *c, r.c = l.c % *c;
    Expr re = from_linear(r, e.type());
    bool exact = r.terms.empty() && r.c == 0;
    auto bq = bounds(q), br = bounds(r);
    bool nonneg_split = bq && bq->lo >= 0 && br && br->lo >= 0 && br->hi < *c;
    if (!q.terms.empty() && (exact || nonneg_split)) {
      if (!is_div) return re;
      Linear qd = q;
      for (auto& t : qd.terms) t.second /= *c;
      qd.c /= *c;
      return from_linear(qd, e.type());
    }
    return make(a, b);
  }
  Expr mutate_Div(const Expr& e, const ir::Div&) override { return div_mod(e, true); }
  Expr mutate_Mod(const Expr& e, const ir::Mod&) override { return div_mod(e, false); }

  Expr min_max(const Expr& e, bool is_min) {
    auto* n = e.as_binary();
    Expr a = mutate(n->a), b = mutate(n->b);
    if (deep_equal(a, b)) return a;
    if (e.type().is_float()) {
      Expr f = fold_float(e, a, b);
      if (f.defined()) return f;
    } else if (auto x = as_const(a), y = as_const(b); x && y) {
      return (*x < *y) == is_min ? a : b;
    } else if (e.type().is_int() && index_safe(a) && index_safe(b)) {
      auto d = bounds(linear_form(ir::Sub::make(a, b)));
      if (d && d->hi <= 0) return is_min ? a : b;
      if (d && d->lo >= 0) return is_min ? b : a;
    }
    return ir::make_binary(e.kind(), a, b);
  }
  Expr mutate_Min(const Expr& e, const ir::Min&) override { return min_max(e, true); }
  Expr mutate_Max(const Expr& e, const ir::Max&) override { return min_max(e, false); }

  template <typename N>
  Expr compare(const Expr& e, const N& op) {
    Expr a = mutate(op.a), b = mutate(op.b);
    Expr rebuilt = a.same_as(op.a) && b.same_as(op.b) ? e : N::make(a, b);
    if (a.type().is_float()) {
      auto *x = a.as<ir::FloatImm>(), *y = b.as<ir::FloatImm>();
      if (!x || !y) return rebuilt;
      double p = x->value, q = y->value;
      bool r = e.kind() == ir::ExprKind::LT   ? p < q
               : e.kind() == ir::ExprKind::LE ? p <= q
               : e.kind() == ir::ExprKind::GT ? p > q
               : e.kind() == ir::ExprKind::GE ? p >= q
               : e.kind() == ir::ExprKind::EQ ? p == q
                                              : p != q;
      return make_bool(r);
    }
    if (auto r = compare_consts(e.kind(), a, b)) return make_bool(*r);
    if (!a.type().is_int() || !index_safe(a) || !index_safe(b)) return rebuilt;
    // v < upper(v) holds by construction of loops and thread bindings.
    if (e.kind() == ir::ExprKind::LT) {
      auto it = upper.find(a.get());
      if (it != upper.end() && deep_equal(it->second, b)) return make_bool(true);
    }
    auto d = bounds(linear_form(ir::Sub::make(a, b)));
    if (!d) return rebuilt;
    switch (e.kind()) {
      case ir::ExprKind::LT:
        if (d->hi < 0 || d->lo >= 0) return make_bool(d->hi < 0);
        break;
      case ir::ExprKind::LE:
        if (d->hi <= 0 || d->lo > 0) return make_bool(d->hi <= 0);
        break;
      case ir::ExprKind::GT:
        if (d->lo > 0 || d->hi <= 0) return make_bool(d->lo > 0);
        break;
      case ir::ExprKind::GE:
        if (d->lo >= 0 || d->hi < 0) return make_bool(d->lo >= 0);
        break;
      case ir::ExprKind::EQ:
        if (d->lo == d->hi || d->lo > 0 || d->hi < 0) return make_bool(d->lo == 0 && d->hi == 0);
        break;
      case ir::ExprKind::NE:
        if (d->lo == d->hi || d->lo > 0 || d->hi < 0) return make_bool(!(d->lo == 0 && d->hi == 0));
        break;
      default:
        break;
    }
    return cancel_common_terms(e.kind(), a, b, rebuilt);
  }
  // `t + x < t + c` as `x < c`: the terms both sides share (equal coefficients) cancel, and
  // the left side's constant moves right. Exact for index arithmetic (no i32 wrap, see
  // index_safe). Seed 8510: `t3_0 + i < t3_0 + 1` left in a loop over i in [0, 5) hid that
  // only i = 0 runs; NVIDIA's compiler unrolled the loop and crashed on the constant
  // out-of-bounds indices of the other four copies.
  Expr cancel_common_terms(ir::ExprKind k, const Expr& a, const Expr& b, const Expr& rebuilt) {
    Linear la = linear_form(a), lb = linear_form(b);
    bool cancelled = false;
    for (auto& [atom, ka] : la.terms) {
      for (auto& [btom, kb] : lb.terms) {
        if (ka == 0 || kb != ka || !deep_equal(atom, btom)) continue;
        ka = 0, kb = 0, cancelled = true;
      }
    }
    // A constant on the left too (`v + 2 < 3` as `v < 1`), so a loop's guard names its index.
    if (!la.terms.empty() && la.c != 0) cancelled = true;
    if (!cancelled) return rebuilt;
    std::erase_if(la.terms, [](auto& t) { return t.second == 0; });
    std::erase_if(lb.terms, [](auto& t) { return t.second == 0; });
    if (!la.terms.empty()) lb.c -= la.c, la.c = 0;
    Expr x = from_linear(la, a.type()), y = from_linear(lb, b.type());
    if (auto r = compare_consts(k, x, y)) return make_bool(*r);
    return ir::make_binary(k, x, y);
  }
  Expr mutate_LT(const Expr& e, const ir::LT& op) override { return compare(e, op); }
  Expr mutate_LE(const Expr& e, const ir::LE& op) override { return compare(e, op); }
  Expr mutate_GT(const Expr& e, const ir::GT& op) override { return compare(e, op); }
  Expr mutate_GE(const Expr& e, const ir::GE& op) override { return compare(e, op); }
  Expr mutate_EQ(const Expr& e, const ir::EQ& op) override { return compare(e, op); }
  Expr mutate_NE(const Expr& e, const ir::NE& op) override { return compare(e, op); }

  Expr mutate_And(const Expr& e, const ir::And& op) override {
    Expr a = mutate(op.a), b = mutate(op.b);
    auto x = as_const(a), y = as_const(b);
    if ((x && !*x) || (y && !*y)) return make_bool(false);
    if (x) return b;
    if (y) return a;
    return a.same_as(op.a) && b.same_as(op.b) ? e : ir::And::make(a, b);
  }
  Expr mutate_Or(const Expr& e, const ir::Or& op) override {
    Expr a = mutate(op.a), b = mutate(op.b);
    auto x = as_const(a), y = as_const(b);
    if ((x && *x) || (y && *y)) return make_bool(true);
    if (x) return b;
    if (y) return a;
    return a.same_as(op.a) && b.same_as(op.b) ? e : ir::Or::make(a, b);
  }
  Expr mutate_Not(const Expr& e, const ir::Not& op) override {
    Expr a = mutate(op.a);
    if (auto x = as_const(a)) return make_bool(!*x);
    return a.same_as(op.a) ? e : ir::Not::make(a);
  }
  Expr mutate_Select(const Expr& e, const ir::Select& op) override {
    Expr c = mutate(op.cond), t = mutate(op.t), f = mutate(op.f);
    if (auto x = as_const(c)) return *x ? t : f;
    if (deep_equal(t, f)) return t;
    if (c.same_as(op.cond) && t.same_as(op.t) && f.same_as(op.f)) return e;
    return ir::Select::make(c, t, f);
  }
  Expr mutate_Cast(const Expr& e, const ir::Cast& op) override {
    Expr v = mutate(op.value);
    if (auto x = as_const(v)) {
      if (op.type.is_float()) return ir::FloatImm::make(op.type, static_cast<double>(*x));
      return ir::IntImm::make(op.type, wrap_int(op.type, *x));
    }
    if (auto* f = v.as<ir::FloatImm>()) {
      if (op.type.is_float()) return ir::FloatImm::make(op.type, f->value);
      if (op.type.is_bool()) return make_bool(f->value != 0);
      // Truncate; out of range clamps and NaN is 0 (WGSL's rule, which eval follows).
      double x = std::trunc(f->value);
      double lo = op.type.is_uint() ? 0.0 : -2147483648.0,
             hi = op.type.is_uint() ? 4294967295.0 : 2147483647.0;
      x = std::isnan(x) ? 0 : std::min(std::max(x, lo), hi);
      return ir::IntImm::make(op.type, static_cast<int64_t>(x));
    }
    return v.same_as(op.value) ? e : ir::Cast::make(op.type, v);
  }

  // ---- statements ---------------------------------------------------------------------------

  // Integer arithmetic of variables and constants only: substituting it lets the linear form
  // cancel terms (region origins against loop indices) and costs nothing a GPU compiler's
  // CSE would not recover.
  static bool is_index_arith(const Expr& e) {
    using K = ir::ExprKind;
    if (!e.type().is_int()) return false;
    switch (e.kind()) {
      case K::IntImm:
      case K::Variable:
        return true;
#define WEBTX_X(n) case K::n:
        WEBTX_FOR_EACH_ARITH_EXPR(WEBTX_X)
#undef WEBTX_X
        {
          auto* n = e.as_binary();
          return is_index_arith(n->a) && is_index_arith(n->b);
        }
      default:
        return false;
    }
  }
  static Stmt no_op() { return ir::Seq::make({}); }
  static bool is_no_op(const Stmt& s) {
    auto* q = s.as<ir::Seq>();
    return q && q->stmts.empty();
  }

  Stmt mutate_For(const Stmt& s, const ir::For& op) override {
    Expr mn = mutate(op.min), ex = mutate(op.extent);
    auto cmn = as_const(mn), cex = as_const(ex);
    if (cex && *cex <= 0) return no_op();
    if (cex && *cex == 1) {
      VarMap m{{op.var.get(), mn}};
      return mutate(substitute(op.body, m));
    }
    auto saved_r = ranges;
    auto saved_u = upper;
    if (cmn && cex) {
      ranges[op.var.get()] = {*cmn, *cmn + *cex - 1};
    } else if (cmn) {
      ranges[op.var.get()] = {*cmn, kUnknownHi};
    }
    if (cmn && *cmn == 0) upper[op.var.get()] = ex;
    Stmt b = mutate(op.body);
    ranges = saved_r, upper = saved_u;
    if (is_no_op(b)) return b;
    if (cmn && cex) {
      if (auto t = tighten(op, *cmn, *cex, b)) return mutate(*t);
    }
    if (mn.same_as(op.min) && ex.same_as(op.extent) && b.same_as(op.body)) return s;
    return ir::For::make(op.var, mn, ex, op.for_kind, b);
  }
  // `for v in [m, m + X) if (v < c && rest) S` as `for v in [m, min(m + X, c)) if (rest) S`:
  // the iterations the guard excludes do nothing (no else). Constant bounds only.
  std::optional<Stmt> tighten(const ir::For& op, int64_t mn, int64_t ex, const Stmt& body) {
    if (op.for_kind != ir::ForKind::Serial && op.for_kind != ir::ForKind::Unrolled)
      return std::nullopt;
    const Expr& v = op.var;
    auto* g = body.as<ir::IfThenElse>();
    if (!g || g->else_case.defined()) return std::nullopt;
    std::vector<Expr> conj, rest;
    split_conjuncts(g->cond, conj);
    int64_t end = mn + ex;
    for (auto& c : conj) {
      bool le = c.kind() == ir::ExprKind::LE;
      auto* bin = le || c.kind() == ir::ExprKind::LT ? c.as_binary() : nullptr;
      auto k = bin ? as_const(bin->b) : std::nullopt;
      if (bin && k && deep_equal(bin->a, v)) {
        end = std::min(end, le ? *k + 1 : *k);
      } else {
        rest.push_back(c);
      }
    }
    if (rest.size() == conj.size()) return std::nullopt;
    if (end <= mn) return no_op();
    Stmt inner = g->then_case;
    if (!rest.empty()) inner = ir::IfThenElse::make(conjunction(rest), inner);
    return ir::For::make(v, ir::IntImm::make(v.type(), mn), ir::IntImm::make(v.type(), end - mn),
                         op.for_kind, inner);
  }
  Stmt mutate_LetStmt(const Stmt& s, const ir::LetStmt& op) override {
    Expr v = mutate(op.value);
    if (v.as<ir::IntImm>() || v.as<ir::Variable>() || v.as<ir::FloatImm>() || is_index_arith(v)) {
      VarMap m{{op.var.get(), v}};
      return mutate(substitute(op.body, m));
    }
    auto saved_r = ranges;
    auto saved_u = upper;
    auto saved_d = data_vars;
    if (!index_safe(v)) data_vars.insert(op.var.get());
    if (auto* t = v.as<ir::ThreadIndex>()) {
      int64_t n =
          t->axis == ir::ThreadAxis::LocalId ? opts_.workgroup_size[t->dim] : opts_.grid[t->dim];
      ranges[op.var.get()] = {0, n > 0 ? n - 1 : kUnknownHi};
    } else if (auto b = bounds(v)) {
      ranges[op.var.get()] = *b;
    }
    Stmt b = mutate(op.body);
    ranges = saved_r, upper = saved_u, data_vars = saved_d;
    if (is_no_op(b)) return b;
    if (v.same_as(op.value) && b.same_as(op.body)) return s;
    return ir::LetStmt::make(op.var, v, b);
  }
  Stmt mutate_IfThenElse(const Stmt& s, const ir::IfThenElse& op) override {
    Expr c = mutate(op.cond);
    if (auto x = as_const(c)) {
      if (*x) return mutate(op.then_case);
      return op.else_case.defined() ? mutate(op.else_case) : no_op();
    }
    Stmt t = mutate(op.then_case), f = mutate(op.else_case);
    if (f.defined() && is_no_op(f)) f = Stmt();
    if (is_no_op(t) && !f.defined()) return t;
    if (is_no_op(t)) return ir::IfThenElse::make(ir::Not::make(c), f);
    if (c.same_as(op.cond) && t.same_as(op.then_case) && f.same_as(op.else_case)) return s;
    return ir::IfThenElse::make(c, t, f);
  }
  Stmt mutate_Allocate(const Stmt& s, const ir::Allocate& op) override {
    Stmt b = mutate(op.body);
    if (is_no_op(b)) return b;
    return b.same_as(op.body) ? s : ir::Allocate::make(op.buffer, b);
  }

 private:
  SimplifyOptions opts_;
};

}  // namespace

ir::Expr simplify(const ir::Expr& e, const RangeMap& ranges) {
  return simplify(e, ranges, SimplifyOptions{});
}

ir::Expr simplify(const ir::Expr& e, const RangeMap& ranges, const SimplifyOptions& opts) {
  Simplifier s{opts};
  s.ranges = ranges;
  return s.mutate(e);
}

ir::Stmt simplify(const ir::Stmt& body, const SimplifyOptions& opts) {
  Simplifier s{opts};
  return s.mutate(body);
}

}  // namespace webtx::lowering
