#include "webtx/codegen/describe_program.hpp"

#include <algorithm>

#include "webtx/codegen/plan_memory.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/model/from_ir.hpp"
#include "webtx/target_check.hpp"

namespace webtx::codegen {

using model::Extent;
using model::to_extent;

namespace {

model::TensorRole role_of(ir::TensorRole r) {
  switch (r) {
    case ir::TensorRole::Input:
      return model::TensorRole::Input;
    case ir::TensorRole::Output:
      return model::TensorRole::Output;
    case ir::TensorRole::Intermediate:
      return model::TensorRole::Intermediate;
  }
  internal_error << "unknown tensor role";
}

// The Dawn toggles feature `f` needs where Dawn offers it only behind them: shader-f16 on
// NVIDIA's Vulkan driver, and the experimental subgroup matrices (an "unsafe" API) anywhere.
// Browsers ignore them (Chrome decides itself); Node creates its GPU instance with them.
std::vector<const char*> dawn_toggles(Feature f) {
  switch (f) {
    case Feature::ShaderF16:
      return {"vulkan_enable_f16_on_nvidia"};
    case Feature::SubgroupMatrix:
      return {"allow_unsafe_apis"};
    default:
      return {};
  }
}

std::string symbol_name(const ir::Expr& s, const std::string& what) {
  user_assert(s.as<ir::Variable>()) << what << " " << ir::to_string(s) << " is not a symbol";
  return s.as<ir::Variable>()->name;
}

}  // namespace

model::ModelSpec describe_program(const ir::Program& p,
                                  const std::vector<KernelArtifacts>& artifacts,
                                  const Target& target, const std::vector<std::string>& weights) {
  internal_assert(artifacts.empty() || artifacts.size() == p.kernels.size())
      << "description of " << p.name << ": " << artifacts.size() << " kernel artifacts for "
      << p.kernels.size() << " kernels";
  user_assert(!p.name.empty()) << "a model needs a name";
  model::ModelSpec m;
  m.name = m.function = p.name;
  m.generator = "webtx " WEBTX_VERSION;
  m.target = target.name;
  const std::string in = "model " + p.name + ": ";

  for (size_t i = 0; i < p.tensors.size(); ++i) {
    const auto& t = p.tensors[i];
    user_assert(t.buffer) << in << "tensor " << i << " has no buffer";
    model::TensorSpec ts{t.buffer->name, role_of(t.role), t.buffer->type.str(), {}};
    if (std::find(weights.begin(), weights.end(), ts.name) != weights.end()) {
      user_assert(t.role == ir::TensorRole::Input)
          << in << "weight '" << ts.name << "' is not an input of the program";
      ts.role = model::TensorRole::Weight;
    }
    for (size_t a = 0; a < t.buffer->shape.size(); ++a) {
      ts.shape.push_back(to_extent(t.buffer->shape[a], p.symbols,
                                   "tensor '" + ts.name + "' axis " + std::to_string(a)));
    }
    m.tensors.push_back(std::move(ts));
  }
  // Arguments: inputs, outputs, then weights (which a runtime binds from buffers it keeps).
  for (auto role : {model::TensorRole::Input, model::TensorRole::Output, model::TensorRole::Weight})
    for (auto& t : m.tensors)
      if (t.role == role) m.args.push_back(t.name);
  // Each symbol comes from the first argument axis whose extent is that symbol.
  for (auto& s : p.symbols) {
    model::SymbolSpec sym{symbol_name(s, in + "program symbol"), "", -1};
    for (auto& t : m.tensors) {
      if (t.role == model::TensorRole::Intermediate || t.role == model::TensorRole::Weight ||
          !sym.from_caller())
        continue;
      for (size_t a = 0; a < t.shape.size(); ++a) {
        if (t.shape[a] == Extent::sym(sym.name)) {
          sym.tensor = t.name;
          sym.axis = static_cast<int>(a);
          break;
        }
      }
    }
    m.symbols.push_back(std::move(sym));
  }

  for (size_t k = 0; k < p.kernels.size(); ++k) {
    const auto& kern = p.kernels[k];
    const std::string kname = "kernel '" + kern.name + "'";
    model::KernelSpec ks;
    ks.name = kern.name;
    ks.variant = kern.variant;
    if (!artifacts.empty()) {
      for (auto& [key, value] : artifacts[k].fields) {
        if (key == "wgsl")
          ks.wgsl = value;
        else if (key == "spirv")
          ks.spirv = value;
        else
          ks.artifacts[key] = value;
      }
    }
    ks.workgroup_size = kern.workgroup_size;
    ks.workgroup_bytes = kern.workgroup_bytes;
    for (size_t b = 0; b < kern.buffers.size(); ++b) {
      const auto& kb = kern.buffers[b];
      const bool known =
          std::any_of(p.tensors.begin(), p.tensors.end(),
                      [&](const ir::ProgramTensor& t) { return t.buffer == kb.buffer; });
      user_assert(known) << in << kname << " binds buffer '" << kb.buffer->name
                         << "', which is not one of the program's tensors";
      ks.bindings.push_back({static_cast<int>(b), kb.buffer->name,
                             kb.written ? model::Access::ReadWrite : model::Access::Read});
    }
    for (auto& s : kern.scalars) ks.uniforms.push_back(symbol_name(s, kname + ": uniform"));
    ks.uniform_binding = static_cast<int>(kern.buffers.size());
    for (int d = 0; d < 3; ++d) {
      const std::string where = std::string("grid ") + "xyz"[d] + " of " + kname;
      ks.grid[d] =
          kern.grid[d].defined() ? to_extent(kern.grid[d], p.symbols, where) : Extent::constant(1);
    }
    for (Feature f : device_needs({kern}).features) ks.features.push_back(feature_name(f));
    m.kernels.push_back(std::move(ks));
  }
  const DeviceNeeds needs = device_needs(p.kernels);
  for (Feature f : needs.features) {
    m.features.push_back(feature_name(f));
    for (const char* t : dawn_toggles(f)) {
      if (std::find(m.toggles.begin(), m.toggles.end(), t) == m.toggles.end())
        m.toggles.push_back(t);
    }
  }
  for (auto& [name, value] : needs.limits) m.limits[name] = value;
  m.memory = plan_memory(m);
  model::validate(m);
  return m;
}

}  // namespace webtx::codegen
