// The program generator. Each tensor carries what the generator knows of its values (a range,
// whether NaN/Inf may occur, whether every engine must produce it bit for bit, and a bound on
// how far an engine may be from the CPU reference); expressions are built so that math
// functions stay in their accurate domains, discontinuous operations (floor, ceil, casts to
// integers, comparisons, float mod) only see exact values, and denominators stay away from
// zero. The error bounds are what the comparison allows (docs/testing.md states them).
#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "gen_internal.hpp"
#include "shrink.hpp"

namespace webtx::fuzz {
namespace gen {

int Gen::new_input(std::vector<DimRef> shape, ir::DType t, std::string fill) {
  Node n;
  n.kind = NodeKind::Input;
  n.dtype = t;
  n.shape = std::move(shape);
  Info i;
  if (fill.empty()) {
    if (t.is_float()) {
      int p = rnd(10);
      fill = p < 5 ? "float" : p < 8 ? "exact" : "special";
    } else if (t.is_int()) {
      fill = chance(0.2) ? "wide" : "int";
    } else if (t.is_uint()) {
      fill = chance(0.2) ? "wide" : "uint";
    } else {
      fill = "bool";
    }
  }
  n.fill = fill;
  if (fill == "exact") i.lo = -2, i.hi = 2;
  if (fill == "float") i.exact = true;
  if (fill == "special") i.special = true;
  if (fill == "int") i.lo = -50, i.hi = 50;
  if (fill == "uint") i.lo = 0, i.hi = 100;
  if (fill == "bool") i.lo = 0, i.hi = 1;
  if (fill == "wide") i.wide = true, i.lo = -2147483648.0, i.hi = 4294967295.0;
  return add_node(std::move(n), i);
}

// Keeps magnitudes small: scales by a power of two (exact) when the range grows past 16.
Ex Gen::bounded(Ex e) {
  double m = e.in.mag();
  if (e.in.special || m <= 16) return e;
  double s = std::exp2(-std::ceil(std::log2(m / 4)));
  e.s = "(mul " + e.s + " (f32 " + num(s) + "))";
  e.in.lo *= s, e.in.hi *= s, e.in.err *= s;
  return e;
}

Ex Gen::leaf_f32(const std::vector<int>& ops, const std::vector<std::string>& reads) {
  std::vector<size_t> cand;
  for (size_t k = 0; k < ops.size(); ++k) {
    auto t = r_.nodes[static_cast<size_t>(ops[k])].dtype;
    const Info& in = info_[static_cast<size_t>(ops[k])];
    if (t.is_float() || (!in.special && (t.is_integer() || t.is_bool()))) cand.push_back(k);
  }
  if (cand.empty() || chance(0.1)) {
    double c = rnd(2) ? std::uniform_int_distribution<int>(-8, 8)(g_) / 4.0
                      : std::uniform_real_distribution<double>(-2, 2)(g_);
    float cf = static_cast<float>(c);
    return {"(f32 " + num(cf) + ")", {cf, cf, false, true, false, 0}};
  }
  size_t k = cand[static_cast<size_t>(rnd(static_cast<int>(cand.size())))];
  Info in = info_[static_cast<size_t>(ops[k])];
  auto t = r_.nodes[static_cast<size_t>(ops[k])].dtype;
  if (t == ir::DType::f32()) return {reads[k], in};
  Ex e{"(cast f32 " + reads[k] + ")", in};
  if (t.is_float()) return e;  // f16 -> f32 is exact
  if (in.wide || in.mag() > (1 << 24)) e.in.exact = false, e.in.err = in.mag() * kUlp;
  if (in.wide) e.in.lo = -4294967296.0, e.in.hi = 4294967296.0;
  return bounded(e);
}

Ex Gen::leaf_int(ir::DType t, const std::vector<int>& ops, const std::vector<std::string>& reads) {
  std::vector<size_t> cand;
  for (size_t k = 0; k < ops.size(); ++k) {
    auto ot = r_.nodes[static_cast<size_t>(ops[k])].dtype;
    const Info& in = info_[static_cast<size_t>(ops[k])];
    if (ot.is_integer() || ot.is_bool() || (ot.is_float() && in.exact && !in.special))
      cand.push_back(k);
  }
  const std::string tn = t.str();
  if (cand.empty() || chance(0.15)) {
    int64_t c = t.is_uint() ? rnd(20) : rnd(41) - 20;
    if (chance(0.1)) c = t.is_uint() ? 4000000000LL : 2000000011LL;  // wrapping arithmetic
    return {"(" + tn + " " + std::to_string(c) + ")",
            {double(c), double(c), false, true, false, 0}};
  }
  size_t k = cand[static_cast<size_t>(rnd(static_cast<int>(cand.size())))];
  Info in = info_[static_cast<size_t>(ops[k])];
  auto ot = r_.nodes[static_cast<size_t>(ops[k])].dtype;
  if (ot == t) return {reads[k], in};
  if (ot.is_float()) {
    // floor(x * 4) of an exact value is an integer every engine computes alike.
    std::string f = "(floor (mul " +
                    (ot == ir::DType::f32() ? reads[k] : "(cast f32 " + reads[k] + ")") +
                    " (f32 4)))";
    Info o{std::floor(in.lo * 4), std::floor(in.hi * 4), false, true, false, 0};
    if (t.is_uint()) {
      f = "(abs " + f + ")";
      o.lo = 0, o.hi = o.mag();
    }
    return {"(cast " + tn + " " + f + ")", o};
  }
  Info o = in;
  if (ot.is_bool()) o.lo = 0, o.hi = 1;
  if (in.wide || (t.is_uint() && in.lo < 0))
    o.wide = true, o.lo = -2147483648.0, o.hi = 4294967295.0;
  return {"(cast " + tn + " " + reads[k] + ")", o};
}

Ex Gen::expr_bool(int depth, const std::vector<int>& ops, const std::vector<std::string>& reads) {
  if (depth > 0 && chance(0.3)) {
    Ex a = expr_bool(depth - 1, ops, reads), b = expr_bool(depth - 1, ops, reads);
    int p = rnd(3);
    if (p == 2) return {"(not " + a.s + ")", {0, 1, false, true, false, 0}};
    return {std::string(p ? "(and " : "(or ") + a.s + " " + b.s + ")",
            {0, 1, false, true, false, 0}};
  }
  static const char* cmp[] = {"lt", "le", "gt", "ge", "eq", "ne"};
  std::string c = cmp[rnd(6)];
  // Comparisons are discontinuous: only exact operands.
  for (int tries = 0; tries < 4; ++tries) {
    Ex a = rnd(2) ? leaf_f32(ops, reads) : leaf_int(ir::DType::i32(), ops, reads);
    if (!a.in.exact) continue;
    // The other side: a constant of the same dtype as a.
    bool is_int = a.s.starts_with("(cast i32") || a.s.starts_with("(i32");
    if (a.s.starts_with("(in") || a.s.starts_with("(sh") || a.s.starts_with("(row"))
      continue;  // dtype unknown here
    std::string k = is_int
                        ? "(i32 " + std::to_string(rnd(11) - 5) + ")"
                        : "(f32 " + num(std::uniform_int_distribution<int>(-4, 4)(g_) / 4.0) + ")";
    return {"(" + c + " " + a.s + " " + k + ")", {0, 1, false, true, false, 0}};
  }
  return {"(bool " + std::to_string(rnd(2)) + ")", {0, 1, false, true, false, 0}};
}

Ex Gen::expr_f32(int depth, const std::vector<int>& ops, const std::vector<std::string>& reads) {
  if (depth <= 0 || chance(0.2)) return leaf_f32(ops, reads);
  Ex a = expr_f32(depth - 1, ops, reads);
  Info o = a.in;
  auto call = [&](const char* f, std::string arg) {
    return std::string("(") + f + " " + arg + ")";
  };
  if (a.in.special) {
    // NaN/Inf flow only through operations whose result every engine defines alike.
    switch (rnd(4)) {
      case 0:
        return {call("abs", a.s), o};
      case 1: {
        Ex b = expr_f32(depth - 1, ops, reads);
        o.err = std::max(o.err, b.in.err), o.exact = a.in.exact && b.in.exact;
        o.lo = std::min(o.lo, b.in.lo), o.hi = std::max(o.hi, b.in.hi);
        return {"(" + std::string(rnd(2) ? "max " : "min ") + a.s + " " + b.s + ")", o};
      }
      case 2:
        return {"(sub (f32 0) " + a.s + ")", o};
      default:
        return a;
    }
  }
  const double m = a.in.mag(), e = a.in.err;
  int op = rnd(16);
  if (op <= 3) {  // binary arithmetic
    Ex b = expr_f32(depth - 1, ops, reads);
    if (b.in.special) return a;
    const double mb = b.in.mag(), eb = b.in.err;
    if (op == 0 || op == 1) {
      o.lo = op == 0 ? a.in.lo + b.in.lo : a.in.lo - b.in.hi;
      o.hi = op == 0 ? a.in.hi + b.in.hi : a.in.hi - b.in.lo;
      o.exact = false;
      o.err = e + eb + 2 * kUlp * o.mag();
      return bounded({std::string(op ? "(sub " : "(add ") + a.s + " " + b.s + ")", o});
    }
    if (op == 2) {
      o.hi = m * mb, o.lo = -o.hi, o.exact = false;
      o.err = e * mb + eb * m + e * eb + 2 * kUlp * o.mag();
      return bounded({"(mul " + a.s + " " + b.s + ")", o});
    }
    // a / (|b| + 0.5): the denominator stays >= 0.5.
    o.hi = m / 0.5, o.lo = -o.hi, o.exact = false;
    o.err = (e + o.hi * eb) / 0.5 + 3 * kUlp * o.mag();
    return bounded({"(div " + a.s + " (add (abs " + b.s + ") (f32 0.5)))", o});
  }
  if (op == 4) {  // min/max
    Ex b = expr_f32(depth - 1, ops, reads);
    if (b.in.special) return a;
    o.lo = std::min(a.in.lo, b.in.lo), o.hi = std::max(a.in.hi, b.in.hi);
    o.exact = a.in.exact && b.in.exact, o.err = std::max(e, b.in.err);
    return {"(" + std::string(rnd(2) ? "max " : "min ") + a.s + " " + b.s + ")", o};
  }
  if (op == 5) {  // select on an exact condition
    Ex c = expr_bool(1, ops, reads), b = expr_f32(depth - 1, ops, reads);
    if (b.in.special) return a;
    o.lo = std::min(a.in.lo, b.in.lo), o.hi = std::max(a.in.hi, b.in.hi);
    o.exact = a.in.exact && b.in.exact, o.err = std::max(e, b.in.err);
    return {"(select " + c.s + " " + a.s + " " + b.s + ")", o};
  }
  o.exact = false;
  switch (op) {
    case 6: {  // exp, argument within [-8, 8]
      Ex x = a;
      if (m > 8)
        x.s = "(mul " + a.s + " (f32 " + num(std::exp2(-std::ceil(std::log2(m / 8)))) + "))";
      double s = m > 8 ? std::exp2(-std::ceil(std::log2(m / 8))) : 1;
      o.lo = std::exp(a.in.lo * s), o.hi = std::exp(a.in.hi * s);
      o.err = o.hi * (e * s + (3 + 2 * m * s) * kUlp * 2);
      return bounded({call("exp", x.s), o});
    }
    case 7: {  // log(|a| + 0.5)
      o.lo = std::log(0.5), o.hi = std::log(m + 0.5);
      o.err = e / 0.5 + 4 * kUlp * o.mag() + std::exp2(-21);
      return {call("log", "(add (abs " + a.s + ") (f32 0.5))"), o};
    }
    case 8: {  // sqrt(|a|) when exact, else sqrt(|a| + 0.25) (bounded derivative)
      std::string arg = a.in.exact ? "(abs " + a.s + ")" : "(add (abs " + a.s + ") (f32 0.25))";
      o.lo = 0, o.hi = std::sqrt(m + 0.25);
      o.err = e + 6 * kUlp * o.hi;
      return {call("sqrt", arg), o};
    }
    case 9: {  // rsqrt(|a| + 0.25)
      o.lo = 1 / std::sqrt(m + 0.25), o.hi = 2;
      o.err = 4 * e + 6 * kUlp * 2;
      return {call("rsqrt", "(add (abs " + a.s + ") (f32 0.25))"), o};
    }
    case 10: {
      static const char* f[] = {"tanh", "erf", "sigmoid"};
      int i = rnd(3);
      o.lo = i == 2 ? 0 : -1, o.hi = 1;
      o.err = (i == 1 ? 1.13 : i == 2 ? 0.25 : 1.0) * e + 4e-6;
      return {call(f[i], a.s), o};
    }
    case 11: {  // sin/cos with |argument| <= pi
      Ex x = a;
      double s = m > 3 ? std::exp2(-std::ceil(std::log2(m / 3))) : 1;
      if (s != 1) x.s = "(mul " + a.s + " (f32 " + num(s) + "))";
      o.lo = -1, o.hi = 1;
      o.err = e * s + std::exp2(-11);  // WGSL's bound on [-pi, pi]; SwiftShader is 1.9e-4 off
      return {call(rnd(2) ? "sin" : "cos", x.s), o};
    }
    case 12: {  // pow(|a| + 0.5, c)
      static const double cs[] = {0.5, 2, -1, 1.5, 3};
      double c = cs[rnd(5)];
      double lo = 0.5, hi = m + 0.5;
      double p1 = std::pow(lo, c), p2 = std::pow(hi, c);
      o.lo = std::min(p1, p2), o.hi = std::max(p1, p2);
      double d = std::abs(c) * std::max(std::pow(lo, c - 1), std::pow(hi, c - 1));
      o.err = d * e + 1e-5 * o.mag();
      return bounded({"(pow (add (abs " + a.s + ") (f32 0.5)) (f32 " + num(c) + "))", o});
    }
    case 13: {
      o.exact = a.in.exact;
      o.lo = 0, o.hi = m;
      return {call("abs", a.s), o};
    }
    case 14: {  // floor/ceil/mod only of exact values
      if (!a.in.exact) return a;
      o.exact = true, o.err = 0;
      int i = rnd(3);
      if (i == 2) {
        o.lo = -2, o.hi = 2;
        return {"(mod " + a.s + " (f32 2))", o};
      }
      o.lo = std::floor(a.in.lo), o.hi = std::ceil(a.in.hi);
      return {call(i ? "floor" : "ceil", a.s), o};
    }
    default: {  // a * c + b
      double c = std::uniform_int_distribution<int>(-8, 8)(g_) / 4.0;
      o.lo = -m * std::abs(c) - 1, o.hi = m * std::abs(c) + 1;
      o.err = e * std::abs(c) + 3 * kUlp * o.mag();
      return bounded({"(add (mul " + a.s + " (f32 " + num(c) + ")) (f32 1))", o});
    }
  }
}

Ex Gen::expr_int(ir::DType t, int depth, const std::vector<int>& ops,
                 const std::vector<std::string>& reads) {
  if (depth <= 0 || chance(0.2)) return leaf_int(t, ops, reads);
  const std::string tn = t.str();
  auto k = [&](int64_t v) { return "(" + tn + " " + std::to_string(v) + ")"; };
  Ex a = expr_int(t, depth - 1, ops, reads);
  Info o = a.in;
  auto widen = [&](Info& i) {
    if (i.lo < -2147483648.0 || i.hi > (t.is_uint() ? 4294967295.0 : 2147483647.0) ||
        (t.is_uint() && i.lo < 0))
      i.wide = true, i.lo = -2147483648.0, i.hi = 4294967295.0;
  };
  int op = rnd(8);
  if (op <= 2) {
    Ex b = expr_int(t, depth - 1, ops, reads);
    static const char* n[] = {"add", "sub", "mul"};
    if (op == 0) o.lo = a.in.lo + b.in.lo, o.hi = a.in.hi + b.in.hi;
    if (op == 1) o.lo = a.in.lo - b.in.hi, o.hi = a.in.hi - b.in.lo;
    if (op == 2) o.hi = a.in.mag() * b.in.mag(), o.lo = -o.hi;
    o.wide = a.in.wide || b.in.wide;
    widen(o);
    return {"(" + std::string(n[op]) + " " + a.s + " " + b.s + ")", o};
  }
  if (op <= 4) {  // div / mod by a denominator in [1, 7] (or [-7, -1] for small i32 numerators)
    Ex b = expr_int(t, depth - 1, ops, reads);
    std::string den = t.is_uint() ? "(add (mod " + b.s + " " + k(7) + ") " + k(1) + ")"
                                  : "(add (abs (mod " + b.s + " " + k(7) + ")) " + k(1) + ")";
    if (t.is_int() && !a.in.wide && chance(0.5)) den = "(sub " + k(0) + " " + den + ")";
    if (op == 3) return {"(div " + a.s + " " + den + ")", o};
    o.lo = t.is_uint() ? 0 : -6, o.hi = 6, o.wide = false;
    return {"(mod " + a.s + " " + den + ")", o};
  }
  if (op == 5) {
    Ex b = expr_int(t, depth - 1, ops, reads);
    o.lo = std::min(a.in.lo, b.in.lo), o.hi = std::max(a.in.hi, b.in.hi);
    o.wide = a.in.wide || b.in.wide;
    return {"(" + std::string(rnd(2) ? "max " : "min ") + a.s + " " + b.s + ")", o};
  }
  if (op == 6) {
    Ex c = expr_bool(1, ops, reads), b = expr_int(t, depth - 1, ops, reads);
    o.lo = std::min(a.in.lo, b.in.lo), o.hi = std::max(a.in.hi, b.in.hi);
    o.wide = a.in.wide || b.in.wide;
    return {"(select " + c.s + " " + a.s + " " + b.s + ")", o};
  }
  if (t.is_uint()) return a;
  o.lo = 0, o.hi = a.in.mag();
  return {"(abs " + a.s + ")", o};
}

void Gen::elementwise() {
  int p = rnd(static_cast<int>(r_.nodes.size()));
  Node n;
  n.kind = NodeKind::Elementwise;
  n.shape = r_.nodes[static_cast<size_t>(p)].shape;
  std::vector<int> ops{p};
  std::vector<std::string> reads{"(in 0)"};
  // A halo read: the output is narrower than p along its last axis.
  if (chance(0.2) && ext(n.shape.back()) >= 3) {
    int h = 1 + rnd(2);
    n.shape.back().offset -= h;
    reads = {"(sh 0 0)"};
    ops = {p};
    for (int o = 1; o <= h; ++o)
      ops.push_back(p),
          reads.push_back("(sh " + std::to_string(ops.size() - 1) + " " + std::to_string(o) + ")");
  } else {
    for (size_t q = 0; q < r_.nodes.size() && ops.size() < 4; ++q) {
      const auto& s = r_.nodes[q].shape;
      if (static_cast<int>(q) == p || s.size() > n.shape.size() || !chance(0.5)) continue;
      bool suffix = true;
      for (size_t i = 0; i < s.size(); ++i) {
        const DimRef& a = s[i];
        const DimRef& b = n.shape[n.shape.size() - s.size() + i];
        suffix = suffix && a.dim == b.dim && a.offset == b.offset;
      }
      if (suffix)
        ops.push_back(static_cast<int>(q)),
            reads.push_back("(in " + std::to_string(ops.size() - 1) + ")");
    }
  }
  n.operands = ops;
  int d = 1 + rnd(3);
  int t = rnd(10);
  Ex e;
  if (t < 6) {
    n.dtype = ir::DType::f32();
    e = expr_f32(d, ops, reads);
  } else if (t < 8) {
    n.dtype = ir::DType::i32();
    e = expr_int(n.dtype, d, ops, reads);
  } else if (t < 9) {
    n.dtype = ir::DType::u32();
    e = expr_int(n.dtype, d, ops, reads);
  } else {
    n.dtype = ir::DType::boolean();
    e = expr_bool(d, ops, reads);
  }
  if (opt_.use_f16 && n.dtype == ir::DType::f32() && !e.in.special && chance(0.15)) {
    n.dtype = ir::DType::f16();
    e.s = "(cast f16 " + e.s + ")";
    e.in.exact = false;
    e.in.err += e.in.mag() * std::exp2(-10);
  }
  n.expr = e.s;
  n.tol_rel = 0;
  add_node(std::move(n), e.in);
}

void Gen::reduce() {
  std::vector<int> cand;
  for (size_t i = 0; i < r_.nodes.size(); ++i) {
    auto t = r_.nodes[i].dtype;
    if (r_.nodes[i].shape.size() >= 2 && (t == ir::DType::f32() || t == ir::DType::i32()))
      cand.push_back(static_cast<int>(i));
  }
  if (cand.empty()) return elementwise();
  int p = cand[static_cast<size_t>(rnd(static_cast<int>(cand.size())))];
  const Node a = r_.nodes[static_cast<size_t>(p)];
  const Info ai = info_[static_cast<size_t>(p)];
  Node n;
  n.kind = NodeKind::Reduce;
  n.dtype = a.dtype;
  n.operands = {p};
  int64_t count = 1;
  for (size_t ax = 0; ax < a.shape.size(); ++ax) {
    bool red = n.shape.size() + 1 < a.shape.size() - n.reduce_axes.size() + n.shape.size() + 1 &&
               (chance(0.5) || (ax + 1 == a.shape.size() && n.reduce_axes.empty()));
    if (red && n.reduce_axes.size() + 1 < a.shape.size()) {
      n.reduce_axes.push_back(static_cast<int>(ax));
      count *= ext(a.shape[ax]);
    } else {
      n.shape.push_back(a.shape[ax]);
    }
  }
  if (n.reduce_axes.empty()) {
    n.reduce_axes.push_back(static_cast<int>(a.shape.size()) - 1);
    n.shape.pop_back();
    count = ext(a.shape.back());
  }
  int op = rnd(3);
  n.reduce_op = static_cast<ir::ReduceOp>(op);
  Info o = ai;
  if (a.dtype.is_int()) {
    n.expr = rnd(2) ? "(in 0)" : "(mul (in 0) (in 0))";
    o.wide = true, o.lo = -2147483648.0, o.hi = 2147483647.0;
    if (op != 0 && n.expr == "(in 0)") o = ai;
  } else if (ai.special) {
    n.reduce_op = op == 0 ? ir::ReduceOp::Max : n.reduce_op;
    n.expr = rnd(2) ? "(in 0)" : "(abs (in 0))";
  } else {
    Ex src = expr_f32(1, {p}, {"(in 0)"});
    if (src.in.special || src.s.find("(in 0)") == std::string::npos) src = {"(in 0)", ai};
    n.expr = src.s;
    o = src.in;
    if (op == 0) {
      double m = src.in.mag();
      o.lo = -m * count, o.hi = m * count, o.exact = false;
      o.err = count * src.in.err + 2 * count * count * kUlp * m;
    }
  }
  add_node(std::move(n), o);
}

void Gen::matmul() {
  std::vector<int> cand;
  for (size_t i = 0; i < r_.nodes.size(); ++i)
    if (r_.nodes[i].shape.size() >= 2 && r_.nodes[i].dtype == ir::DType::f32() && !info_[i].special)
      cand.push_back(static_cast<int>(i));
  if (cand.empty()) {
    int m = new_dim(1, 12), k = new_dim(1, 12);
    cand.push_back(new_input({{m, 0}, {k, 0}}, ir::DType::f32(), "float"));
  }
  int p = cand[static_cast<size_t>(rnd(static_cast<int>(cand.size())))];
  DimRef kdim = r_.nodes[static_cast<size_t>(p)].shape.back();
  int nd =
      rnd(3) == 0 && r_.dims.size() > 0 ? rnd(static_cast<int>(r_.dims.size())) : new_dim(1, 12);
  int b = new_input({kdim, {nd, 0}}, ir::DType::f32(), rnd(2) ? "float" : "exact");
  Node n;
  n.kind = NodeKind::Matmul;
  n.dtype = ir::DType::f32();
  n.operands = {p, b};
  n.shape = r_.nodes[static_cast<size_t>(p)].shape;
  n.shape.back() = {nd, 0};
  const Info &ai = info_[static_cast<size_t>(p)], &bi = info_[static_cast<size_t>(b)];
  n.expr = "(mul (in 0) (in 1))";
  int64_t k = ext(kdim);
  double m = ai.mag() * bi.mag();
  Info o{-m * k, m * k, false, false, false, 0};
  o.err = k * (ai.err * bi.mag()) + 2 * k * k * kUlp * m;
  add_node(std::move(n), o);
}

void Gen::stencil() {
  std::vector<int> cand;
  const int w = 2 + rnd(2), wd = rnd(3) == 0 ? 2 : 1;
  for (size_t i = 0; i < r_.nodes.size(); ++i) {
    const auto& s = r_.nodes[i].shape;
    bool ok = static_cast<int>(s.size()) >= wd && r_.nodes[i].dtype == ir::DType::f32();
    for (int d = 0; ok && d < wd; ++d) ok = ext(s[s.size() - 1 - static_cast<size_t>(d)]) >= w;
    if (ok) cand.push_back(static_cast<int>(i));
  }
  if (cand.empty()) {
    int a = new_dim(w, w + 10);
    std::vector<DimRef> shape{{a, 0}};
    if (wd == 2) shape.insert(shape.begin(), DimRef{new_dim(w, w + 6), 0});
    cand.push_back(new_input(shape, ir::DType::f32()));
  }
  int p = cand[static_cast<size_t>(rnd(static_cast<int>(cand.size())))];
  const Info ai = info_[static_cast<size_t>(p)];  // a copy: new_input() below grows info_
  Node n;
  n.kind = NodeKind::Stencil;
  n.dtype = ir::DType::f32();
  n.window = w, n.window_dims = wd;
  n.shape = r_.nodes[static_cast<size_t>(p)].shape;
  for (int d = 0; d < wd; ++d) n.shape[n.shape.size() - 1 - static_cast<size_t>(d)].offset -= w - 1;
  n.operands = {p};
  Info o = ai;
  int64_t count = wd == 2 ? w * w : w;
  if (ai.special) {
    n.reduce_op = rnd(2) ? ir::ReduceOp::Max : ir::ReduceOp::Min;
    n.expr = "(in 0)";
  } else {
    int wc = new_dim(w, w, false);
    std::vector<DimRef> ws{{wc, 0}};
    if (wd == 2) ws.push_back({wc, 0});
    int wi = new_input(ws, ir::DType::f32(), "exact");
    n.operands.push_back(wi);
    n.reduce_op = static_cast<ir::ReduceOp>(rnd(3));
    n.expr = "(mul (in 0) (in 1))";
    double m = ai.mag() * 2;
    o = {-m, m, false, false, false, ai.err * 2};
    if (n.reduce_op == ir::ReduceOp::Sum) {
      o.lo = -m * count, o.hi = m * count;
      o.err = count * ai.err * 2 + 2 * count * count * kUlp * m;
    } else {
      o.err += kUlp * m;
    }
  }
  add_node(std::move(n), o);
}

// A row op as softmax and layernorm are: x (f32, rank >= 2), one or two reductions of it over
// its last axis, and an elementwise op of x and those reductions read along the row ((row k)),
// the shape auto_schedule's row rule fuses into one kernel per row (cached rows, rows shared
// out over workgroups). Drawn from its own stream (rows_g_), so that a program without one is
// the program its seed gave before (seeds named in tests and notes stay what they were).
void Gen::row_op() {
  std::swap(g_, rows_g_);
  int x = -1;
  std::vector<int> cand;
  for (size_t i = 0; i < r_.nodes.size(); ++i)
    if (r_.nodes[i].shape.size() >= 2 && r_.nodes[i].dtype == ir::DType::f32() && !info_[i].special)
      cand.push_back(static_cast<int>(i));
  if (cand.empty() || chance(0.5)) {
    // Rows longer than a workgroup's chunk (row_threads 32 x row_cache / row_groups), so that
    // a row is shared out over more than one workgroup.
    std::vector<DimRef> shape;
    for (int d = 0, lead = 1 + rnd(2); d < lead; ++d) shape.push_back({new_dim(1, 5), 0});
    shape.push_back({new_dim(20, 90), 0});
    x = new_input(std::move(shape), ir::DType::f32(), rnd(2) ? "float" : "exact");
  } else {
    x = cand[static_cast<size_t>(rnd(static_cast<int>(cand.size())))];
  }
  const Node xs = r_.nodes[static_cast<size_t>(x)];
  const int64_t len = ext(xs.shape.back());
  std::vector<int> ops{x};
  std::vector<std::string> reads{"(in 0)"};
  for (int k = 0, n = 1 + rnd(2); k < n; ++k) {
    const Info xi = info_[static_cast<size_t>(x)];
    Node red;
    red.kind = NodeKind::Reduce;
    red.dtype = ir::DType::f32();
    red.operands = {x};
    red.shape.assign(xs.shape.begin(), xs.shape.end() - 1);
    red.reduce_axes = {static_cast<int>(xs.shape.size()) - 1};
    red.reduce_op = rnd(2) ? ir::ReduceOp::Sum : ir::ReduceOp::Max;
    Ex src = expr_f32(1, {x}, {"(in 0)"});
    if (src.in.special || src.s.find("(in 0)") == std::string::npos) src = {"(in 0)", xi};
    red.expr = src.s;
    Info o = src.in;
    if (red.reduce_op == ir::ReduceOp::Sum) {
      const double m = src.in.mag();
      o.lo = -m * len, o.hi = m * len, o.exact = false;
      o.err = len * src.in.err + 2 * len * len * kUlp * m;
    }
    ops.push_back(add_node(std::move(red), o));
    row_nodes_.push_back(r_.nodes.back().name);
    reads.push_back("(row " + std::to_string(k + 1) + ")");
  }
  // The op reads x and at least one reduction: the fused row kernel's root.
  Ex e;
  for (int tries = 0; tries < 8; ++tries) {
    e = expr_f32(1 + rnd(3), ops, reads);
    if (!e.in.special && e.s.find("(in 0)") != std::string::npos &&
        e.s.find("(row ") != std::string::npos)
      break;
    e = {};
  }
  if (e.s.empty()) {
    const Info &a = info_[static_cast<size_t>(x)], &b = info_[static_cast<size_t>(ops[1])];
    Info o{a.lo - b.hi, a.hi - b.lo, false, false, false, 0};
    o.err = a.err + b.err + 2 * kUlp * o.mag();
    e = bounded({"(sub (in 0) (row 1))", o});
  }
  Node out;
  out.kind = NodeKind::Elementwise;
  out.dtype = ir::DType::f32();
  out.shape = xs.shape;
  out.operands = ops;
  out.expr = e.s;
  add_node(std::move(out), e.in);
  row_nodes_.push_back(r_.nodes.back().name);
  std::swap(g_, rows_g_);
}

Recipe Gen::run() {
  int inputs = 1 + rnd(2);
  for (int i = 0; i < inputs; ++i) {
    int rank = 1 + rnd(3);
    std::vector<DimRef> shape;
    for (int d = 0; d < rank; ++d) {
      bool reuse = !r_.dims.empty() && chance(0.3);
      shape.push_back({reuse ? rnd(static_cast<int>(r_.dims.size())) : new_dim(1, 14), 0});
    }
    int t = rnd(10);
    new_input(shape, t < 7 ? ir::DType::f32() : t < 9 ? ir::DType::i32() : ir::DType::u32());
  }
  int nops = 1 + rnd(opt_.max_ops);
  for (int i = 0; i < nops; ++i) {
    int k = rnd(10);
    if (k < 4)
      elementwise();
    else if (k < 6)
      reduce();
    else if (k < 8)
      matmul();
    else
      stencil();
  }
  if (std::bernoulli_distribution(0.2)(rows_g_)) row_op();
  // Outputs: computed tensors nobody reads, and some that are also read.
  std::vector<bool> read(r_.nodes.size());
  for (auto& n : r_.nodes)
    for (int o : n.operands) read[static_cast<size_t>(o)] = true;
  for (size_t i = 0; i < r_.nodes.size(); ++i)
    if (r_.nodes[i].kind != NodeKind::Input && (!read[i] || chance(0.15)))
      r_.outputs.push_back(static_cast<int>(i));
  r_ = drop_unused(r_);  // inputs nobody reads (lower() rejects them)
  schedule();
  return r_;
}

}  // namespace gen

Recipe generate(uint64_t seed, const GenOptions& o) { return gen::Gen(seed, o).run(); }

}  // namespace webtx::fuzz
