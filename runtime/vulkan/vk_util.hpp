#pragma once
// Small helpers shared by the Vulkan runtime's sources.
#include <vulkan/vulkan.h>

namespace webtx::runtime::vulkan {

// A zero-initialised Vulkan info struct with its sType set.
template <typename T>
T vk_struct(VkStructureType type) {
  T t{};
  t.sType = type;
  return t;
}

}  // namespace webtx::runtime::vulkan
