#pragma once
// The TypeScript declarations of a generated model loader (<name>.js, written by
// add_webgpu_model): its inputs, outputs and symbols by name, over the types of the webtx
// npm package ('webtx', web/src/index.d.ts).
#include <string>

#include "webtx/model/model_spec.hpp"

namespace webtx::codegen {

// The text of <name>.d.ts for the model `m`.
std::string model_typescript(const model::ModelSpec& m);

}  // namespace webtx::codegen
