#pragma once
// Helpers that build operation graphs directly on the untyped ir:: API, and compare a lowered
// program's results (run_program) with the unscheduled graph (evaluate_graph).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "webtx/eval.hpp"
#include "webtx/lower.hpp"
#include "webtx/schedule.hpp"

// Expects `stmt` to throw a UserError whose message matches `matcher` (gmock).
#define EXPECT_USER_ERROR(stmt, matcher)                    \
  do {                                                      \
    try {                                                   \
      stmt;                                                 \
      ADD_FAILURE() << "expected a UserError from: " #stmt; \
    } catch (const UserError& e) {                          \
      EXPECT_THAT(std::string(e.what()), matcher);          \
    }                                                       \
  } while (0)

namespace webtx::testing {

using ir::Expr;
using Vars = std::vector<Expr>;

inline Expr sym(const std::string& n) { return ir::Variable::make(ir::DType::i32(), n); }

inline ir::Operation placeholder(const std::string& n, std::vector<Expr> shape,
                                 ir::DType t = ir::DType::f32()) {
  return ir::make_placeholder(n, t, std::move(shape));
}

inline ir::Operation compute(const std::string& name, std::vector<Expr> shape,
                             const std::function<Expr(const Vars&)>& f,
                             std::vector<std::string> axis_names = {}) {
  std::vector<ir::IterVar> axes;
  Vars vars;
  for (size_t i = 0; i < shape.size(); ++i) {
    std::string n = i < axis_names.size() ? axis_names[i] : std::string(1, "ijklmn"[i]);
    auto v = ir::Variable::make(ir::DType::i32(), n);
    axes.push_back(ir::make_iter_var(v, 0, shape[i], ir::IterKind::DataPar));
    vars.push_back(v);
  }
  return ir::make_compute(name, axes, f(vars));
}

inline ir::IterVar reduce_axis(Expr extent, const std::string& n, Expr min = 0) {
  return ir::make_iter_var(ir::Variable::make(ir::DType::i32(), n), min, extent,
                           ir::IterKind::Reduce);
}

inline Expr at(const ir::Operation& op, Vars idx) {
  return ir::ProducerLoad::make(op, std::move(idx));
}
inline Expr sum(Expr src, std::vector<ir::IterVar> axes) {
  return ir::Reduce::make(ir::ReduceOp::Sum, std::move(src), std::move(axes));
}
inline Expr rmax(Expr src, std::vector<ir::IterVar> axes) {
  return ir::Reduce::make(ir::ReduceOp::Max, std::move(src), std::move(axes));
}

inline eval::HostTensor random_tensor(std::vector<int64_t> shape, unsigned seed,
                                      ir::DType t = ir::DType::f32()) {
  eval::HostTensor h(t, std::move(shape));
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::uniform_int_distribution<int> di(-50, 50);
  for (int64_t i = 0; i < h.size(); ++i) t.is_float() ? h.set_f(i, d(g)) : h.set_i(i, di(g));
  return h;
}

inline void expect_close(const eval::HostTensor& got, const eval::HostTensor& want,
                         const std::string& what, double tol = 1e-5) {
  ASSERT_EQ(got.shape, want.shape) << what;
  ASSERT_EQ(got.dtype, want.dtype) << what;
  int bad = 0;
  for (int64_t i = 0; i < got.size(); ++i) {
    double g = got.get_f(i), w = want.get_f(i);
    bool ok = std::abs(g - w) <= tol * (1 + std::abs(w));
    if (!ok && ++bad <= 5) ADD_FAILURE() << what << "[" << i << "]: got " << g << ", want " << w;
  }
  EXPECT_EQ(bad, 0) << what << ": " << bad << " of " << got.size() << " elements differ";
}

// Lowers `s` for `target` and checks run_program against evaluate_graph for every output.
inline ir::Program check_schedule(const Schedule& s, const std::vector<ir::Operation>& inputs,
                                  const std::vector<ir::Operation>& outputs,
                                  const eval::TensorMap& values, const eval::SymbolMap& syms = {},
                                  double tol = 1e-5, const Target& target = {}) {
  LowerOptions lo;
  lo.target = target;
  ir::Program p = lower(s, "test", inputs, outputs, lo);
  auto got = eval::run_program(p, values, syms);
  auto want = eval::evaluate_graph(outputs, values, syms);
  for (auto& o : outputs) expect_close(got.at(o->name), want.at(o->name), o->name, tol);
  return p;
}

// Row-wise softmax of A [n, 11] as four stages: mx (row max), e = exp(A - mx), sm (row sum of
// e), softmax = e / sm.
struct SoftmaxGraph {
  ir::Operation a, mx, e, sm, out;
};
inline SoftmaxGraph softmax_graph(Expr n) {
  SoftmaxGraph g;
  g.a = placeholder("A", {n, 11});
  auto k1 = reduce_axis(11, "k1"), k2 = reduce_axis(11, "k2");
  g.mx = compute("mx", {n}, [&](const Vars& v) { return rmax(at(g.a, {v[0], k1->var}), {k1}); });
  g.e = compute("e", {n, 11}, [&](const Vars& v) {
    return ir::Call::make(ir::Intrinsic::Exp,
                          {ir::Sub::make(at(g.a, {v[0], v[1]}), at(g.mx, {v[0]}))});
  });
  g.sm = compute("sm", {n}, [&](const Vars& v) { return sum(at(g.e, {v[0], k2->var}), {k2}); });
  g.out = compute("softmax", {n, 11}, [&](const Vars& v) {
    return ir::Div::make(at(g.e, {v[0], v[1]}), at(g.sm, {v[0]}));
  });
  return g;
}

inline std::string kernel_text(const ir::Program& p, size_t i = 0) {
  return ir::to_string(p.kernels.at(i));
}

// C = A·B with a workgroup per 8x8 tile of C; each K step of 4 stages an 8x4 tile of A and a
// 4x8 tile of B in workgroup memory, fetched cooperatively by the 64 invocations.
inline void schedule_shared_matmul(Schedule& s, const ir::Operation& a, const ir::Operation& b,
                                   const ir::Operation& c) {
  auto& aa = s.cache_read(a, ir::MemScope::Workgroup, {c});
  auto& bb = s.cache_read(b, ir::MemScope::Workgroup, {c});
  auto& st = s[c];
  auto t = st.tile(st.axis(0), st.axis(1), 8, 8);
  st.bind(t.xo, ir::ThreadAxis::WorkgroupId, 1).bind(t.yo, ir::ThreadAxis::WorkgroupId, 0);
  st.bind(t.xi, ir::ThreadAxis::LocalId, 1).bind(t.yi, ir::ThreadAxis::LocalId, 0);
  auto [ko, ki] = st.split(st.reduce_axis(0), 4);
  st.unroll(ki);
  for (Stage* cache : {&aa, &bb}) {
    cache->compute_at(st, ko);
    auto f = cache->fuse(cache->axis(0), cache->axis(1));
    auto [fo, fi] = cache->split(f, 8);
    cache->bind(fi, ir::ThreadAxis::LocalId, 0).bind(fo, ir::ThreadAxis::LocalId, 1);
  }
}

// The output loops of a register-blocked C = A·B (stage `st`, C's own or its copy after
// cache_write): a workgroup per 8x8 tile of C, each of its 4x4 invocations a 2x2 block.
// Returns the invocation loops (local_id.y, local_id.x) and the block's loops, outer first.
struct RegisterBlocks {
  ir::IterVar it, jt, ir, jr;
};
inline RegisterBlocks register_blocks(Stage& st) {
  auto t = st.tile(st.axis(0), st.axis(1), 8, 8);
  auto [it, ir_] = st.split(t.xi, 2);
  auto [jt, jr] = st.split(t.yi, 2);
  st.reorder({it, jt, ir_, jr});
  st.bind(t.xo, ir::ThreadAxis::WorkgroupId, 1).bind(t.yo, ir::ThreadAxis::WorkgroupId, 0);
  st.bind(it, ir::ThreadAxis::LocalId, 1).bind(jt, ir::ThreadAxis::LocalId, 0);
  return {it, jt, ir_, jr};
}

}  // namespace webtx::testing
