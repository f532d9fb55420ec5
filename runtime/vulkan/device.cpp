#include "webtx/runtime/vulkan/device.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "vk_util.hpp"
#include "webtx/error.hpp"

namespace webtx::runtime::vulkan {
namespace {

// VK_KHR_cooperative_matrix's feature struct (Vulkan headers 1.3.255+; Debian 12 has 1.3.239).
constexpr const char* kCooperativeMatrixExtension = "VK_KHR_cooperative_matrix";
struct CooperativeMatrixFeatures {
  VkStructureType sType = static_cast<VkStructureType>(1000506000);
  void* pNext = nullptr;
  VkBool32 cooperativeMatrix = VK_FALSE;
  VkBool32 cooperativeMatrixRobustBufferAccess = VK_FALSE;
};

// Device loss and exhaustion are things a user can hit; anything else is our bug.
void check(VkResult r, const char* what) {
  if (r == VK_SUCCESS) return;
  user_assert(r != VK_ERROR_OUT_OF_DEVICE_MEMORY && r != VK_ERROR_OUT_OF_HOST_MEMORY)
      << "Vulkan: out of memory in " << what;
  user_assert(r != VK_ERROR_DEVICE_LOST) << "Vulkan: device lost in " << what;
  user_assert(r != VK_ERROR_INCOMPATIBLE_DRIVER && r != VK_ERROR_INITIALIZATION_FAILED)
      << "Vulkan: no usable driver (" << what << " returned " << static_cast<int>(r)
      << "); set VK_ICD_FILENAMES to a Vulkan 1.1 driver";
  internal_error << "Vulkan: " << what << " failed with VkResult " << static_cast<int>(r);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool has_extension(VkPhysicalDevice pd, const char* name) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, exts.data());
  for (auto& e : exts) {
    if (std::strcmp(e.extensionName, name) == 0) return true;
  }
  return false;
}

}  // namespace

// ---- buffers ----------------------------------------------------------------------------------

VulkanBuffer& VulkanBuffer::operator=(VulkanBuffer&& o) noexcept {
  if (this != &o) {
    reset();
    device_ = o.device_, buffer_ = o.buffer_, memory_ = o.memory_, mapped_ = o.mapped_;
    size_ = o.size_;
    o.buffer_ = VK_NULL_HANDLE, o.memory_ = VK_NULL_HANDLE, o.mapped_ = nullptr, o.size_ = 0;
  }
  return *this;
}

void VulkanBuffer::reset() {
  if (device_ == VK_NULL_HANDLE) return;
  if (buffer_) vkDestroyBuffer(device_, buffer_, nullptr);
  if (memory_) vkFreeMemory(device_, memory_, nullptr);  // unmaps implicitly
  buffer_ = VK_NULL_HANDLE, memory_ = VK_NULL_HANDLE, mapped_ = nullptr, size_ = 0;
}

VulkanPipeline::~VulkanPipeline() {
  if (pipeline_) vkDestroyPipeline(device_, pipeline_, nullptr);
  if (layout_) vkDestroyPipelineLayout(device_, layout_, nullptr);
  if (set_layout_) vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
  if (module_) vkDestroyShaderModule(device_, module_, nullptr);
}

// ---- device -----------------------------------------------------------------------------------

