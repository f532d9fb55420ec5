#pragma once
// Shared by the op tests: random inputs, conversion between the loop references' tensors and
// the evaluators' HostTensor, and the comparisons (evaluate_graph vs the loop reference; the
// default-scheduled program under run_program vs evaluate_graph).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "reference_ops.hpp"
#include "webtx/eval.hpp"
#include "webtx/lower.hpp"
#include "webtx/ops.hpp"
#include "webtx/schedule.hpp"

namespace webtx::ops::testing {

inline ref::Tensor random(std::vector<int64_t> shape, unsigned seed, float lo = -1.0f,
                          float hi = 1.0f) {
  ref::Tensor t(std::move(shape));
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  for (auto& v : t.data) v = d(g);
  return t;
}

inline eval::HostTensor to_host(const ref::Tensor& t) {
  return eval::HostTensor::from_floats(t.shape, t.data);
}

// Element-wise |got - want| <= tol * (1 + |want|); reports the first few misses.
inline void expect_close(const eval::HostTensor& got, const ref::Tensor& want,
                         const std::string& what, double tol = 1e-5) {
  ASSERT_EQ(got.shape, want.shape) << what;
  int bad = 0;
  for (int64_t i = 0; i < got.size(); ++i) {
    double g = got.get_f(i), w = want.data[i];
    if (std::isnan(g) && std::isnan(w)) continue;  // NaN where the semantics say NaN
    if (!(std::abs(g - w) <= tol * (1 + std::abs(w))) && ++bad <= 5)
      ADD_FAILURE() << what << "[" << i << "]: got " << g << ", want " << w;
  }
  EXPECT_EQ(bad, 0) << what << ": " << bad << " of " << got.size() << " elements differ";
}

inline ref::Tensor from_host(const eval::HostTensor& h) {
  ref::Tensor t(h.shape);
  for (int64_t i = 0; i < h.size(); ++i) t.data[i] = static_cast<float>(h.get_f(i));
  return t;
}

// One op graph under test: its inputs (placeholders with values) and its output.
struct Case {
  std::vector<ir::Operation> inputs;
  eval::TensorMap values;
  eval::SymbolMap symbols;

  template <typename T, std::size_t R>
  Tensor<T, R> input(const std::string& name, const Extent (&shape)[R], const ref::Tensor& v) {
    auto t = placeholder<T>(name, shape);
    inputs.push_back(t.op());
    // In the placeholder's dtype: an f16 input holds the values rounded to half.
    values[name] = eval::HostTensor::from_floats(v.shape, v.data, t.op()->type);
    return t;
  }

  // What lower_model does without a user schedule: one invocation per element of every stage.
  ir::Program lower_default(const ir::Operation& out, const Target& target = {}) const {
    Schedule s({out});
    parallelize_unscheduled(s);
    LowerOptions lo;
    lo.target = target;
    return lower(s, "ops_test", inputs, {out}, lo);
  }

  // evaluate_graph against the loop reference, then the default schedule (what lower_model
  // does without a user schedule) under run_program against evaluate_graph.
  void check(const ir::Operation& out, const ref::Tensor& want, double tol = 1e-5) {
    auto graph = eval::evaluate_graph({out}, values, symbols).at(out->name);
    expect_close(graph, want, out->name + " (evaluate_graph vs loop reference)", tol);
    ir::Program p = lower_default(out);
    auto prog = eval::run_program(p, values, symbols).at(out->name);
    expect_close(prog, from_host(graph), out->name + " (run_program vs evaluate_graph)", tol);
    auto autop = eval::run_program(lower_auto(out), values, symbols).at(out->name);
    expect_close(autop, from_host(graph), out->name + " (auto_schedule vs evaluate_graph)", tol);
  }

  // What lower_model does: auto_schedule (fusion and the rules).
  ir::Program lower_auto(const ir::Operation& out, const Target& target = {}) const {
    Schedule s({out});
    auto_schedule(s);
    LowerOptions lo;
    lo.target = target;
    return lower(s, "ops_test", inputs, {out}, lo);
  }
};

// The reduction axes of a compute's body (empty when it is not a reduction).
inline std::vector<std::string> reduce_axes(const ir::Operation& op) {
  std::vector<std::string> names;
  if (auto* r = op->body.as<ir::Reduce>())
    for (auto& a : r->axes) names.push_back(a->var.as<ir::Variable>()->name);
  return names;
}

}  // namespace webtx::ops::testing
