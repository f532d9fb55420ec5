#pragma once
// The seeded generator of random programs (docs/testing.md, "Program fuzzing").
#include "recipe.hpp"

namespace webtx::fuzz {

struct GenOptions {
  int max_ops = 5;       // computed tensors
  bool use_f16 = false;  // f16 tensors (lavapipe has shader-f16, SwiftShader does not)
};

// A random, legal program: every read in bounds, every schedule step accepted by the
// primitives. Whether the whole schedule lowers is checked by the caller (legalize()).
Recipe generate(uint64_t seed, const GenOptions& o = {});

}  // namespace webtx::fuzz