VulkanDevice::VulkanDevice(const std::string& device_filter) {
  auto app = vk_struct<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "webtx";
  app.apiVersion = VK_API_VERSION_1_1;
  auto ici = vk_struct<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  ici.pApplicationInfo = &app;
  check(vkCreateInstance(&ici, nullptr, &instance_), "vkCreateInstance");

  uint32_t n = 0;
  vkEnumeratePhysicalDevices(instance_, &n, nullptr);
  std::vector<VkPhysicalDevice> devices(n);
  vkEnumeratePhysicalDevices(instance_, &n, devices.data());

  std::string filter = device_filter;
  if (filter.empty()) {
    if (const char* env = std::getenv("WEBTX_VK_DEVICE")) filter = env;
  }
  std::string names;
  int best_rank = -1;
  for (auto pd : devices) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(pd, &p);
    names += std::string(names.empty() ? "" : ", ") + p.deviceName;
    if (p.apiVersion < VK_API_VERSION_1_1) continue;
    int rank = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? 3
               : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? 2
               : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU            ? 0
                                                                        : 1;
    if (!filter.empty()) {
      if (lower(p.deviceName).find(lower(filter)) == std::string::npos) continue;
      rank = 10;
    }
    if (rank > best_rank) best_rank = rank, physical_ = pd;
  }
  user_assert(physical_ != VK_NULL_HANDLE)
      << "no Vulkan 1.1 device" << (filter.empty() ? "" : " matching '" + filter + "'")
      << " (devices: " << (names.empty() ? "none" : names) << ")";

  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physical_, &props);
  info_.name = props.deviceName;
  info_.api_version = props.apiVersion;
  info_.max_shared_memory = props.limits.maxComputeSharedMemorySize;
  info_.max_invocations = props.limits.maxComputeWorkGroupInvocations;
  for (int d = 0; d < 3; ++d) {
    info_.max_workgroup_size[d] = props.limits.maxComputeWorkGroupSize[d];
    info_.max_workgroup_count[d] = props.limits.maxComputeWorkGroupCount[d];
  }
  info_.max_storage_buffer_range = props.limits.maxStorageBufferRange;
  info_.timestamp_period_ns = props.limits.timestampPeriod;

  // Optional features: 16-bit storage (core in 1.1), f16 arithmetic (an extension in 1.1) and
  // cooperative matrices (tensor cores; the extension is newer than Debian 12's headers).
  const bool f16_ext = has_extension(physical_, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
  const bool coop_ext = has_extension(physical_, kCooperativeMatrixExtension);
  auto coop = CooperativeMatrixFeatures{};
  auto f16 = vk_struct<VkPhysicalDeviceShaderFloat16Int8FeaturesKHR>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES_KHR);
  auto s16 = vk_struct<VkPhysicalDevice16BitStorageFeatures>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
  auto feats = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
  feats.pNext = &s16;
  if (f16_ext) s16.pNext = &f16;
  if (coop_ext) coop.pNext = feats.pNext, feats.pNext = &coop;
  vkGetPhysicalDeviceFeatures2(physical_, &feats);
  info_.shader_float16 = f16_ext && f16.shaderFloat16;
  // WEBTX_VK_NO_F16=1: act as a device without f16 arithmetic (tests the refusal on lavapipe).
  if (const char* no_f16 = std::getenv("WEBTX_VK_NO_F16"); no_f16 && *no_f16 && *no_f16 != '0')
    info_.shader_float16 = false;
  info_.storage_buffer_16bit = s16.storageBuffer16BitAccess;
  info_.cooperative_matrix = coop_ext && coop.cooperativeMatrix;
  auto sg = vk_struct<VkPhysicalDeviceSubgroupProperties>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
  auto props2 =
      vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
  props2.pNext = &sg;
  vkGetPhysicalDeviceProperties2(physical_, &props2);
  info_.subgroup_size = sg.subgroupSize;

  uint32_t nq = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &nq, nullptr);
  std::vector<VkQueueFamilyProperties> qf(nq);
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &nq, qf.data());
  bool found = false;
  for (uint32_t i = 0; i < nq && !found; ++i) {
    if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      queue_family_ = i, found = true;
      info_.timestamps = qf[i].timestampValidBits > 0;
    }
  }
  user_assert(found) << "Vulkan device '" << info_.name << "' has no compute queue";

  float priority = 1.0f;
  auto qci = vk_struct<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  qci.queueFamilyIndex = queue_family_;
  qci.queueCount = 1;
  qci.pQueuePriorities = &priority;
  // Enable exactly the optional features found above.
  auto f16_on = vk_struct<VkPhysicalDeviceShaderFloat16Int8FeaturesKHR>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES_KHR);
  f16_on.shaderFloat16 = info_.shader_float16;
  auto s16_on = vk_struct<VkPhysicalDevice16BitStorageFeatures>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
  s16_on.storageBuffer16BitAccess = info_.storage_buffer_16bit;
  std::vector<const char*> exts;
  if (info_.shader_float16) {
    exts.push_back(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
    s16_on.pNext = &f16_on;
  }
  auto coop_on = CooperativeMatrixFeatures{};
  if (info_.cooperative_matrix) {
    exts.push_back(kCooperativeMatrixExtension);
    coop_on.cooperativeMatrix = VK_TRUE;
    coop_on.pNext = &s16_on;
  }
  auto dci = vk_struct<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
  dci.pNext = info_.cooperative_matrix ? static_cast<void*>(&coop_on) : &s16_on;
  // WEBTX_VK_PIPELINE_STATS=1: VK_KHR_pipeline_executable_properties where the driver has it,
  // so pipeline_statistics() can report registers, spills, ... (bench_vulkan_f16 --stats).
  auto exec_on = vk_struct<VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR);
  auto exec_has = vk_struct<VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR);
  const char* want_stats = std::getenv("WEBTX_VK_PIPELINE_STATS");
  if (want_stats && *want_stats && *want_stats != '0' &&
      has_extension(physical_, VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME)) {
    auto f2 = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
    f2.pNext = &exec_has;
    vkGetPhysicalDeviceFeatures2(physical_, &f2);
  }
  if (exec_has.pipelineExecutableInfo) {
    info_.pipeline_statistics = true;
    exts.push_back(VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME);
    exec_on.pipelineExecutableInfo = VK_TRUE;
    exec_on.pNext = const_cast<void*>(dci.pNext);
    dci.pNext = &exec_on;
  }
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  dci.enabledExtensionCount = static_cast<uint32_t>(exts.size());
  dci.ppEnabledExtensionNames = exts.data();
  check(vkCreateDevice(physical_, &dci, nullptr, &device_), "vkCreateDevice");
  vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

  auto pci = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pci.queueFamilyIndex = queue_family_;
  check(vkCreateCommandPool(device_, &pci, nullptr, &pool_), "vkCreateCommandPool");
  auto fci = vk_struct<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
  check(vkCreateFence(device_, &fci, nullptr, &fence_), "vkCreateFence");

  vkGetPhysicalDeviceMemoryProperties(physical_, &mem_props_);
  // Probe where storage buffers land, to know whether they are host-mappable.
  VulkanBuffer probe = alloc(16);
  info_.staged = probe.mapped_ == nullptr;
}

