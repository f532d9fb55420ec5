#include "webtx/runtime/vulkan/program_runner.hpp"

#include <limits>
#include <sstream>
#include <unordered_map>

#include "webtx/ir/printer.hpp"

namespace webtx::runtime::vulkan {
namespace {

using namespace webtx::ir;

std::string shape_str(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  return o.str() + "]";
}

// Where a symbol got its value, for error messages.
struct Origin {
  int64_t value;
  std::string from;
};

}  // namespace

VulkanProgram::VulkanProgram(VulkanDevice& device, ir::Program program,
                             std::vector<std::vector<uint32_t>> spirv)
    : device_(device), program_(std::move(program)) {
  user_assert(spirv.size() == program_.kernels.size())
      << "program '" << program_.name << "' has " << program_.kernels.size() << " kernels but "
      << spirv.size() << " SPIR-V modules were given";
  for (size_t k = 0; k < spirv.size(); ++k) {
    const Kernel& kern = program_.kernels[k];
    PipelineLayoutDesc d;
    d.name = kern.name;
    d.num_storage_buffers = static_cast<uint32_t>(kern.buffers.size());
    d.has_uniform = !kern.scalars.empty();
    for (int i = 0; i < 3; ++i) d.workgroup_size[i] = static_cast<uint32_t>(kern.workgroup_size[i]);
    d.workgroup_bytes = static_cast<uint64_t>(kern.workgroup_bytes);
    d.uses_f16 = kern.uses_f16;
    pipelines_.push_back(device_.create_pipeline(spirv[k], d));
  }
}

std::unique_ptr<VulkanProgram::Bound> VulkanProgram::bind(const TensorMap& tensors,
                                                          const RunOptions& options) {
  const Program& p = program_;
  auto bound = std::make_unique<Bound>();
  bound->program_ = this;

  // 1. Symbols: explicit values first, then every axis that is exactly a symbol.
  ScalarBindings vars;
  std::unordered_map<const ExprNode*, Origin> origin;
  for (auto& [name, value] : options.symbols) {
    const ExprNode* sym = nullptr;
    for (auto& s : p.symbols) {
      if (s.as<Variable>()->name == name) sym = s.get();
    }
    user_assert(sym) << "program '" << p.name << "' has no symbol '" << name << "'";
    vars[sym] = value;
    origin[sym] = {value, "the explicit binding"};
  }
  for (auto& t : p.tensors) {
    auto it = tensors.find(t.buffer->name);
    if (it == tensors.end()) {
      user_assert(t.role != TensorRole::Input)
          << "program '" << p.name << "': missing input tensor '" << t.buffer->name << "'";
      continue;
    }
    const HostTensor& h = it->second;
    user_assert(h.dtype == t.buffer->type)
        << "program '" << p.name << "': tensor '" << t.buffer->name << "' has dtype "
        << h.dtype.str() << ", expected " << t.buffer->type.str();
    user_assert(h.shape.size() == t.buffer->shape.size())
        << "program '" << p.name << "': tensor '" << t.buffer->name << "' has rank "
        << h.shape.size() << ", expected " << t.buffer->shape.size();
    for (size_t a = 0; a < h.shape.size(); ++a) {
      user_assert(h.shape[a] >= 0) << "program '" << p.name << "': tensor '" << t.buffer->name
                                   << "' axis " << a << " has negative extent " << h.shape[a];
      auto* v = t.buffer->shape[a].as<Variable>();
      if (!v) continue;
      std::string here = "tensor '" + t.buffer->name + "' axis " + std::to_string(a);
      auto o = origin.find(v);
      user_assert(o == origin.end() || o->second.value == h.shape[a])
          << "program '" << p.name << "': " << here << " has extent " << h.shape[a]
          << ", but symbol '" << v->name << "' is " << o->second.value << " from "
          << o->second.from;
      vars[v] = h.shape[a];
      origin[v] = {h.shape[a], here};
    }
  }
  for (auto& s : p.symbols) {
    user_assert(vars.count(s.get()))
        << "program '" << p.name << "': symbol '" << s.as<Variable>()->name
        << "' is not bound by any tensor's shape; pass it in RunOptions::symbols";
    user_assert(vars[s.get()] <= std::numeric_limits<int32_t>::max())
        << "program '" << p.name << "': symbol '" << s.as<Variable>()->name
        << "' = " << vars[s.get()] << " does not fit in i32";
    bound->symbols_[s.as<Variable>()->name] = vars[s.get()];
  }

  // 2. Every tensor's shape, checked against what the caller gave.
  for (auto& t : p.tensors) {
    std::vector<int64_t> shape;
    for (auto& e : t.buffer->shape) shape.push_back(eval_scalar(e, vars));
    auto it = tensors.find(t.buffer->name);
    if (it != tensors.end()) {
      const HostTensor& h = it->second;
      for (size_t a = 0; a < shape.size(); ++a) {
        user_assert(h.shape[a] == shape[a])
            << "program '" << p.name << "': tensor '" << t.buffer->name << "' axis " << a
            << " has extent " << h.shape[a] << ", expected " << shape[a] << " ("
            << to_string(t.buffer->shape[a]) << ")";
      }
      const size_t need = static_cast<size_t>(h.size() * h.dtype.bytes());
      user_assert(h.bytes.size() == need)
          << "program '" << p.name << "': tensor '" << t.buffer->name << "' of shape "
          << shape_str(h.shape) << " and dtype " << h.dtype.str() << " needs " << need
          << " bytes, but holds " << h.bytes.size();
    }
    bound->shapes_.push_back(std::move(shape));
  }

  // 3. Grids and uniforms, all checked before any device work.
  std::unordered_map<const BufferNode*, size_t> index;
  for (size_t i = 0; i < p.tensors.size(); ++i) index[p.tensors[i].buffer.get()] = i;
  struct Plan {
    std::vector<size_t> tensors;
    std::vector<int32_t> uniforms;
    std::array<uint32_t, 3> grid;
  };
  std::vector<Plan> plans;
  for (auto& k : p.kernels) {
    Plan plan;
    for (auto& kb : k.buffers) {
      auto it = index.find(kb.buffer.get());
      if (it == index.end()) {  // fall back to the name
        for (size_t i = 0; i < p.tensors.size(); ++i) {
          if (p.tensors[i].buffer->name == kb.buffer->name)
            it = index.find(p.tensors[i].buffer.get());
        }
      }
      internal_assert(it != index.end()) << "kernel '" << k.name << "' binds buffer '"
                                         << kb.buffer->name << "' that is no program tensor";
      plan.tensors.push_back(it->second);
    }
    for (auto& s : k.scalars) plan.uniforms.push_back(static_cast<int32_t>(eval_scalar(s, vars)));
    for (int d = 0; d < 3; ++d) {
      int64_t g = k.grid[d].defined() ? eval_scalar(k.grid[d], vars) : 1;
      user_assert(g >= 0 && g <= std::numeric_limits<uint32_t>::max())
          << "kernel '" << k.name << "': grid dimension " << d << " evaluates to " << g;
      plan.grid[d] = static_cast<uint32_t>(g);
    }
    plans.push_back(std::move(plan));
  }
  for (size_t k = 0; k < plans.size(); ++k) {
    for (int d = 0; d < 3; ++d) {
      user_assert(plans[k].grid[d] <= device_.info().max_workgroup_count[d])
          << "kernel '" << p.kernels[k].name << "': grid of " << plans[k].grid[d]
          << " workgroups in dimension " << d << " exceeds maxComputeWorkGroupCount[" << d
          << "] = " << device_.info().max_workgroup_count[d];
    }
  }

  // 4. Device buffers; inputs (and given outputs, so untouched elements keep their values).
  for (size_t i = 0; i < p.tensors.size(); ++i) {
    int64_t n = 1;
    for (auto s : bound->shapes_[i]) n *= s;
    size_t bytes = static_cast<size_t>(n * p.tensors[i].buffer->type.bytes());
    bound->buffers_.push_back(device_.alloc(bytes));
    auto it = tensors.find(p.tensors[i].buffer->name);
    if (it != tensors.end()) device_.upload(bound->buffers_.back(), it->second.bytes.data(), bytes);
  }
  for (size_t k = 0; k < plans.size(); ++k) {
    Dispatch d;
    d.pipeline = pipelines_[k].get();
    for (auto t : plans[k].tensors) d.buffers.push_back(&bound->buffers_[t]);
    d.uniforms = plans[k].uniforms;
    d.grid = plans[k].grid;
    bound->dispatches_.push_back(std::move(d));
  }
  return bound;
}

std::vector<double> VulkanProgram::Bound::execute(bool timed) {
  return program_->device_.run(dispatches_, timed);
}

void VulkanProgram::Bound::read_outputs(TensorMap& tensors) {
  const Program& p = program_->program_;
  for (size_t i = 0; i < p.tensors.size(); ++i) {
    const auto& t = p.tensors[i];
    auto it = tensors.find(t.buffer->name);
    if (t.role != TensorRole::Output && it == tensors.end()) continue;
    if (t.role == TensorRole::Input) continue;
    HostTensor h(t.buffer->type, shapes_[i]);
    program_->device_.download(buffers_[i], h.bytes.data(), h.bytes.size());
    tensors[t.buffer->name] = std::move(h);
  }
}

RunResult VulkanProgram::run(TensorMap& tensors, const RunOptions& options) {
  auto b = bind(tensors, options);
  RunResult r;
  r.kernel_ns = b->execute(options.timed);
  b->read_outputs(tensors);
  r.symbols = b->symbols();
  return r;
}

RunResult run_program(VulkanDevice& device, const ir::Program& program,
                      const std::vector<std::vector<uint32_t>>& spirv, TensorMap& tensors,
                      const RunOptions& options) {
  VulkanProgram prog(device, program, spirv);
  return prog.run(tensors, options);
}

}  // namespace webtx::runtime::vulkan
