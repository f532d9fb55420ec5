#include "webtx/runtime/vulkan/model_runner.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "webtx/model/bind_shapes.hpp"
#include "webtx/model/extent.hpp"

namespace webtx::runtime::vulkan {
namespace {

std::string shape_str(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  return o.str() + "]";
}

bool has_feature(const model::KernelSpec& k, const std::string& f) {
  return std::find(k.features.begin(), k.features.end(), f) != k.features.end();
}

std::string read_file(const std::filesystem::path& p, const std::string& what) {
  std::ifstream in(p, std::ios::binary);
  user_assert(in) << "cannot read " << what << " '" << p.string() << "'";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

VulkanModel::VulkanModel(VulkanDevice& device, model::ModelSpec spec,
                         std::vector<std::vector<uint32_t>> spirv, SpecializeOptions specialize)
    : device_(device), spec_(std::move(spec)), specialize_(specialize) {
  user_assert(specialize_.after >= 0 && specialize_.most >= 0)
      << "model '" << spec_.name << "': SpecializeOptions after (" << specialize_.after
      << ") and most (" << specialize_.most << ") must be >= 0";
  user_assert(spirv.size() == spec_.kernels.size())
      << "model '" << spec_.name << "' has " << spec_.kernels.size() << " kernels but "
      << spirv.size() << " SPIR-V modules were given";
  for (size_t k = 0; k < spirv.size(); ++k) {
    const model::KernelSpec& kern = spec_.kernels[k];
    PipelineLayoutDesc d;
    d.name = kern.name;
    d.num_storage_buffers = static_cast<uint32_t>(kern.bindings.size());
    d.has_uniform = !kern.uniforms.empty();
    for (int i = 0; i < 3; ++i) d.workgroup_size[i] = static_cast<uint32_t>(kern.workgroup_size[i]);
    d.workgroup_bytes = static_cast<uint64_t>(kern.workgroup_bytes);
    d.uses_f16 = has_feature(kern, "shader-f16");
    // Tensorized kernels assume NVIDIA's 32-invocation subgroups (ir::Kernel).
    if (has_feature(kern, "chromium-experimental-subgroup-matrix")) d.subgroup_matrix_size = 32;
    pipelines_.push_back(device_.create_pipeline(spirv[k], d));
  }
  spirv_ = std::move(spirv);
  special_.resize(spirv_.size());
  planned_.resize(spec_.memory.buffers.size());
}

const VulkanPipeline* VulkanModel::pipeline_for(size_t k, const std::vector<int32_t>& uniforms,
                                                bool empty_grid) {
  // A kernel version the call does not select (no workgroups) keeps its generic pipeline.
  if (uniforms.empty() || empty_grid) return pipelines_[k].get();
  auto count = [&](bool special) {
    ++(special ? specialization_.specialized_dispatches : specialization_.generic_dispatches);
  };
  auto& seen = special_[k];
  auto it = seen.find(uniforms);
  if (specialize_.after == 0 ||
      (it == seen.end() && static_cast<int>(seen.size()) >= specialize_.most)) {
    count(false);
    return pipelines_[k].get();
  }
  if (it == seen.end()) it = seen.emplace(uniforms, Special{}).first;
  Special& s = it->second;
  if (!s.pipeline && !s.failed && ++s.binds >= specialize_.after) {
    // A driver that cannot build it leaves the shape on the generic pipeline, saying why.
    try {
      s.pipeline = device_.create_pipeline(spirv_[k], pipelines_[k]->desc(), uniforms);
      ++specialization_.compiled;
    } catch (const std::exception& e) {
      s.failed = true;
      std::string at;
      for (size_t i = 0; i < uniforms.size(); ++i)
        at += (i ? ", " : "") + spec_.kernels[k].uniforms[i] + "=" + std::to_string(uniforms[i]);
      specialization_.errors.push_back("kernel '" + spec_.kernels[k].name + "' at " + at + ": " +
                                       e.what());
    }
  }
  count(s.pipeline != nullptr);
  return s.pipeline ? s.pipeline.get() : pipelines_[k].get();
}

std::vector<size_t> VulkanModel::planned_bytes() const {
  std::vector<size_t> out;
  for (auto& b : planned_) out.push_back(b.size());
  return out;
}

std::unique_ptr<VulkanModel> VulkanModel::load(VulkanDevice& device,
                                               const std::filesystem::path& manifest,
                                               const std::filesystem::path& weights,
                                               SpecializeOptions specialize) {
  model::ModelSpec spec = model::from_json(read_file(manifest, "model description"));
  std::vector<std::vector<uint32_t>> spirv;
  for (auto& k : spec.kernels) {
    user_assert(!k.spirv.empty()) << "model '" << spec.name << "': kernel '" << k.name
                                  << "' has no SPIR-V (the model was built without the SPIR-V "
                                     "backend)";
    const auto path = manifest.parent_path() / k.spirv;
    std::string bytes = read_file(path, "SPIR-V module of kernel '" + k.name + "'");
    user_assert(bytes.size() % 4 == 0 && !bytes.empty())
        << "SPIR-V module '" << path.string() << "' has " << bytes.size()
        << " bytes, not a whole number of 32-bit words";
    std::vector<uint32_t> words(bytes.size() / 4);
    std::memcpy(words.data(), bytes.data(), bytes.size());
    spirv.push_back(std::move(words));
  }
  auto model = std::make_unique<VulkanModel>(device, std::move(spec), std::move(spirv), specialize);
  if (!weights.empty()) model->load_weights(weights);
  return model;
}

void VulkanModel::load_weights(const std::filesystem::path& file) {
  load_weights(model::read_safetensors(file));
}

void VulkanModel::load_weights(const model::Safetensors& file) {
  model::check_weights(spec_, file);
  std::map<std::string, VulkanBuffer> loaded;
  for (auto& t : spec_.tensors) {
    if (t.role != model::TensorRole::Weight) continue;
    const model::SafetensorsEntry& e = *file.find(t.name);
    const size_t bytes = e.end - e.begin;
    user_assert(bytes <= device_.info().max_storage_buffer_range)
        << "model '" << spec_.name << "': weight '" << t.name << "' needs " << bytes
        << " bytes, more than maxStorageBufferRange = " << device_.info().max_storage_buffer_range
        << " of Vulkan device '" << device_.info().name << "'";
    VulkanBuffer b = device_.alloc(bytes);
    if (bytes) device_.upload(b, file.data(e), bytes);
    loaded.emplace(t.name, std::move(b));
  }
  weights_ = std::move(loaded);
}

std::unique_ptr<VulkanModel::Bound> VulkanModel::bind(const TensorMap& tensors,
                                                      const RunOptions& options) {
  const model::ModelSpec& m = spec_;
  auto bound = std::make_unique<Bound>();
  bound->model_ = this;
  const std::string prefix = "model '" + m.name + "': ";

  // 1. Weights loaded; names and dtypes; then symbols and every given shape through the one
  // shape check.
  std::string unloaded;
  for (auto& t : m.tensors)
    if (t.role == model::TensorRole::Weight && !weights_.count(t.name))
      unloaded += (unloaded.empty() ? "'" : ", '") + t.name + "'";
  user_assert(unloaded.empty()) << prefix << "needs weights " << unloaded
                                << ": load them first (VulkanModel::load_weights)";
  for (auto& [name, h] : tensors) {
    user_assert(!m.tensor(name) || m.tensor(name)->role != model::TensorRole::Weight)
        << prefix << "'" << name << "' is a weight, loaded once by load_weights, not a run input";
    user_assert(m.tensor(name)) << prefix << "there is no tensor '" << name << "' (tensors: " <<
        [&] {
          std::string s;
          for (auto& t : m.tensors)
            if (t.role != model::TensorRole::Intermediate) s += (s.empty() ? "" : ", ") + t.name;
          return s;
        }() << ")";
  }
  model::ShapeMap shapes;
  for (auto& t : m.tensors) {
    auto it = tensors.find(t.name);
    if (it == tensors.end()) {
      user_assert(t.role != model::TensorRole::Input)
          << prefix << "missing input tensor '" << t.name << "'";
      continue;
    }
    user_assert(it->second.dtype == t.dtype) << prefix << "tensor '" << t.name << "' has dtype "
                                             << it->second.dtype << ", expected " << t.dtype;
    shapes[t.name] = it->second.shape;
  }
  model::SymbolValues env;
  try {
    env = model::bind_shapes(m, shapes, options.symbols);
  } catch (const UserError& e) {
    throw UserError(prefix + e.what());
  }
  for (auto& [name, v] : env) {
    user_assert(v <= std::numeric_limits<int32_t>::max())
        << prefix << "symbol '" << name << "' = " << v << " does not fit in i32";
  }
  bound->symbols_ = env;

  // 2. Every tensor's concrete shape; given buffers must hold exactly that many bytes.
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const auto& t = m.tensors[i];
    index[t.name] = i;
    std::vector<int64_t> shape = model::concrete_shape(t, env);
    auto it = tensors.find(t.name);
    if (it != tensors.end()) {
      const HostTensor& h = it->second;
      const size_t need = static_cast<size_t>(h.size() * model::dtype_bytes(h.dtype));
      user_assert(h.bytes.size() == need)
          << prefix << "tensor '" << t.name << "' of shape " << shape_str(h.shape) << " and dtype "
          << h.dtype << " needs " << need << " bytes, but holds " << h.bytes.size();
    }
    bound->shapes_.push_back(std::move(shape));
  }

  // 3. Grids and uniforms, all checked before any device work.
  struct Plan {
    std::vector<size_t> tensors;
    std::vector<int32_t> uniforms;
    std::array<uint32_t, 3> grid;
  };
  std::vector<Plan> plans;
  for (auto& k : m.kernels) {
    Plan plan;
    for (auto& b : k.bindings) plan.tensors.push_back(index.at(b.tensor));
    for (auto& u : k.uniforms) plan.uniforms.push_back(static_cast<int32_t>(env.at(u)));
    for (int d = 0; d < 3; ++d) {
      const std::string where = "kernel '" + k.name + "' grid dimension " + std::to_string(d);
      int64_t g = model::evaluate(k.grid[d], env, where);
      user_assert(g >= 0 && g <= device_.info().max_workgroup_count[d])
          << prefix << where << " is " << model::to_string(k.grid[d]) << " = " << g
          << " workgroups, " << (g < 0 ? "negative" : "more than the device allows")
          << " (maxComputeWorkGroupCount[" << d << "] = " << device_.info().max_workgroup_count[d]
          << " of Vulkan device '" << device_.info().name << "')";
      plan.grid[d] = static_cast<uint32_t>(g);
    }
    plans.push_back(std::move(plan));
  }

  // 4. Device buffers; inputs (and given outputs, so untouched elements keep their values).
  // Planned intermediates share the model's planned buffers, each grown to the largest tenant;
  // an intermediate the caller passes (to read it back) gets a buffer of its own.
  auto plan_of = [&](size_t i) {
    auto it = m.memory.tensors.find(m.tensors[i].name);
    return it == m.memory.tensors.end() || tensors.count(m.tensors[i].name) ? -1 : it->second;
  };
  std::vector<size_t> planned_need(planned_.size(), 4);
  bound->buffers_.resize(m.tensors.size());
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    int64_t n = 1;
    for (auto s : bound->shapes_[i]) n *= s;
    const auto bytes = static_cast<size_t>(n * model::dtype_bytes(m.tensors[i].dtype));
    user_assert(bytes <= device_.info().max_storage_buffer_range)
        << prefix << "tensor '" << m.tensors[i].name << "' of shape "
        << shape_str(bound->shapes_[i]) << " needs " << bytes
        << " bytes, more than maxStorageBufferRange = " << device_.info().max_storage_buffer_range
        << " of Vulkan device '" << device_.info().name << "'";
    if (m.tensors[i].role == model::TensorRole::Weight) continue;  // bound from weights_
    if (const int b = plan_of(i); b >= 0) {
      planned_need[b] = std::max(planned_need[b], (bytes + 3) / 4 * 4);
      continue;
    }
    bound->buffers_[i] = device_.alloc(bytes);
  }
  for (size_t b = 0; b < planned_.size(); ++b) {
    if (planned_[b].size() < planned_need[b]) planned_[b] = device_.alloc(planned_need[b]);
  }
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const auto& spec = m.tensors[i];
    const int b = plan_of(i);
    bound->where_.push_back(spec.role == model::TensorRole::Weight ? &weights_.at(spec.name)
                            : b >= 0                               ? &planned_[b]
                                                                   : &bound->buffers_[i]);
    auto it = tensors.find(m.tensors[i].name);
    if (it != tensors.end()) {
      // Given tensors (inputs; outputs or intermediates to start from) are uploaded.
      device_.upload(*bound->where_[i], it->second.bytes.data(), it->second.bytes.size());
    }
  }
  specialization_.specialized_dispatches = specialization_.generic_dispatches = 0;
  for (size_t k = 0; k < plans.size(); ++k) {
    Dispatch d;
    const auto& g = plans[k].grid;
    d.pipeline = pipeline_for(k, plans[k].uniforms, g[0] == 0 || g[1] == 0 || g[2] == 0);
    for (auto t : plans[k].tensors) d.buffers.push_back(bound->where_[t]);
    d.uniforms = plans[k].uniforms;
    d.grid = plans[k].grid;
    bound->dispatches_.push_back(std::move(d));
  }
  return bound;
}

std::vector<double> VulkanModel::Bound::execute(bool timed) {
  return model_->device_.run(dispatches_, timed);
}

void VulkanModel::Bound::read_outputs(TensorMap& tensors) {
  const model::ModelSpec& m = model_->spec_;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const auto& t = m.tensors[i];
    auto it = tensors.find(t.name);
    if (t.role != model::TensorRole::Output && it == tensors.end()) continue;
    if (t.role == model::TensorRole::Input) continue;
    HostTensor h(t.dtype, shapes_[i]);
    model_->device_.download(*where_[i], h.bytes.data(), h.bytes.size());
    tensors[t.name] = std::move(h);
  }
}

RunResult VulkanModel::run(TensorMap& tensors, const RunOptions& options) {
  auto b = bind(tensors, options);
  RunResult r;
  r.kernel_ns = b->execute(options.timed);
  b->read_outputs(tensors);
  r.symbols = b->symbols();
  return r;
}

}  // namespace webtx::runtime::vulkan