VulkanDevice::~VulkanDevice() {
  if (device_) {
    vkDeviceWaitIdle(device_);
    if (fence_) vkDestroyFence(device_, fence_, nullptr);
    if (pool_) vkDestroyCommandPool(device_, pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

uint32_t VulkanDevice::find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags want) const {
  // Types are ordered so that the first match has the fewest extra properties.
  for (uint32_t i = 0; i < mem_props_.memoryTypeCount; ++i) {
    if ((type_bits & (1u << i)) && (mem_props_.memoryTypes[i].propertyFlags & want) == want) {
      return i;
    }
  }
  return UINT32_MAX;
}

VulkanBuffer VulkanDevice::make_buffer(size_t bytes, VkBufferUsageFlags usage, bool host_visible) {
  VulkanBuffer b;
  b.device_ = device_;
  b.size_ = bytes;
  auto bci = vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  bci.size = std::max<size_t>(bytes, 16);  // Vulkan forbids empty buffers
  bci.usage = usage;
  bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check(vkCreateBuffer(device_, &bci, nullptr, &b.buffer_), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, b.buffer_, &req);
  const VkMemoryPropertyFlags coherent =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  uint32_t type = host_visible
                      ? find_memory_type(req.memoryTypeBits, coherent)
                      : find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  if (type == UINT32_MAX) type = find_memory_type(req.memoryTypeBits, 0);
  internal_assert(type != UINT32_MAX) << "no memory type for a buffer";
  auto mai = vk_struct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = type;
  check(vkAllocateMemory(device_, &mai, nullptr, &b.memory_), "vkAllocateMemory");
  check(vkBindBufferMemory(device_, b.buffer_, b.memory_, 0), "vkBindBufferMemory");
  if ((mem_props_.memoryTypes[type].propertyFlags & coherent) == coherent) {
    check(vkMapMemory(device_, b.memory_, 0, VK_WHOLE_SIZE, 0, &b.mapped_), "vkMapMemory");
  }
  return b;
}

VulkanBuffer VulkanDevice::alloc(size_t bytes) {
  user_assert(bytes <= info_.max_storage_buffer_range)
      << "buffer of " << bytes << " bytes exceeds the device's maxStorageBufferRange ("
      << info_.max_storage_buffer_range << ") on '" << info_.name << "'";
  return make_buffer(bytes,
                     VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                         VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                     false);
}

VkCommandBuffer VulkanDevice::begin_commands() {
  auto ai = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  ai.commandPool = pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cb;
  check(vkAllocateCommandBuffers(device_, &ai, &cb), "vkAllocateCommandBuffers");
  auto bi = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(cb, &bi), "vkBeginCommandBuffer");
  return cb;
}

void VulkanDevice::submit_and_wait(VkCommandBuffer cb) {
  check(vkEndCommandBuffer(cb), "vkEndCommandBuffer");
  auto si = vk_struct<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cb;
  check(vkResetFences(device_, 1, &fence_), "vkResetFences");
  check(vkQueueSubmit(queue_, 1, &si, fence_), "vkQueueSubmit");
  check(vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  vkFreeCommandBuffers(device_, pool_, 1, &cb);
}

void VulkanDevice::copy_buffer(VkBuffer src, VkBuffer dst, size_t bytes) {
  if (bytes == 0) return;
  VkCommandBuffer cb = begin_commands();
  VkBufferCopy region{0, 0, bytes};
  vkCmdCopyBuffer(cb, src, dst, 1, &region);
  submit_and_wait(cb);
}

void VulkanDevice::upload(VulkanBuffer& dst, const void* src, size_t bytes) {
  internal_assert(bytes <= dst.size()) << "upload of " << bytes << " into " << dst.size();
  if (bytes == 0) return;  // an empty tensor: its data() may be null (memcpy's UB)
  if (dst.mapped_) {
    std::memcpy(dst.mapped_, src, bytes);
    return;
  }
  VulkanBuffer staging = make_buffer(bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
  std::memcpy(staging.mapped_, src, bytes);
  copy_buffer(staging.buffer_, dst.buffer_, bytes);
}

void VulkanDevice::download(const VulkanBuffer& src, void* dst, size_t bytes) {
  internal_assert(bytes <= src.size()) << "download of " << bytes << " from " << src.size();
  if (bytes == 0) return;  // an empty output: its data() may be null (memcpy's UB)
  if (src.mapped_) {
    std::memcpy(dst, src.mapped_, bytes);
    return;
  }
  VulkanBuffer staging = make_buffer(bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
  copy_buffer(src.buffer_, staging.buffer_, bytes);
  std::memcpy(dst, staging.mapped_, bytes);
}

}  // namespace webtx::runtime::vulkan
