// codegen::plan_memory on hand-built model descriptions: chain, diamond, residual, symbolic
// sizes; every plan is also checked for its invariants (no two live tenants share a buffer,
// each buffer holds each tenant at several symbol values, peak = the sum of the buffers).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "webtx/codegen/plan_memory.hpp"
#include "webtx/error.hpp"

namespace webtx::codegen {
namespace {

using model::Extent;
using model::ExtentOp;
using model::ModelSpec;
using model::TensorRole;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Extent C(int64_t v) { return Extent::constant(v); }
Extent S(const char* n) { return Extent::sym(n); }

// A model whose kernels are given as {reads..., writes}: each kernel binds the listed tensors.
struct Builder {
  ModelSpec m;
  explicit Builder(std::vector<std::string> symbols = {}) {
    m.name = m.function = "plan";
    for (auto& s : symbols) m.symbols.push_back({s, "", -1});
  }
  Builder& tensor(const std::string& name, TensorRole role, std::vector<Extent> shape,
                  const std::string& dtype = "f32") {
    m.tensors.push_back({name, role, dtype, std::move(shape)});
    if (role == TensorRole::Input || role == TensorRole::Output) m.args.push_back(name);
    return *this;
  }
  Builder& kernel(const std::string& name, std::vector<std::string> bound) {
    model::KernelSpec k;
    k.name = name;
    for (size_t i = 0; i < bound.size(); ++i)
      k.bindings.push_back(
          {static_cast<int>(i), bound[i],
           i + 1 == bound.size() ? model::Access::ReadWrite : model::Access::Read});
    k.grid = {C(1), C(1), C(1)};
    m.kernels.push_back(std::move(k));
    return *this;
  }
};

// First and last kernel binding `t`.
std::pair<size_t, size_t> life(const ModelSpec& m, const std::string& t) {
  size_t first = m.kernels.size(), last = 0;
  for (size_t k = 0; k < m.kernels.size(); ++k)
    for (auto& b : m.kernels[k].bindings)
      if (b.tensor == t) first = std::min(first, k), last = k;
  return {first, last};
}

// The invariants of any plan of `m`, at each of `envs`.
void check_plan(const ModelSpec& m, const model::MemoryPlan& p,
                const std::vector<model::SymbolValues>& envs = {{}}) {
  for (auto& t : m.tensors) {
    const bool bound = life(m, t.name).first < m.kernels.size();
    EXPECT_EQ(p.tensors.count(t.name) == 1, t.role == TensorRole::Intermediate && bound)
        << "tensor " << t.name;
  }
  for (auto& [a, ba] : p.tensors) {
    for (auto& [b, bb] : p.tensors) {
      if (a >= b || ba != bb) continue;
      auto la = life(m, a), lb = life(m, b);
      EXPECT_TRUE(la.second < lb.first || lb.second < la.first)
          << a << " and " << b << " share buffer " << ba << " while both live";
    }
  }
  for (auto& env : envs) {
    int64_t sum = 0;
    for (size_t b = 0; b < p.buffers.size(); ++b) {
      const int64_t have = model::evaluate(p.buffers[b], env);
      sum += have;
      EXPECT_FALSE(p.tenants(static_cast<int>(b)).empty()) << "buffer " << b << " is unused";
      for (auto& t : p.tenants(static_cast<int>(b)))
        EXPECT_GE(have, model::evaluate(tensor_bytes(*m.tensor(t)), env)) << t << " in " << b;
    }
    EXPECT_EQ(model::evaluate(p.peak_bytes, env), sum);
  }
  ModelSpec with_plan = m;
  with_plan.memory = p;
  EXPECT_NO_THROW(model::validate(with_plan));
}

TEST(PlanMemory, ChainAlternatesTwoBuffers) {
  Builder b;
  b.tensor("x", TensorRole::Input, {C(64)})
      .tensor("y", TensorRole::Output, {C(64)})
      .tensor("a", TensorRole::Intermediate, {C(64)})
      .tensor("b", TensorRole::Intermediate, {C(64)})
      .tensor("c", TensorRole::Intermediate, {C(64)})
      .tensor("d", TensorRole::Intermediate, {C(64)})
      .kernel("k0", {"x", "a"})
      .kernel("k1", {"a", "b"})
      .kernel("k2", {"b", "c"})
      .kernel("k3", {"c", "d"})
      .kernel("k4", {"d", "y"});
  auto p = plan_memory(b.m);
  check_plan(b.m, p);
  EXPECT_EQ(p.buffers.size(), 2u);
  EXPECT_EQ(p.tensors.at("a"), p.tensors.at("c"));
  EXPECT_EQ(p.tensors.at("b"), p.tensors.at("d"));
  EXPECT_NE(p.tensors.at("a"), p.tensors.at("b"));
  EXPECT_EQ(p.peak_bytes, C(2 * 64 * 4));  // constant shapes fold to a constant
}

TEST(PlanMemory, DiamondKeepsBothBranchesApart) {
  Builder b;
  b.tensor("x", TensorRole::Input, {C(16)})
      .tensor("y", TensorRole::Output, {C(16)})
      .tensor("a", TensorRole::Intermediate, {C(16)})
      .tensor("l", TensorRole::Intermediate, {C(16)})
      .tensor("r", TensorRole::Intermediate, {C(16)})
      .tensor("j", TensorRole::Intermediate, {C(16)})
      .kernel("split", {"x", "a"})
      .kernel("left", {"a", "l"})
      .kernel("right", {"a", "r"})
      .kernel("join", {"l", "r", "j"})
      .kernel("out", {"j", "y"});
  auto p = plan_memory(b.m);
  check_plan(b.m, p);
  // a, l, r are live together at 'right'; j reuses a (dead after 'right').
  EXPECT_EQ(p.buffers.size(), 3u);
  EXPECT_EQ(p.tensors.at("j"), p.tensors.at("a"));
  EXPECT_EQ(model::evaluate(p.peak_bytes, {}), 3 * 64);
}

TEST(PlanMemory, ResidualKeepsTheSkipAlive) {
  Builder b({"n"});
  b.tensor("x", TensorRole::Input, {S("n"), C(8)})
      .tensor("y", TensorRole::Output, {S("n"), C(8)})
      .tensor("skip", TensorRole::Intermediate, {S("n"), C(8)})
      .tensor("h1", TensorRole::Intermediate, {S("n"), C(8)})
      .tensor("h2", TensorRole::Intermediate, {S("n"), C(8)})
      .tensor("sum", TensorRole::Intermediate, {S("n"), C(8)})
      .kernel("stem", {"x", "skip"})
      .kernel("conv1", {"skip", "h1"})
      .kernel("conv2", {"h1", "h2"})
      .kernel("add", {"skip", "h2", "sum"})
      .kernel("head", {"sum", "y"});
  auto p = plan_memory(b.m);
  check_plan(b.m, p, {{{"n", 1}}, {{"n", 5}}});
  EXPECT_EQ(p.buffers.size(), 3u);
  EXPECT_EQ(p.tensors.at("sum"), p.tensors.at("h1"));  // h1 died at conv2
  EXPECT_NE(p.tensors.at("skip"), p.tensors.at("h1"));
  EXPECT_NE(p.tensors.at("skip"), p.tensors.at("h2"));
  EXPECT_EQ(model::evaluate(p.peak_bytes, {{"n", 5}}), 3 * 5 * 8 * 4);
}

TEST(PlanMemory, SymbolicSizesTakeTheMaxOfTheTenants) {
  Builder b({"batch", "k"});
  b.tensor("x", TensorRole::Input, {S("batch"), S("k")})
      .tensor("y", TensorRole::Output, {S("batch"), C(10)})
      .tensor("wide", TensorRole::Intermediate, {S("batch"), C(256)})
      .tensor("mid", TensorRole::Intermediate, {S("batch"), S("k")})
      .tensor("narrow", TensorRole::Intermediate, {S("batch"), C(64)})
      .tensor("half", TensorRole::Intermediate, {S("k")}, "f16")
      .kernel("k0", {"x", "wide"})
      .kernel("k1", {"wide", "mid"})
      .kernel("k2", {"mid", "narrow"})
      .kernel("k3", {"narrow", "half"})
      .kernel("k4", {"half", "y"});
  auto p = plan_memory(b.m);
  check_plan(b.m, p,
             {{{"batch", 1}, {"k", 1}},
              {{"batch", 3}, {"k", 1000}},
              {{"batch", 8}, {"k", 7}},
              {{"batch", 0}, {"k", 0}}});
  EXPECT_EQ(p.buffers.size(), 2u);
  // wide -> mid -> narrow -> half: alternate between two buffers, each sized as a symbolic max.
  const int even = p.tensors.at("wide"), odd = p.tensors.at("mid");
  EXPECT_NE(even, odd);
  EXPECT_EQ(p.tensors.at("narrow"), even);
  EXPECT_EQ(p.tensors.at("half"), odd);
  EXPECT_EQ(model::evaluate(p.buffers[odd], {{"batch", 2}, {"k", 1001}}), 2 * 1001 * 4);
  EXPECT_EQ(model::evaluate(p.buffers[odd], {{"batch", 0}, {"k", 1001}}), (1001 * 2 + 3) / 4 * 4);
  EXPECT_EQ(model::evaluate(p.peak_bytes, {{"batch", 3}, {"k", 1000}}), 3 * 256 * 4 + 3 * 1000 * 4);
  // f16 sizes round up to 4 bytes: 3 halves take 8.
  EXPECT_EQ(model::evaluate(tensor_bytes(*b.m.tensor("half")), {{"k", 3}}), 8);
}

// MobileNetV2's activations (torchvision, width 1.0, 224x224, batch symbolic; conv+BN+ReLU6
// fused into one kernel per conv, the residual add fused into the projection): the plan's peak
// stays within 1.5x the largest working set of one kernel (its intermediate inputs + output),
// the issue-10 target, and far below the sum of all intermediates. (Measured: 4 buffers, peak
// 7.7 MB at batch 1 = 1.28x the largest pair, 6.0 MB; sum 26.7 MB.)
TEST(PlanMemory, MobileNetV2StaysNearTheLargestLivePair) {
  Builder b({"batch"});
  int n = 0;
  auto act = [&](int64_t c, int64_t hw) {
    const std::string name = "a" + std::to_string(n++);
    b.tensor(name, TensorRole::Intermediate, {S("batch"), C(c), C(hw), C(hw)});
    return name;
  };
  b.tensor("image", TensorRole::Input, {S("batch"), C(3), C(224), C(224)});
  b.tensor("logits", TensorRole::Output, {S("batch"), C(1000)});
  std::string x = act(32, 112);
  b.kernel("stem", {"image", x});
  int64_t c = 32, hw = 112;
  const int blocks[][4] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                           {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  for (auto& [t, out, reps, stride] : blocks) {
    for (int r = 0; r < reps; ++r) {
      const int64_t s = r == 0 ? stride : 1;
      std::string h = x;
      if (t != 1) b.kernel("expand" + std::to_string(n), {x, h = act(c * t, hw)});
      const std::string d = act(c * t, hw / s);
      b.kernel("dw" + std::to_string(n), {h, d});
      const std::string y = act(out, hw / s);
      if (s == 1 && c == out)
        b.kernel("project_add" + std::to_string(n), {d, x, y});
      else
        b.kernel("project" + std::to_string(n), {d, y});
      x = y, c = out, hw /= s;
    }
  }
  const std::string head = act(1280, 7), pooled = act(1280, 1);
  b.kernel("head", {x, head});
  b.kernel("pool", {head, pooled});
  b.kernel("fc", {pooled, "logits"});

  auto p = plan_memory(b.m);
  const model::SymbolValues env{{"batch", 1}};
  check_plan(b.m, p, {env, {{"batch", 8}}});
  int64_t sum = 0, pair = 0, live = 0;
  for (auto& t : b.m.tensors)
    if (t.role == TensorRole::Intermediate) sum += model::evaluate(tensor_bytes(t), env);
  for (size_t k = 0; k < b.m.kernels.size(); ++k) {
    int64_t bytes = 0, alive = 0;  // intermediates kernel k binds; all live at k (a lower bound)
    for (auto& bd : b.m.kernels[k].bindings)
      if (b.m.tensor(bd.tensor)->role == TensorRole::Intermediate)
        bytes += model::evaluate(tensor_bytes(*b.m.tensor(bd.tensor)), env);
    for (auto& t : b.m.tensors) {
      auto [first, last] = life(b.m, t.name);
      if (t.role == TensorRole::Intermediate && first <= k && k <= last)
        alive += model::evaluate(tensor_bytes(t), env);
    }
    pair = std::max(pair, bytes);
    live = std::max(live, alive);
  }
  const int64_t peak = model::evaluate(p.peak_bytes, env);
  std::cout << "MobileNetV2 at batch 1: " << b.m.tensors.size() - 2 << " intermediates, "
            << p.buffers.size() << " planned buffers, peak " << peak << " B, largest pair " << pair
            << " B (" << static_cast<double>(peak) / pair << "x), largest live set " << live
            << " B, sum " << sum << " B\n";
  EXPECT_LE(peak, pair * 3 / 2);
  EXPECT_LT(peak * 3, sum);
}

TEST(PlanMemory, PlansOnlyIntermediatesThatKernelsBind) {
  Builder b;
  b.tensor("x", TensorRole::Input, {C(4)})
      .tensor("y", TensorRole::Output, {C(4)})
      .tensor("unused", TensorRole::Intermediate, {C(4)})
      .tensor("t", TensorRole::Intermediate, {C(4)})
      .kernel("k0", {"x", "t"})
      .kernel("k1", {"t", "y"});
  auto p = plan_memory(b.m);
  check_plan(b.m, p);
  EXPECT_THAT(p.tenants(0), ElementsAre("t"));
  EXPECT_EQ(p.tensors.count("unused"), 0u);

  Builder none;  // no intermediates: an empty plan, peak 0
  none.tensor("x", TensorRole::Input, {C(4)}).tensor("y", TensorRole::Output, {C(4)});
  none.kernel("k", {"x", "y"});
  auto q = plan_memory(none.m);
  EXPECT_TRUE(q.buffers.empty());
  EXPECT_EQ(q.peak_bytes, C(0));
}

TEST(PlanMemory, RoundTripsThroughJsonAndIsValidated) {
  Builder b({"n"});
  b.tensor("x", TensorRole::Input, {S("n")})
      .tensor("y", TensorRole::Output, {S("n")})
      .tensor("t", TensorRole::Intermediate, {S("n")})
      .kernel("k0", {"x", "t"})
      .kernel("k1", {"t", "y"});
  b.m.symbols[0] = {"n", "x", 0};
  b.m.memory = plan_memory(b.m);
  const std::string json = model::to_json(b.m);
  EXPECT_THAT(json, HasSubstr("\"memory\""));
  ModelSpec back = model::from_json(json);
  EXPECT_EQ(back.memory.buffers, b.m.memory.buffers);
  EXPECT_EQ(back.memory.tensors, b.m.memory.tensors);
  EXPECT_EQ(back.memory.peak_bytes, b.m.memory.peak_bytes);

  ModelSpec bad = b.m;
  bad.memory.tensors["x"] = 0;
  try {
    model::validate(bad);
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the memory plan places 'x', which is not an intermediate"));
  }
  bad = b.m;
  bad.memory.tensors["t"] = 3;
  try {
    model::validate(bad);
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), HasSubstr("places 't' in buffer 3 of 1"));
  }
}

}  // namespace
}  // namespace webtx::codegen
