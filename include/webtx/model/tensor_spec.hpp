#pragma once
// One tensor of the model description (model_spec.hpp): name, role, dtype and structured shape.
// Separate so the shape check (bind_shapes.hpp) and its users need not see the whole ModelSpec.
#include <cstdint>
#include <string>
#include <vector>

#include "webtx/model/extent.hpp"

namespace webtx::model {

enum class TensorRole : uint8_t {
  Input,         // the caller provides it
  Output,        // the caller receives it
  Intermediate,  // produced and consumed by kernels; allocated by the runtime
  Weight         // a constant the runtime uploads once (from a safetensors file); a packed-
                 // function argument after the outputs
};
const char* role_name(TensorRole r);

enum class Access : uint8_t { Read, ReadWrite };
const char* access_name(Access a);

struct TensorSpec {
  std::string name;
  TensorRole role = TensorRole::Input;
  std::string dtype;          // "f32", "i32", "u32", "f16", "bool" (bool is stored as u32)
  std::vector<Extent> shape;  // row-major
};

// Bytes one element of `dtype` takes in a GPU buffer; UserError for an unknown dtype.
int64_t dtype_bytes(const std::string& dtype);

}  // namespace webtx::model
