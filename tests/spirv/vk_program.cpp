#include "vk_program.hpp"

#include <algorithm>
#include <iterator>

#include "webtx/codegen/describe_program.hpp"

namespace webtx::vk_program {
namespace {

ir::DType dtype_named(const std::string& name) {
  const ir::DType all[] = {ir::DType::f32(), ir::DType::i32(), ir::DType::u32(), ir::DType::f16(),
                           ir::DType::boolean()};
  const ir::DType* t =
      std::find_if(std::begin(all), std::end(all), [&](ir::DType d) { return d.str() == name; });
  internal_assert(t != std::end(all)) << "unknown dtype '" << name << "'";
  return *t;
}

}  // namespace

runtime::vulkan::HostTensor to_runtime(const HostTensor& h) {
  runtime::vulkan::HostTensor r;
  r.dtype = h.dtype.str();
  r.shape = h.shape;
  r.bytes = h.bytes;
  return r;
}

HostTensor from_runtime(const runtime::vulkan::HostTensor& h) {
  HostTensor r;
  r.dtype = dtype_named(h.dtype);
  r.shape = h.shape;
  r.bytes = h.bytes;
  return r;
}

VulkanProgram::VulkanProgram(VulkanDevice& device, const ir::Program& program,
                             std::vector<std::vector<uint32_t>> spirv,
                             runtime::vulkan::SpecializeOptions specialize)
    : model_(device, codegen::describe_program(program), std::move(spirv), specialize) {}

namespace {

runtime::vulkan::TensorMap to_runtime_map(const TensorMap& tensors) {
  runtime::vulkan::TensorMap rt;
  for (auto& [name, h] : tensors) rt[name] = to_runtime(h);
  return rt;
}

// What the runtime wrote into `rt` (outputs, and intermediates the caller listed), back into
// `tensors`; inputs are the caller's own.
void copy_results(const model::ModelSpec& spec, const runtime::vulkan::TensorMap& rt,
                  TensorMap& tensors) {
  for (auto& [name, h] : rt)
    if (spec.tensor(name)->role != model::TensorRole::Input) tensors[name] = from_runtime(h);
}

}  // namespace

std::unique_ptr<VulkanProgram::Bound> VulkanProgram::bind(const TensorMap& tensors,
                                                          const RunOptions& options) {
  auto b = std::make_unique<Bound>();
  b->bound_ = model_.bind(to_runtime_map(tensors), options);
  b->spec_ = &model_.spec();
  return b;
}

void VulkanProgram::Bound::read_outputs(TensorMap& tensors) {
  // Only the names matter to read_outputs: which tensors besides the outputs to read back.
  runtime::vulkan::TensorMap rt;
  for (auto& [name, h] : tensors) rt[name];
  bound_->read_outputs(rt);
  copy_results(*spec_, rt, tensors);
}

RunResult VulkanProgram::run(TensorMap& tensors, const RunOptions& options) {
  runtime::vulkan::TensorMap rt = to_runtime_map(tensors);
  RunResult r = model_.run(rt, options);
  copy_results(model_.spec(), rt, tensors);
  return r;
}

RunResult run_program(VulkanDevice& device, const ir::Program& program,
                      const std::vector<std::vector<uint32_t>>& spirv, TensorMap& tensors,
                      const RunOptions& options) {
  VulkanProgram prog(device, program, spirv);
  return prog.run(tensors, options);
}

}  // namespace webtx::vk_program
