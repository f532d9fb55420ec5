#pragma once
// The one symbol-binding and shape check of a call (docs/abi.md, "Calling a model"), shared by
// the native runtime and the CPU reference; the host stub and web/ implement the same rules.
#include <map>
#include <string>
#include <vector>

#include "webtx/model/extent.hpp"
#include "webtx/model/tensor_spec.hpp"

namespace webtx::model {

// A concrete shape for some of `tensors` (by name); tensors not listed are not checked.
using ShapeMap = std::map<std::string, std::vector<int64_t>>;

// Binds every symbol: first from `given` (the caller's values), then from the given shapes, in
// the order of `tensors`, from each axis whose extent is a bare symbol. Then checks each given
// tensor: rank, constant extents, agreement of symbols, and extents given by expressions.
// Errors (UserError) name the tensor and axis: "tensor 'x' axis 1 must have extent 8, got 7".
// With `require_all`, a symbol that stays unbound is an error naming it. For a whole model:
// bind_shapes(const ModelSpec&, ...) in model_spec.hpp.
SymbolValues bind_shapes(const std::vector<TensorSpec>& tensors,
                         const std::vector<std::string>& symbols, const ShapeMap& shapes,
                         const SymbolValues& given = {}, bool require_all = true);
// The concrete shape of `t` under bound symbols.
std::vector<int64_t> concrete_shape(const TensorSpec& t, const SymbolValues& symbols);

}  // namespace webtx::model
