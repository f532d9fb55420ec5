// VulkanDevice::pipeline_statistics: what the driver reports about a compiled pipeline through
// VK_KHR_pipeline_executable_properties (NVIDIA, Mesa: registers, spills, shared memory, ...),
// to find what limits a kernel without a vendor profiler.
#include <cstdio>
#include <string>

#include "vk_util.hpp"
#include "webtx/error.hpp"
#include "webtx/runtime/vulkan/device.hpp"

namespace webtx::runtime::vulkan {
namespace {

std::string value_text(const VkPipelineExecutableStatisticKHR& s) {
  char buf[64];
  switch (s.format) {
    case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_BOOL32_KHR:
      return s.value.b32 ? "true" : "false";
    case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_INT64_KHR:
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.value.i64));
      return buf;
    case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_UINT64_KHR:
      std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(s.value.u64));
      return buf;
    default:
      std::snprintf(buf, sizeof buf, "%g", s.value.f64);
      return buf;
  }
}

}  // namespace

std::vector<PipelineStatistic> VulkanDevice::pipeline_statistics(const VulkanPipeline& pipeline,
                                                                 bool internal) const {
  std::vector<PipelineStatistic> out;
  if (!info_.pipeline_statistics) return out;
  auto get_props = reinterpret_cast<PFN_vkGetPipelineExecutablePropertiesKHR>(
      vkGetDeviceProcAddr(device_, "vkGetPipelineExecutablePropertiesKHR"));
  auto get_stats = reinterpret_cast<PFN_vkGetPipelineExecutableStatisticsKHR>(
      vkGetDeviceProcAddr(device_, "vkGetPipelineExecutableStatisticsKHR"));
  auto get_irs = reinterpret_cast<PFN_vkGetPipelineExecutableInternalRepresentationsKHR>(
      vkGetDeviceProcAddr(device_, "vkGetPipelineExecutableInternalRepresentationsKHR"));
  internal_assert(get_props && get_stats && get_irs)
      << "VK_KHR_pipeline_executable_properties enabled without its functions";
  auto pi = vk_struct<VkPipelineInfoKHR>(VK_STRUCTURE_TYPE_PIPELINE_INFO_KHR);
  pi.pipeline = pipeline.pipeline_;
  uint32_t n = 0;
  if (get_props(device_, &pi, &n, nullptr) != VK_SUCCESS) return out;
  std::vector<VkPipelineExecutablePropertiesKHR> props(
      n, vk_struct<VkPipelineExecutablePropertiesKHR>(
             VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_PROPERTIES_KHR));
  get_props(device_, &pi, &n, props.data());
  for (uint32_t e = 0; e < n; ++e) {
    auto ei =
        vk_struct<VkPipelineExecutableInfoKHR>(VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INFO_KHR);
    ei.pipeline = pipeline.pipeline_;
    ei.executableIndex = e;
    const std::string exe = props[e].name;
    out.push_back(
        {exe, "subgroupSize", "executable's subgroup size", std::to_string(props[e].subgroupSize)});
    uint32_t ns = 0;
    get_stats(device_, &ei, &ns, nullptr);
    std::vector<VkPipelineExecutableStatisticKHR> st(
        ns, vk_struct<VkPipelineExecutableStatisticKHR>(
                VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_STATISTIC_KHR));
    get_stats(device_, &ei, &ns, st.data());
    for (auto& s : st) out.push_back({exe, s.name, s.description, value_text(s)});
    if (!internal) continue;
    uint32_t nr = 0;
    get_irs(device_, &ei, &nr, nullptr);
    std::vector<VkPipelineExecutableInternalRepresentationKHR> irs(
        nr, vk_struct<VkPipelineExecutableInternalRepresentationKHR>(
                VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INTERNAL_REPRESENTATION_KHR));
    get_irs(device_, &ei, &nr, irs.data());  // sizes first
    std::vector<std::string> text(nr);
    for (uint32_t r = 0; r < nr; ++r) {
      text[r].assign(irs[r].dataSize, '\0');
      irs[r].pData = text[r].data();
    }
    get_irs(device_, &ei, &nr, irs.data());
    for (uint32_t r = 0; r < nr; ++r) {
      if (irs[r].isText && !text[r].empty() && text[r].back() == '\0') text[r].pop_back();
      out.push_back({exe, std::string("ir:") + irs[r].name, irs[r].description,
                     irs[r].isText ? text[r] : "(" + std::to_string(text[r].size()) + " bytes)"});
    }
  }
  return out;
}

}  // namespace webtx::runtime::vulkan
