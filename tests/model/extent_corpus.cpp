// Writes the corpus both extent evaluators must agree on: extents (hand-picked edge cases and
// random trees over + - * / % min max) with symbol values, and the C++ evaluator's result or
// error for each. extent_corpus_test.mjs evaluates the same with web/src/model_spec.js.
// Also writes a sample model description for the JS parser's test.
// usage: extent_corpus <corpus.json> <model_spec.json>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "webtx/error.hpp"
#include "webtx/model/model_spec.hpp"

using namespace webtx::model;
using nlohmann::ordered_json;

namespace {

const int64_t kInteresting[] = {
    0,          1,          -1,  2,     -2,    3,      -3,         7,
    -7,         16,         255, 65535, 65536, -65536, 2147483647, -2147483648LL,
    2147483646, -2147483647};

Extent random_extent(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> pick(0, 9);
  const int k = pick(rng);
  if (depth == 0 || k < 3) {
    if (k % 2) return Extent::sym(std::string(1, "abc"[rng() % 3]));
    return Extent::constant(kInteresting[rng() % std::size(kInteresting)]);
  }
  const ExtentOp ops[] = {ExtentOp::Add, ExtentOp::Sub, ExtentOp::Mul, ExtentOp::Div,
                          ExtentOp::Mod, ExtentOp::Min, ExtentOp::Max};
  return Extent::binary(ops[rng() % 7], random_extent(rng, depth - 1),
                        random_extent(rng, depth - 1));
}

ordered_json entry(const Extent& e, const SymbolValues& s) {
  ordered_json j = {
      {"extent", ordered_json::parse(to_json(e))}, {"symbols", s}, {"text", to_string(e)}};
  try {
    j["value"] = evaluate(e, s);
  } catch (const webtx::UserError& err) {
    j["error"] = std::string(err.what()).find("division by zero") != std::string::npos
                     ? "division by zero"
                     : "unbound symbol";
  }
  return j;
}

ModelSpec sample_spec() {
  auto S = [](const char* n) { return Extent::sym(n); };
  auto C = [](int64_t v) { return Extent::constant(v); };
  ModelSpec m;
  m.name = m.function = "sample";
  m.generator = "webtx test";
  m.features = {"shader-f16"};
  m.limits = {{"maxComputeInvocationsPerWorkgroup", 256}, {"maxComputeWorkgroupStorageSize", 4096}};
  m.symbols = {{"batch", "x", 0}, {"k", "", -1}};
  m.tensors = {
      {"x", TensorRole::Input, "f16", {S("batch"), C(4)}},
      {"y", TensorRole::Output, "f32", {Extent::binary(ExtentOp::Add, S("batch"), C(1)), S("k")}},
      {"t", TensorRole::Intermediate, "u32", {Extent::binary(ExtentOp::Min, S("batch"), S("k"))}}};
  m.args = {"x", "y"};
  KernelSpec k;
  k.name = "step";
  k.wgsl = "@compute @workgroup_size(64) fn main() {}";
  k.spirv = "sample_0_step.spv";
  k.workgroup_size = {64, 1, 1};
  k.workgroup_bytes = 4096;
  k.bindings = {{0, "x", Access::Read}, {1, "t", Access::ReadWrite}, {2, "y", Access::ReadWrite}};
  k.uniforms = {"batch", "k"};
  k.uniform_binding = 3;
  k.grid = {Extent::binary(ExtentOp::Div, Extent::binary(ExtentOp::Add, S("batch"), C(63)), C(64)),
            S("k"), C(1)};
  k.features = {"shader-f16"};
  m.kernels = {k};
  const Extent t_bytes = Extent::binary(ExtentOp::Mul, m.tensors[2].shape[0], C(4));
  m.memory.buffers = {t_bytes};
  m.memory.tensors = {{"t", 0}};
  m.memory.peak_bytes = t_bytes;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: extent_corpus <corpus.json> <model_spec.json>\n";
    return 2;
  }
  ordered_json corpus = ordered_json::array();
  auto B = [](ExtentOp op, Extent a, Extent b) {
    return Extent::binary(op, std::move(a), std::move(b));
  };
  auto S = [](const char* n) { return Extent::sym(n); };
  // Negative operands of / and %, the INT_MIN / -1 overflow, wrapping, division by zero.
  for (int64_t a : {-7LL, 7LL, -8LL, 0LL, -2147483648LL, 2147483647LL}) {
    for (int64_t b : {2LL, -2LL, 3LL, -3LL, 1LL, -1LL, 0LL}) {
      for (auto op : {ExtentOp::Div, ExtentOp::Mod, ExtentOp::Mul, ExtentOp::Add, ExtentOp::Sub})
        corpus.push_back(entry(B(op, S("a"), S("b")), {{"a", a}, {"b", b}}));
    }
  }
  corpus.push_back(entry(S("zz"), {{"a", 1}}));
  std::mt19937 rng(9);
  for (int i = 0; i < 2000; ++i) {
    SymbolValues s;
    for (const char* n : {"a", "b", "c"}) s[n] = kInteresting[rng() % std::size(kInteresting)];
    corpus.push_back(entry(random_extent(rng, 1 + i % 4), s));
  }
  std::ofstream(argv[1]) << corpus.dump(1) << "\n";
  std::ofstream(argv[2]) << to_json(sample_spec());
  std::cout << "wrote " << corpus.size() << " extents to " << argv[1] << "\n";
  return 0;
}
