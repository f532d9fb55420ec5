#include "vk_program.hpp"

#include "webtx/codegen/describe_program.hpp"

namespace webtx::vk_program {
namespace {

ir::DType dtype_named(const std::string& name) {
  for (ir::DType t : {ir::DType::f32(), ir::DType::i32(), ir::DType::u32(), ir::DType::f16(),
                      ir::DType::boolean()}) {
    if (t.str() == name) return t;
  }
  internal_error << "unknown dtype '" << name << "'";
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
                             std::vector<std::vector<uint32_t>> spirv)
    : model_(device, codegen::describe_program(program), std::move(spirv)) {}

std::unique_ptr<VulkanProgram::Bound> VulkanProgram::bind(const TensorMap& tensors,
                                                          const RunOptions& options) {
  runtime::vulkan::TensorMap rt;
  for (auto& [name, h] : tensors) rt[name] = to_runtime(h);
  auto b = std::make_unique<Bound>();
  b->bound_ = model_.bind(rt, options);
  return b;
}

void VulkanProgram::Bound::read_outputs(TensorMap& tensors) {
  // Only the names matter to read_outputs: which tensors besides the outputs to read back.
  runtime::vulkan::TensorMap rt;
  for (auto& [name, h] : tensors) rt[name];
  bound_->read_outputs(rt);
  for (auto& [name, h] : rt)
    if (!h.bytes.empty() || h.shape.size()) tensors[name] = from_runtime(h);
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

}  // namespace webtx::vk_program
