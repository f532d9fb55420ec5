// Recipe -> operation graph, schedule and input data. Expressions are s-expressions:
//   (add a b) sub mul div mod min max lt le gt ge eq ne and or   binary IR nodes
//   (not a) (select c t f) (cast <dtype> a)                       the other IR nodes
//   (exp a) log sqrt rsqrt tanh erf floor ceil sin cos sigmoid abs (pow a b)   intrinsics
//   (f32 1.5) (f16 0.5) (i32 -3) (u32 7) (bool 1)                 constants
//   (in k) (sh k o) (row k)                                       operand reads (recipe.hpp)
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <sstream>

#include "recipe.hpp"
#include "webtx/schedule/auto_schedule.hpp"
#include "webtx/schedule/helpers.hpp"

namespace webtx::fuzz {

const char* kind_name(NodeKind k) {
  static const char* names[] = {"input", "elementwise", "reduce", "matmul", "stencil"};
  return names[static_cast<int>(k)];
}

int64_t extent_value(const Recipe& r, const DimRef& d) {
  return r.dims.at(static_cast<size_t>(d.dim)).value + d.offset;
}

namespace {

using ir::Expr;

struct SExpr {
  std::string atom;  // non-empty for an atom
  std::vector<SExpr> kids;
};

SExpr parse_sexpr(const std::string& s, size_t& p) {
  while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
  internal_assert(p < s.size()) << "fuzz expression ends early: " << s;
  SExpr e;
  if (s[p] == '(') {
    ++p;
    for (;;) {
      while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
      internal_assert(p < s.size()) << "unbalanced fuzz expression: " << s;
      if (s[p] == ')') {
        ++p;
        break;
      }
      e.kids.push_back(parse_sexpr(s, p));
    }
    internal_assert(!e.kids.empty() && !e.kids[0].atom.empty()) << "empty call in " << s;
    return e;
  }
  size_t b = p;
  while (p < s.size() && s[p] != '(' && s[p] != ')' &&
         !std::isspace(static_cast<unsigned char>(s[p])))
    ++p;
  e.atom = s.substr(b, p - b);
  return e;
}

ir::DType dtype_named(const std::string& n) {
  for (auto t : {ir::DType::f32(), ir::DType::f16(), ir::DType::i32(), ir::DType::u32(),
                 ir::DType::boolean()})
    if (t.str() == n) return t;
  internal_error << "fuzz: unknown dtype '" << n << "'";
  return {};
}

// An operand read: (in k) shift 0, (sh k o) shift o, (row k) at the leading indices.
using Leaf = std::function<Expr(int operand, int64_t shift, bool leading)>;

Expr to_ir(const SExpr& e, const Leaf& leaf) {
  internal_assert(e.atom.empty()) << "fuzz: bare atom '" << e.atom << "' in an expression";
  const std::string& h = e.kids[0].atom;
  auto arg = [&](size_t i) { return to_ir(e.kids.at(i), leaf); };
  auto num = [&](size_t i) { return e.kids.at(i).atom; };
  static const std::pair<const char*, ir::ExprKind> binary[] = {
      {"add", ir::ExprKind::Add}, {"sub", ir::ExprKind::Sub}, {"mul", ir::ExprKind::Mul},
      {"div", ir::ExprKind::Div}, {"mod", ir::ExprKind::Mod}, {"min", ir::ExprKind::Min},
      {"max", ir::ExprKind::Max}, {"lt", ir::ExprKind::LT},   {"le", ir::ExprKind::LE},
      {"gt", ir::ExprKind::GT},   {"ge", ir::ExprKind::GE},   {"eq", ir::ExprKind::EQ},
      {"ne", ir::ExprKind::NE},   {"and", ir::ExprKind::And}, {"or", ir::ExprKind::Or}};
  for (auto& [n, k] : binary)
    if (h == n) return ir::make_binary(k, arg(1), arg(2));
  if (h == "not") return ir::Not::make(arg(1));
  if (h == "select") return ir::Select::make(arg(1), arg(2), arg(3));
  if (h == "cast") return ir::Cast::make(dtype_named(num(1)), arg(2));
  if (h == "in") return leaf(std::stoi(num(1)), 0, false);
  if (h == "sh") return leaf(std::stoi(num(1)), std::stoll(num(2)), false);
  if (h == "row") return leaf(std::stoi(num(1)), 0, true);
  if (h == "f32" || h == "f16") return ir::FloatImm::make(dtype_named(h), std::stod(num(1)));
  if (h == "i32" || h == "u32" || h == "bool")
    return ir::IntImm::make(dtype_named(h), std::stoll(num(1)));
  for (int f = 0; f <= static_cast<int>(ir::Intrinsic::Sigmoid); ++f) {
    auto fn = static_cast<ir::Intrinsic>(f);
    if (h != ir::intrinsic_name(fn)) continue;
    std::vector<Expr> args;
    for (size_t i = 1; i < e.kids.size(); ++i) args.push_back(arg(i));
    return ir::Call::make(fn, std::move(args));
  }
  internal_error << "fuzz: unknown expression head '" << h << "'";
  return {};
}

Expr parse_expr(const std::string& s, const Leaf& leaf) {
  size_t p = 0;
  SExpr e = parse_sexpr(s, p);
  return to_ir(e, leaf);
}

ir::IterVar new_axis(const std::string& n, Expr extent, ir::IterKind k) {
  return ir::make_iter_var(ir::Variable::make(ir::DType::i32(), n), 0, std::move(extent), k);
}

std::vector<Expr> vars_of(const std::vector<ir::IterVar>& v) {
  std::vector<Expr> out;
  for (auto& a : v) out.push_back(a->var);
  return out;
}

Expr load(const ir::Operation& op, std::vector<Expr> idx) {
  return ir::ProducerLoad::make(op, std::move(idx));
}

}  // namespace

Built build_graph(const Recipe& r) {
  Built b;
  std::map<std::string, Expr> syms;
  auto extent = [&](const DimRef& d) -> Expr {
    const Dim& dim = r.dims.at(static_cast<size_t>(d.dim));
    if (dim.sym.empty()) return Expr(static_cast<int>(dim.value + d.offset));
    auto& v = syms[dim.sym];
    if (!v.defined())
      v = ir::Variable::make(ir::DType::i32(), dim.sym), b.symbols[dim.sym] = dim.value;
    return d.offset ? ir::Add::make(v, Expr(static_cast<int>(d.offset))) : v;
  };
  for (const Node& n : r.nodes) {
    std::vector<Expr> shape;
    for (auto& d : n.shape) shape.push_back(extent(d));
    auto opnd = [&](int k) -> const ir::Operation& {
      internal_assert(k >= 0 && k < static_cast<int>(n.operands.size()))
          << "fuzz: node " << n.name << " has no operand " << k;
      return b.ops.at(static_cast<size_t>(n.operands[static_cast<size_t>(k)]));
    };
    if (n.kind == NodeKind::Input) {
      b.ops.push_back(ir::make_placeholder(n.name, n.dtype, shape));
      b.inputs.push_back(b.ops.back());
      continue;
    }
    std::vector<ir::IterVar> axes;
    for (size_t i = 0; i < shape.size(); ++i)
      axes.push_back(new_axis(n.name + "_" + std::to_string(i), shape[i], ir::IterKind::DataPar));
    std::vector<Expr> v = vars_of(axes);
    Expr body;
    if (n.kind == NodeKind::Elementwise) {
      body = parse_expr(n.expr, [&](int k, int64_t shift, bool leading) {
        const auto& op = opnd(k);
        internal_assert(op->ndim() <= static_cast<int>(v.size()))
            << "fuzz: node " << n.name << " reads operand " << k << " of higher rank";
        std::vector<Expr> idx = leading ? std::vector<Expr>(v.begin(), v.begin() + op->ndim())
                                        : std::vector<Expr>(v.end() - op->ndim(), v.end());
        if (shift) idx.back() = ir::Add::make(idx.back(), Expr(static_cast<int>(shift)));
        return load(op, idx);
      });
    } else if (n.kind == NodeKind::Reduce) {
      const auto& a = opnd(0);
      std::vector<ir::IterVar> rv;
      std::vector<Expr> idx;
      size_t next = 0;
      for (int ax = 0; ax < a->ndim(); ++ax) {
        if (std::find(n.reduce_axes.begin(), n.reduce_axes.end(), ax) != n.reduce_axes.end()) {
          rv.push_back(new_axis(n.name + "_r" + std::to_string(ax),
                                a->shape[static_cast<size_t>(ax)], ir::IterKind::Reduce));
          idx.push_back(rv.back()->var);
        } else {
          idx.push_back(v.at(next++));
        }
      }
      Expr src = parse_expr(n.expr, [&](int, int64_t, bool) { return load(a, idx); });
      body = ir::Reduce::make(n.reduce_op, src, rv);
    } else if (n.kind == NodeKind::Matmul) {
      const auto& a = opnd(0);
      const auto& bb = opnd(1);
      auto rv = new_axis(n.name + "_k", a->shape.back(), ir::IterKind::Reduce);
      std::vector<Expr> ia(v.begin(), v.end() - 1);
      ia.push_back(rv->var);
      Expr src = parse_expr(n.expr, [&](int k, int64_t, bool) {
        return k == 0 ? load(a, ia) : load(bb, {rv->var, v.back()});
      });
      body = ir::Reduce::make(ir::ReduceOp::Sum, src, {rv});
    } else {  // Stencil
      const auto& a = opnd(0);
      std::vector<ir::IterVar> rv;
      for (int d = 0; d < n.window_dims; ++d)
        rv.push_back(
            new_axis(n.name + "_w" + std::to_string(d), Expr(n.window), ir::IterKind::Reduce));
      std::vector<Expr> ia = v;
      for (int d = 0; d < n.window_dims; ++d) {
        Expr& x = ia[ia.size() - static_cast<size_t>(n.window_dims - d)];
        x = ir::Add::make(x, rv[static_cast<size_t>(d)]->var);
      }
      Expr src = parse_expr(n.expr, [&](int k, int64_t, bool) {
        return k == 0 ? load(a, ia) : load(opnd(1), vars_of(rv));
      });
      body = ir::Reduce::make(n.reduce_op, src, rv);
    }
    internal_assert(body.type() == n.dtype) << "fuzz: node " << n.name << " is " << n.dtype.str()
                                            << " but its body is " << body.type().str();
    b.ops.push_back(ir::make_compute(n.name, axes, body));
  }
  for (int o : r.outputs) b.outputs.push_back(b.ops.at(static_cast<size_t>(o)));
  return b;
}

namespace {

Stage& stage_named(Schedule& s, const std::string& name) {
  for (auto& st : s.stages())
    if (st->name() == name) return *st;
  user_error << "fuzz: no stage '" << name << "'";
}

const ir::IterVar& leaf(const Stage& st, int64_t i) {
  const auto& l = st.leaf_axes();
  user_assert(i >= 0 && i < static_cast<int64_t>(l.size()))
      << "fuzz: stage " << st.name() << " has no leaf " << i;
  return l[static_cast<size_t>(i)];
}

ir::MemScope scope_of(int64_t a) {
  return a == 1 ? ir::MemScope::Workgroup : a == 2 ? ir::MemScope::Private : ir::MemScope::Global;
}

}  // namespace

void apply_step(Schedule& s, const Step& st) {
  const auto& a = st.args;
  auto arg = [&](size_t i) {
    user_assert(i < a.size()) << "fuzz: step " << st.op << " needs " << i + 1 << " arguments";
    return a[i];
  };
  if (st.op == "auto_schedule") {
    AutoScheduleOptions o;
    o.threads = o.injective_threads = arg(0);
    o.block = arg(1);
    // A third argument (recipes before the row cache have two): rows of up to 32 * it
    // elements kept in registers, 32 invocations per row.
    if (a.size() > 2 && a[2] > 0) o.row_threads = 32, o.row_cache = a[2];
    // A fourth: workgroups per row sharing out the cached rows (row_groups).
    if (a.size() > 3) o.row_groups = a[3];
    // A fifth: the vector width of cached rows and injective roots (1 or 4).
    if (a.size() > 4) o.row_vector = o.injective_vector = a[4];
    auto_schedule(s, o);
    return;
  }
  Stage& g = stage_named(s, st.stage);
  if (st.op == "split") {
    g.split(leaf(g, arg(0)), arg(1));
  } else if (st.op == "tile") {
    g.tile(leaf(g, arg(0)), leaf(g, arg(1)), arg(2), arg(3));
  } else if (st.op == "fuse") {
    g.fuse(leaf(g, arg(0)), leaf(g, arg(0) + 1));
  } else if (st.op == "reorder") {
    std::vector<ir::IterVar> order;
    for (auto i : a) order.push_back(leaf(g, i));
    g.reorder(order);
  } else if (st.op == "bind") {
    g.bind(leaf(g, arg(0)), arg(1) ? ir::ThreadAxis::LocalId : ir::ThreadAxis::WorkgroupId,
           static_cast<int>(arg(2)));
  } else if (st.op == "unroll") {
    g.unroll(leaf(g, arg(0)));
  } else if (st.op == "vectorize") {
    g.vectorize(leaf(g, arg(0)));
  } else if (st.op == "compute_at") {
    Stage& p = stage_named(s, st.other);
    g.compute_at(p, leaf(p, arg(0)));
  } else if (st.op == "compute_inline") {
    g.compute_inline();
  } else if (st.op == "set_scope") {
    g.set_scope(scope_of(arg(0)));
  } else if (st.op == "cache_read") {
    std::vector<ir::Operation> readers;
    std::stringstream ss(st.other);
    for (std::string n; std::getline(ss, n, ',');) readers.push_back(stage_named(s, n).op());
    s.cache_read(g.op(), scope_of(arg(0)), readers);
  } else if (st.op == "cache_write") {
    s.cache_write(g.op(), scope_of(arg(0)));
  } else if (st.op == "parallelize") {
    parallelize(s, g.op(), arg(0));
  } else {
    internal_error << "fuzz: unknown schedule step '" << st.op << "'";
  }
}

Schedule build_schedule(const Recipe& r, const Built& b, std::vector<int>* skipped) {
  Schedule s = create_schedule(b.outputs);
  for (size_t i = 0; i < r.steps.size(); ++i) {
    try {
      apply_step(s, r.steps[i]);
    } catch (const UserError&) {
      if (skipped) skipped->push_back(static_cast<int>(i));
    }
  }
  return s;
}

eval::TensorMap make_inputs(const Recipe& r, const Built& b) {
  eval::TensorMap m;
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    const Node& n = r.nodes[i];
    if (n.kind != NodeKind::Input) continue;
    std::vector<int64_t> shape;
    for (auto& d : n.shape) shape.push_back(extent_value(r, d));
    eval::HostTensor h(n.dtype, shape);
    std::mt19937_64 g(r.seed * 1000003u + i);
    std::uniform_real_distribution<double> u(-1, 1);
    std::uniform_int_distribution<int> pick(0, 9);
    for (int64_t e = 0; e < h.size(); ++e) {
      if (n.fill == "exact") {
        h.set_f(e, std::uniform_int_distribution<int>(-16, 16)(g) / 8.0);
      } else if (n.fill == "special") {
        int p = pick(g);
        double inf = std::numeric_limits<double>::infinity();
        h.set_f(e, p == 0 ? std::nan("") : p == 1 ? inf : p == 2 ? -inf : u(g));
      } else if (n.fill == "int") {
        h.set_i(e, std::uniform_int_distribution<int>(-50, 50)(g));
      } else if (n.fill == "uint") {
        h.set_i(e, std::uniform_int_distribution<int>(0, 100)(g));
      } else if (n.fill == "bool") {
        h.set_i(e, pick(g) & 1);
      } else if (n.fill == "wide") {
        h.set_i(e, n.dtype.is_uint() ? static_cast<int64_t>(static_cast<uint32_t>(g()))
                                     : static_cast<int64_t>(static_cast<int32_t>(g())));
      } else {
        h.set_f(e, u(g));
      }
    }
    m[n.name] = std::move(h);
  }
  (void)b;
  return m;
}

}  // namespace webtx::fuzz
