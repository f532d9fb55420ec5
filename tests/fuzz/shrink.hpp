#pragma once
// The shrinker: reduces a failing recipe to a small one that still fails the same way (same
// engine, same kind of finding) by dropping schedule steps, outputs and operations (an
// operation becomes an input of its shape), simplifying expressions, making symbolic
// dimensions constant and shrinking extents.
#include <functional>
#include <vector>

#include "recipe.hpp"

namespace webtx::fuzz {

// fails(candidates)[i]: candidate i still fails the same way. Candidates are tried in batches
// (one Node process per batch for WebGPU findings).
using FailsBatch = std::function<std::vector<bool>(const std::vector<Recipe>&)>;

// One-step simplifications of `r`, most reducing first.
std::vector<Recipe> shrink_candidates(const Recipe& r);

// Greedy: take the first failing candidate, repeat until none fails (or `max_rounds`).
Recipe shrink(Recipe r, const FailsBatch& fails, int max_rounds = 60);

// Removes nodes no output depends on (renumbering operands and outputs) and schedule steps
// that name a removed stage.
Recipe drop_unused(Recipe r);

}  // namespace webtx::fuzz
