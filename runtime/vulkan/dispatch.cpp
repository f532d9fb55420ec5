// Compute pipelines and batched dispatch (one command buffer, timestamps around each dispatch).
#include <cstring>

#include "vk_util.hpp"
#include "webtx/error.hpp"
#include "webtx/model/model_spec.hpp"
#include "webtx/runtime/vulkan/device.hpp"

namespace webtx::runtime::vulkan {
namespace {

void check(VkResult r, const char* what) {
  user_assert(r != VK_ERROR_OUT_OF_DEVICE_MEMORY && r != VK_ERROR_OUT_OF_HOST_MEMORY)
      << "Vulkan: out of memory in " << what;
  user_assert(r != VK_ERROR_DEVICE_LOST) << "Vulkan: device lost in " << what;
  internal_assert(r == VK_SUCCESS)
      << "Vulkan: " << what << " failed with VkResult " << static_cast<int>(r);
}

// Frees the per-run Vulkan objects however run() exits.
struct RunScope {
  VkDevice device;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  VkQueryPool queries = VK_NULL_HANDLE;
  ~RunScope() {
    if (pool) vkDestroyDescriptorPool(device, pool, nullptr);
    if (queries) vkDestroyQueryPool(device, queries, nullptr);
  }
};

}  // namespace

void VulkanDevice::check_supported(const PipelineLayoutDesc& d) const {
  uint64_t invocations = 1;
  for (int i = 0; i < 3; ++i) {
    user_assert(d.workgroup_size[i] >= 1 && d.workgroup_size[i] <= info_.max_workgroup_size[i])
        << "kernel '" << d.name << "': workgroup size " << d.workgroup_size[i] << " in dimension "
        << i << " exceeds maxComputeWorkGroupSize[" << i << "] = " << info_.max_workgroup_size[i]
        << " of Vulkan device '" << info_.name << "' (WebGPU: maxComputeWorkgroupSize"
        << "XYZ"[i] << ")";
    invocations *= d.workgroup_size[i];
  }
  user_assert(invocations <= info_.max_invocations)
      << "kernel '" << d.name << "': " << invocations
      << " invocations per workgroup exceed maxComputeWorkGroupInvocations = "
      << info_.max_invocations << " of Vulkan device '" << info_.name
      << "' (WebGPU: maxComputeInvocationsPerWorkgroup)";
  user_assert(d.workgroup_bytes <= info_.max_shared_memory)
      << "kernel '" << d.name << "': " << d.workgroup_bytes
      << " bytes of workgroup memory exceed maxComputeSharedMemorySize = "
      << info_.max_shared_memory << " of Vulkan device '" << info_.name
      << "' (WebGPU: maxComputeWorkgroupStorageSize)";
  user_assert(!d.uses_f16 || (info_.shader_float16 && info_.storage_buffer_16bit))
      << "kernel '" << d.name << "' uses f16 (WebGPU feature 'shader-f16'), but Vulkan device '"
      << info_.name << "' lacks "
      << (info_.shader_float16 ? "storageBuffer16BitAccess" : "shaderFloat16");
  user_assert(d.subgroup_matrix_size == 0 || info_.cooperative_matrix)
      << "kernel '" << d.name << "' uses subgroup matrices (WebGPU feature "
      << "'chromium-experimental-subgroup-matrix'), but Vulkan device '" << info_.name
      << "' lacks VK_KHR_cooperative_matrix (cooperativeMatrix)";
  user_assert(d.subgroup_matrix_size == 0 || d.subgroup_matrix_size == info_.subgroup_size)
      << "kernel '" << d.name << "' uses subgroup matrices written for subgroups of "
      << d.subgroup_matrix_size << " invocations, but Vulkan device '" << info_.name
      << "' has subgroups of " << info_.subgroup_size;
}

std::unique_ptr<VulkanPipeline> VulkanDevice::create_pipeline(const std::vector<uint32_t>& spirv,
                                                              const PipelineLayoutDesc& desc,
                                                              const std::vector<int32_t>& symbols) {
  check_supported(desc);
  std::unique_ptr<VulkanPipeline> p(new VulkanPipeline());
  p->device_ = device_;
  p->desc_ = desc;

  auto smci = vk_struct<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
  smci.codeSize = spirv.size() * sizeof(uint32_t);
  smci.pCode = spirv.data();
  check(vkCreateShaderModule(device_, &smci, nullptr, &p->module_), "vkCreateShaderModule");

  std::vector<VkDescriptorSetLayoutBinding> bindings;
  for (uint32_t i = 0; i < desc.num_storage_buffers; ++i) {
    bindings.push_back(
        {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr});
  }
  if (desc.has_uniform) {
    bindings.push_back({desc.num_storage_buffers, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1,
                        VK_SHADER_STAGE_COMPUTE_BIT, nullptr});
  }
  auto dslci = vk_struct<VkDescriptorSetLayoutCreateInfo>(
      VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
  dslci.bindingCount = static_cast<uint32_t>(bindings.size());
  dslci.pBindings = bindings.data();
  check(vkCreateDescriptorSetLayout(device_, &dslci, nullptr, &p->set_layout_),
        "vkCreateDescriptorSetLayout");
  auto plci = vk_struct<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &p->set_layout_;
  check(vkCreatePipelineLayout(device_, &plci, nullptr, &p->layout_), "vkCreatePipelineLayout");

  auto cpci =
      vk_struct<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = p->module_;
  cpci.stage.pName = "main";
  cpci.layout = p->layout_;
  // Symbol i is specialization constant i; the last entry sets the flag that selects them.
  std::vector<VkSpecializationMapEntry> entries;
  std::vector<uint32_t> data;
  for (uint32_t i = 0; i < symbols.size(); ++i) {
    entries.push_back({i, 4 * i, 4});
    data.push_back(static_cast<uint32_t>(symbols[i]));
  }
  auto info = VkSpecializationInfo{};
  if (!symbols.empty()) {
    entries.push_back({model::kSymbolsSpecializedSpecId, 4 * static_cast<uint32_t>(data.size()),
                       sizeof(VkBool32)});
    data.push_back(VK_TRUE);
    info.mapEntryCount = static_cast<uint32_t>(entries.size());
    info.pMapEntries = entries.data();
    info.dataSize = data.size() * sizeof(uint32_t);
    info.pData = data.data();
    cpci.stage.pSpecializationInfo = &info;
  }
  if (info_.pipeline_statistics)
    cpci.flags |= VK_PIPELINE_CREATE_CAPTURE_STATISTICS_BIT_KHR |
                  VK_PIPELINE_CREATE_CAPTURE_INTERNAL_REPRESENTATIONS_BIT_KHR;
  check(vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &cpci, nullptr, &p->pipeline_),
        "vkCreateComputePipelines");
  return p;
}

std::vector<double> VulkanDevice::run(const std::vector<Dispatch>& dispatches, bool timed) {
  user_assert(!timed || info_.timestamps)
      << "Vulkan device '" << info_.name << "' has no timestamp support on its compute queue";
  const uint32_t n = static_cast<uint32_t>(dispatches.size());
  if (n == 0) return {};
  RunScope scope{device_};

  // Validate every dispatch before recording anything.
  uint32_t num_storage = 0, num_uniform = 0;
  for (auto& d : dispatches) {
    internal_assert(d.pipeline) << "dispatch without a pipeline";
    auto& desc = d.pipeline->desc();
    internal_assert(d.buffers.size() == desc.num_storage_buffers)
        << "kernel '" << desc.name << "' takes " << desc.num_storage_buffers << " buffers, got "
        << d.buffers.size();
    internal_assert(desc.has_uniform == !d.uniforms.empty())
        << "kernel '" << desc.name << "' uniform block mismatch";
    for (int i = 0; i < 3; ++i) {
      user_assert(d.grid[i] <= info_.max_workgroup_count[i])
          << "kernel '" << desc.name << "': grid of " << d.grid[i] << " workgroups in dimension "
          << i << " exceeds maxComputeWorkGroupCount[" << i
          << "] = " << info_.max_workgroup_count[i] << " of Vulkan device '" << info_.name << "'";
    }
    num_storage += desc.num_storage_buffers;
    num_uniform += desc.has_uniform ? 1 : 0;
  }

  std::vector<VkDescriptorPoolSize> sizes;
  if (num_storage) sizes.push_back({VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, num_storage});
  if (num_uniform) sizes.push_back({VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, num_uniform});
  auto dpci = vk_struct<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
  dpci.maxSets = n;
  dpci.poolSizeCount = static_cast<uint32_t>(sizes.size());
  dpci.pPoolSizes = sizes.data();
  check(vkCreateDescriptorPool(device_, &dpci, nullptr, &scope.pool), "vkCreateDescriptorPool");

  // Uniform blocks: i32 fields padded to 16 bytes, host-visible.
  std::vector<VulkanBuffer> uniforms;
  std::vector<VkDescriptorSet> sets(n);
  for (uint32_t k = 0; k < n; ++k) {
    auto& d = dispatches[k];
    auto& desc = d.pipeline->desc();
    auto ai =
        vk_struct<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
    ai.descriptorPool = scope.pool;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &d.pipeline->set_layout_;
    check(vkAllocateDescriptorSets(device_, &ai, &sets[k]), "vkAllocateDescriptorSets");
    std::vector<VkDescriptorBufferInfo> infos;
    infos.reserve(d.buffers.size() + 1);
    std::vector<VkWriteDescriptorSet> writes;
    for (uint32_t i = 0; i < d.buffers.size(); ++i) {
      internal_assert(d.buffers[i]) << "kernel '" << desc.name << "' binding " << i << " is null";
      infos.push_back({d.buffers[i]->handle(), 0, VK_WHOLE_SIZE});
      auto w = vk_struct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
      w.dstSet = sets[k], w.dstBinding = i, w.descriptorCount = 1;
      w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      w.pBufferInfo = &infos.back();
      writes.push_back(w);
    }
    if (desc.has_uniform) {
      size_t bytes = (d.uniforms.size() * 4 + 15) / 16 * 16;
      uniforms.push_back(make_buffer(bytes, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, true));
      VulkanBuffer& u = uniforms.back();
      internal_assert(u.mapped_) << "uniform buffer not host-visible";
      std::memset(u.mapped_, 0, bytes);
      std::memcpy(u.mapped_, d.uniforms.data(), d.uniforms.size() * 4);
      infos.push_back({u.handle(), 0, bytes});
      auto w = vk_struct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
      w.dstSet = sets[k], w.dstBinding = desc.num_storage_buffers, w.descriptorCount = 1;
      w.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
      w.pBufferInfo = &infos.back();
      writes.push_back(w);
    }
    vkUpdateDescriptorSets(device_, static_cast<uint32_t>(writes.size()), writes.data(), 0,
                           nullptr);
  }

  if (timed) {
    auto qpci = vk_struct<VkQueryPoolCreateInfo>(VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO);
    qpci.queryType = VK_QUERY_TYPE_TIMESTAMP;
    qpci.queryCount = 2 * n;
    check(vkCreateQueryPool(device_, &qpci, nullptr, &scope.queries), "vkCreateQueryPool");
  }

  VkCommandBuffer cb = begin_commands();
  if (timed) vkCmdResetQueryPool(cb, scope.queries, 0, 2 * n);
  for (uint32_t k = 0; k < n; ++k) {
    auto& d = dispatches[k];
    if (k > 0) {  // later kernels read what earlier ones wrote
      auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
      mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
      mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
      vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                           VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
    }
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, d.pipeline->pipeline_);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, d.pipeline->layout_, 0, 1, &sets[k],
                            0, nullptr);
    // Both stamps at BOTTOM_OF_PIPE: written once all earlier work (then this dispatch) is done.
    if (timed) {
      vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, scope.queries, 2 * k);
    }
    vkCmdDispatch(cb, d.grid[0], d.grid[1], d.grid[2]);
    if (timed) {
      vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, scope.queries, 2 * k + 1);
    }
  }
  submit_and_wait(cb);

  std::vector<double> ns;
  if (timed) {
    std::vector<uint64_t> stamps(size_t{2} * n);
    check(vkGetQueryPoolResults(device_, scope.queries, 0, 2 * n, stamps.size() * 8, stamps.data(),
                                8, VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
          "vkGetQueryPoolResults");
    for (uint32_t k = 0; k < n; ++k) {
      ns.push_back(static_cast<double>(stamps[size_t{2} * k + 1] - stamps[size_t{2} * k]) *
                   info_.timestamp_period_ns);
    }
  }
  return ns;
}

}  // namespace webtx::runtime::vulkan
