// The fuzzer's own parts: recipes round-trip through JSON, generation is deterministic and
// mostly legal, and the shrinker reduces a failing recipe to a minimal one.
#include <gtest/gtest.h>

#include "engines.hpp"
#include "generate.hpp"
#include "shrink.hpp"

namespace webtx::fuzz {
namespace {

TEST(FuzzRecipe, JsonRoundTripAndDeterminism) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Recipe r = generate(seed);
    std::string j = to_json(r);
    EXPECT_EQ(to_json(recipe_from_json(j)), j) << "seed " << seed;
    EXPECT_EQ(to_json(generate(seed)), j) << "seed " << seed << ": not deterministic";
  }
}

TEST(FuzzRecipe, GeneratedProgramsLowerAndMatchTheReferenceOnTheCpu) {
  int ok = 0, trimmed = 0;
  for (uint64_t seed = 1000; seed < 1040; ++seed) {
    Recipe r = generate(seed);
    size_t steps = r.steps.size();
    std::string why;
    ASSERT_TRUE(legalize(r, &why)) << "seed " << seed << ": " << why;
    trimmed += r.steps.size() != steps;
    auto p = prepare(r);
    run_native(*p, nullptr);
    for (auto& f : p->findings)
      ADD_FAILURE() << "seed " << seed << ": " << f.engine << " " << f.kind << ": " << f.detail;
    ok += p->findings.empty();
    EXPECT_FALSE(p->program.kernels.empty());
  }
  EXPECT_GT(ok, 35);
  EXPECT_LT(trimmed, 30) << "most random schedules should lower as generated";
}

// Seed 8064's schedule gives each invocation an 18 KB private array (NVIDIA's driver fails the
// pipeline, WGSL allows 8 KB): lowering rejects it by name, and the generator trims the step
// like any other rejected schedule, never an engine error.
TEST(FuzzRecipe, PrivateMemoryOverTheLimitIsARejectedSchedule) {
  Recipe r = generate(8064);
  // The generated steps up to the one that puts the private cache inside the copy-out (the
  // later ones are rejected for other reasons and trimmed first).
  auto at = std::find_if(r.steps.begin(), r.steps.end(), [](const Step& s) {
    return s.op == "compute_at" && s.stage == "t4_private";
  });
  ASSERT_NE(at, r.steps.end());
  r.steps.erase(at + 1, r.steps.end());
  try {
    prepare(r);
    ADD_FAILURE() << "seed 8064 lowers";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("stage 't4_private': 18432); target 'webgpu' allows 8192 "
                                         "(maxPrivateStorageSize)"),
              std::string::npos)
        << e.what();
  }
  const size_t steps = r.steps.size();
  ASSERT_TRUE(legalize(r));
  EXPECT_EQ(r.steps.size(), steps - 1);
  auto p = prepare(r);
  run_native(*p, nullptr);
  EXPECT_TRUE(p->findings.empty()) << p->findings[0].detail;
  // The case file's field round-trips.
  r.rejected = "maxPrivateStorageSize";
  EXPECT_EQ(recipe_from_json(to_json(r)).rejected, r.rejected);
}

TEST(FuzzShrink, ReducesToTheNodeThatFails) {
  // "Fails" while the program still has a stencil reading a symbolic dimension: the shrinker
  // must drop everything else.
  Recipe r;
  for (uint64_t seed = 1;; ++seed) {
    r = generate(seed, {6, false});
    legalize(r);
    bool stencil = false;
    for (auto& n : r.nodes) stencil = stencil || n.kind == NodeKind::Stencil;
    if (stencil && r.nodes.size() >= 6 && !r.steps.empty()) break;
  }
  auto fails = [](const std::vector<Recipe>& cands) {
    std::vector<bool> out;
    for (auto& c : cands) {
      bool f = false;
      try {
        auto p = prepare(c);
        for (auto& n : c.nodes) f = f || n.kind == NodeKind::Stencil;
      } catch (const std::exception&) {
      }
      out.push_back(f);
    }
    return out;
  };
  Recipe small = shrink(r, fails);
  int stencils = 0;
  for (auto& n : small.nodes) stencils += n.kind == NodeKind::Stencil;
  EXPECT_EQ(stencils, 1) << to_json(small);
  EXPECT_TRUE(small.steps.empty()) << to_json(small);
  EXPECT_LE(small.nodes.size(), 3u) << to_json(small);  // the stencil, its input and weights
  for (auto& d : small.dims) EXPECT_TRUE(d.sym.empty()) << to_json(small);
}

TEST(FuzzShrink, DropUnusedRenumbers) {
  Recipe r = generate(7);
  r.outputs = {r.outputs.back()};
  Recipe d = drop_unused(r);
  for (auto& n : d.nodes)
    for (int o : n.operands) EXPECT_LT(o, static_cast<int>(d.nodes.size()));
  EXPECT_NO_THROW(build_graph(d));
}

}  // namespace
}  // namespace webtx::fuzz
