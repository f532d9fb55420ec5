#pragma once
// Evaluates one scalar expression with GPU semantics: f32 arithmetic rounded to float, f16
// rounded to half after each operation, i32/u32 wrapping, truncating integer division (x / 0
// gives x, as WGSL defines), bools as 0/1. Variables, memory and thread indices come from a
// context object:
//   Value var(const ir::Variable&), Value load(const ir::Load&, int64_t index),
//   Value producer_load(const ir::ProducerLoad&, const std::vector<int64_t>&),
//   int64_t thread(ir::ThreadAxis, int dim), Value reduce(const ir::Reduce&),
//   Value subgroup(const ir::Subgroup&) (optional: for lowered kernels' subgroup operations),
//   Value vector_lane(const ir::VectorLane&) (optional: lowered kernels' vectorized code),
//   static constexpr bool kLazySelect (the graph reference evaluates only the chosen side).
#include <cmath>
#include <vector>

#include "webtx/eval/host_tensor.hpp"

namespace webtx::eval {

// A scalar: ints and bools in i, floats in f (type known from the expression).
struct Value {
  int64_t i = 0;
  double f = 0;
  static Value of_int(int64_t v) { return {v, 0}; }
  static Value of_float(double v) { return {0, v}; }
};

inline Value normalize(ir::DType t, double f) {
  if (t.bits == 16) return Value::of_float(round_half(static_cast<float>(f)));
  return Value::of_float(static_cast<float>(f));
}
inline int64_t wrap(ir::DType t, int64_t v) {
  if (t.is_bool()) return v != 0;
  if (t.is_uint()) return static_cast<uint32_t>(v);
  return static_cast<int32_t>(static_cast<uint32_t>(v));
}

template <typename Ctx>
Value eval_expr(const ir::Expr& e, Ctx& ctx) {
  using namespace ir;
  const DType t = e.type();
  auto rec = [&](const Expr& x) { return eval_expr(x, ctx); };
  switch (e.kind()) {
    case ExprKind::IntImm:
      return Value::of_int(e.as<IntImm>()->value);
    case ExprKind::FloatImm:
      return normalize(t, e.as<FloatImm>()->value);
    case ExprKind::Variable:
      return ctx.var(*e.as<Variable>());
    case ExprKind::ThreadIndex: {
      auto* ti = e.as<ThreadIndex>();
      return Value::of_int(ctx.thread(ti->axis, ti->dim));
    }
#define WEBTX_X(n) case ExprKind::n:
      WEBTX_FOR_EACH_ARITH_EXPR(WEBTX_X)
#undef WEBTX_X
      {
        auto* n = e.as_binary();
        Value a = rec(n->a), b = rec(n->b);
        if (t.is_float()) {
          double x = a.f, y = b.f, r = 0;
          switch (e.kind()) {
            case ExprKind::Add:
              r = x + y;
              break;
            case ExprKind::Sub:
              r = x - y;
              break;
            case ExprKind::Mul:
              r = x * y;
              break;
            case ExprKind::Div:
              r = x / y;
              break;
            case ExprKind::Mod:
              r = x - y * std::trunc(static_cast<float>(x / y));
              break;
            case ExprKind::Min:
              r = std::fmin(x, y);
              break;
            default:
              r = std::fmax(x, y);
              break;
          }
          return normalize(t, r);
        }
        int64_t x = a.i, y = b.i, r = 0;
        if (t.is_uint()) x = static_cast<uint32_t>(x), y = static_cast<uint32_t>(y);
        switch (e.kind()) {
          case ExprKind::Add:
            r = x + y;
            break;
          case ExprKind::Sub:
            r = x - y;
            break;
          case ExprKind::Mul:
            r = static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
            break;
          case ExprKind::Div:
            r = y == 0 ? x : x / y;
            break;
          case ExprKind::Mod:
            r = y == 0 ? 0 : x % y;
            break;
          case ExprKind::Min:
            r = std::min(x, y);
            break;
          default:
            r = std::max(x, y);
            break;
        }
        return Value::of_int(wrap(t, r));
      }
#define WEBTX_X(n) case ExprKind::n:
      WEBTX_FOR_EACH_CMP_EXPR(WEBTX_X)
#undef WEBTX_X
      {
        auto* n = e.as_binary();
        Value a = rec(n->a), b = rec(n->b);
        bool fl = n->a.type().is_float();
        double x = fl ? a.f : static_cast<double>(a.i), y = fl ? b.f : static_cast<double>(b.i);
        bool r = false;
        switch (e.kind()) {
          case ExprKind::EQ:
            r = x == y;
            break;
          case ExprKind::NE:
            r = x != y;
            break;
          case ExprKind::LT:
            r = x < y;
            break;
          case ExprKind::LE:
            r = x <= y;
            break;
          case ExprKind::GT:
            r = x > y;
            break;
          default:
            r = x >= y;
            break;
        }
        return Value::of_int(r);
      }
    case ExprKind::And:
      return Value::of_int(rec(e.as<And>()->a).i && rec(e.as<And>()->b).i);
    case ExprKind::Or:
      return Value::of_int(rec(e.as<Or>()->a).i || rec(e.as<Or>()->b).i);
    case ExprKind::Not:
      return Value::of_int(!rec(e.as<Not>()->a).i);
    case ExprKind::Select: {
      auto* s = e.as<Select>();
      Value c = rec(s->cond);
      if constexpr (Ctx::kLazySelect) return c.i ? rec(s->t) : rec(s->f);
      Value a = rec(s->t), b = rec(s->f);  // both sides evaluated, as on GPUs
      return c.i ? a : b;
    }
    case ExprKind::Cast: {
      auto* c = e.as<Cast>();
      Value v = rec(c->value);
      DType from = c->value.type();
      if (t.is_float()) return normalize(t, from.is_float() ? v.f : static_cast<double>(v.i));
      if (t.is_bool()) return Value::of_int(from.is_float() ? v.f != 0 : v.i != 0);
      if (from.is_float()) {
        double x = std::trunc(v.f);
        double lo = t.is_uint() ? 0.0 : -2147483648.0,
               hi = t.is_uint() ? 4294967295.0 : 2147483647.0;
        x = std::isnan(x) ? 0 : std::min(std::max(x, lo), hi);
        return Value::of_int(static_cast<int64_t>(x));
      }
      return Value::of_int(wrap(t, v.i));
    }
    case ExprKind::Call: {
      auto* c = e.as<Call>();
      Value a = rec(c->args[0]);
      if (t.is_integer()) return Value::of_int(wrap(t, a.i < 0 ? -a.i : a.i));  // abs
      double x = a.f, r = 0;
      switch (c->func) {
        case Intrinsic::Exp:
          r = std::exp(static_cast<float>(x));
          break;
        case Intrinsic::Log:
          r = std::log(static_cast<float>(x));
          break;
        case Intrinsic::Sqrt:
          r = std::sqrt(static_cast<float>(x));
          break;
        case Intrinsic::Rsqrt:
          r = 1.0f / std::sqrt(static_cast<float>(x));
          break;
        case Intrinsic::Tanh:
          r = std::tanh(static_cast<float>(x));
          break;
        case Intrinsic::Erf:
          r = std::erf(static_cast<float>(x));
          break;
        case Intrinsic::Pow:
          r = std::pow(static_cast<float>(x), static_cast<float>(rec(c->args[1]).f));
          break;
        case Intrinsic::Abs:
          r = std::fabs(x);
          break;
        case Intrinsic::Floor:
          r = std::floor(x);
          break;
        case Intrinsic::Ceil:
          r = std::ceil(x);
          break;
        case Intrinsic::Sin:
          r = std::sin(static_cast<float>(x));
          break;
        case Intrinsic::Cos:
          r = std::cos(static_cast<float>(x));
          break;
        case Intrinsic::Sigmoid:
          r = 1.0f / (1.0f + std::exp(-static_cast<float>(x)));
          break;
      }
      return normalize(t, r);
    }
    case ExprKind::Load: {
      auto* l = e.as<Load>();
      return ctx.load(*l, rec(l->index).i);
    }
    case ExprKind::ProducerLoad: {
      auto* p = e.as<ProducerLoad>();
      std::vector<int64_t> idx;
      for (auto& i : p->indices) idx.push_back(rec(i).i);
      return ctx.producer_load(*p, idx);
    }
    case ExprKind::Reduce:
      return ctx.reduce(*e.as<Reduce>());
    case ExprKind::Subgroup:
      // Only an evaluator of whole workgroups (run_program) has subgroups.
      if constexpr (requires(const Subgroup& s) { ctx.subgroup(s); }) {
        return ctx.subgroup(*e.as<Subgroup>());
      } else {
        internal_error << "a subgroup operation outside a lowered kernel";
        return {};
      }
    case ExprKind::VectorLane:
      // Only an evaluator of lowered kernels (run_program) binds vector loads.
      if constexpr (requires(const VectorLane& v) { ctx.vector_lane(v); }) {
        return ctx.vector_lane(*e.as<VectorLane>());
      } else {
        internal_error << "a vector lane outside a lowered kernel";
        return {};
      }
    case ExprKind::MakeVector:
      internal_error << "a vector built outside a vector store";
      return {};
  }
  internal_error << "eval_expr: unknown node";
  return {};
}

// Host tensor element <-> Value.
inline Value read_element(const HostTensor& h, int64_t i) {
  return h.dtype.is_float() ? Value::of_float(h.get_f(i)) : Value::of_int(h.get_i(i));
}
inline void write_element(HostTensor& h, int64_t i, const Value& v) {
  h.dtype.is_float() ? h.set_f(i, v.f) : h.set_i(i, v.i);
}

}  // namespace webtx::eval
