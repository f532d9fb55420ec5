#pragma once
// The Target the running generator builds for (its --target; add_webgpu_model's TARGET, or
// each of TARGETS in turn): a model may choose its compute type or schedule by what the target
// offers, e.g. f16 arithmetic where it has shader-f16 and f32 elsewhere, so that one source
// gives one variant per target with the same inputs and outputs (docs/host.md, "Variants").
// Outside a generator run (a CPU reference linking the model natively) it is the default
// target, webgpu.
#include "webtx/target.hpp"

namespace webtx {

const Target& generator_target();
// Set by the generator's main() before it runs the model.
void set_generator_target(const Target& target);

}  // namespace webtx
