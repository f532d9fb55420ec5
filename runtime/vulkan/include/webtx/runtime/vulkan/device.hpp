#pragma once
// The native Vulkan 1.1 device API: one physical device, one compute queue, storage buffers,
// compute pipelines from SPIR-V, and batched dispatch with GPU timestamps.
//
// Buffers live in the first DEVICE_LOCAL memory type; when that type is also host-visible
// and coherent (CPU drivers such as lavapipe, integrated GPUs) they are mapped directly,
// otherwise upload/download go through a temporary host-visible staging buffer.
#include <vulkan/vulkan.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace webtx::runtime::vulkan {

// Device properties and limits, worked out once at start-up.
struct DeviceInfo {
  std::string name;
  uint32_t api_version = 0;
  bool shader_float16 = false;        // enabled when supported
  bool storage_buffer_16bit = false;  // enabled when supported
  bool cooperative_matrix = false;    // VK_KHR_cooperative_matrix, enabled when supported
  uint32_t subgroup_size = 0;         // VkPhysicalDeviceSubgroupProperties::subgroupSize
  uint32_t max_shared_memory = 0;     // maxComputeSharedMemorySize
  uint32_t max_invocations = 0;       // maxComputeWorkGroupInvocations
  std::array<uint32_t, 3> max_workgroup_size{};
  std::array<uint32_t, 3> max_workgroup_count{};
  uint64_t max_storage_buffer_range = 0;
  bool timestamps = false;         // the compute queue supports timestamps
  double timestamp_period_ns = 0;  // ns per timestamp tick
  bool staged = false;             // buffers need a staging copy (not host-mappable)
  // VK_KHR_pipeline_executable_properties enabled (environment WEBTX_VK_PIPELINE_STATS=1 and
  // a driver that has it): pipelines capture their statistics and internal representations.
  bool pipeline_statistics = false;
};

// One statistic or internal representation of a compiled pipeline executable, as the driver
// names it (e.g. "Register Count"); `executable` is the driver's name for the executable.
struct PipelineStatistic {
  std::string executable, name, description, value;
};

class VulkanDevice;

// A device storage buffer (movable, owning).
class VulkanBuffer {
 public:
  VulkanBuffer() = default;
  VulkanBuffer(VulkanBuffer&& o) noexcept { *this = std::move(o); }
  VulkanBuffer& operator=(VulkanBuffer&& o) noexcept;
  VulkanBuffer(const VulkanBuffer&) = delete;
  VulkanBuffer& operator=(const VulkanBuffer&) = delete;
  ~VulkanBuffer() { reset(); }

  size_t size() const { return size_; }
  VkBuffer handle() const { return buffer_; }
  void reset();

 private:
  friend class VulkanDevice;
  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  void* mapped_ = nullptr;  // non-null when host-visible
  size_t size_ = 0;
};

// What a compute pipeline binds: storage buffers 0..n-1 and, optionally, a uniform block at n.
struct PipelineLayoutDesc {
  std::string name;  // the kernel, for error messages
  uint32_t num_storage_buffers = 0;
  bool has_uniform = false;
  std::array<uint32_t, 3> workgroup_size{1, 1, 1};
  uint64_t workgroup_bytes = 0;
  bool uses_f16 = false;
  // Subgroup matrices (tensorize; WebGPU 'chromium-experimental-subgroup-matrix'): needs
  // VK_KHR_cooperative_matrix and subgroups of this many invocations (0: none).
  uint32_t subgroup_matrix_size = 0;
};

class VulkanPipeline {
 public:
  ~VulkanPipeline();
  const PipelineLayoutDesc& desc() const { return desc_; }

 private:
  friend class VulkanDevice;
  VulkanPipeline() = default;
  VkDevice device_ = VK_NULL_HANDLE;
  PipelineLayoutDesc desc_;
  VkShaderModule module_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
};

// One recorded dispatch.
struct Dispatch {
  const VulkanPipeline* pipeline = nullptr;
  std::vector<const VulkanBuffer*> buffers;  // binding i
  std::vector<int32_t> uniforms;             // the uniform block's i32 fields
  std::array<uint32_t, 3> grid{1, 1, 1};     // workgroups per dimension
};

class VulkanDevice {
 public:
  // `device_filter`: pick the first device whose name contains it (case-insensitive); empty
  // means the environment variable WEBTX_VK_DEVICE, or else the first discrete/integrated GPU,
  // or else any device.
  explicit VulkanDevice(const std::string& device_filter = "");
  ~VulkanDevice();
  VulkanDevice(const VulkanDevice&) = delete;
  VulkanDevice& operator=(const VulkanDevice&) = delete;

  const DeviceInfo& info() const { return info_; }

  VulkanBuffer alloc(size_t bytes);
  void upload(VulkanBuffer& dst, const void* src, size_t bytes);
  void download(const VulkanBuffer& src, void* dst, size_t bytes);

  // Checks the kernel's needs against the device (UserError naming the kernel and the missing
  // feature or limit), then builds the pipeline. `symbols` non-empty: a shape-specialized
  // pipeline, the uniform block's fields fixed to these values (SPIR-V specialization constants
  // 0..n-1 and model::kSymbolsSpecializedSpecId; the block is still bound and must hold them).
  std::unique_ptr<VulkanPipeline> create_pipeline(const std::vector<uint32_t>& spirv,
                                                  const PipelineLayoutDesc& desc,
                                                  const std::vector<int32_t>& symbols = {});
  // Throws UserError if `desc` needs more than the device offers.
  void check_supported(const PipelineLayoutDesc& desc) const;

  // What the driver says about a pipeline's compiled code (VK_KHR_pipeline_executable_
  // properties): statistics, and with `internal` its internal representations (their text in
  // `value`). Empty unless info().pipeline_statistics.
  std::vector<PipelineStatistic> pipeline_statistics(const VulkanPipeline& pipeline,
                                                     bool internal = false) const;

  // Records all dispatches into one command buffer (a compute->compute memory barrier between
  // consecutive ones), submits and waits. With `timed`, returns each dispatch's GPU time in
  // nanoseconds from timestamps (UserError if the queue has none); otherwise an empty vector.
  std::vector<double> run(const std::vector<Dispatch>& dispatches, bool timed = false);

 private:
  uint32_t find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags want) const;
  VulkanBuffer make_buffer(size_t bytes, VkBufferUsageFlags usage, bool host_visible);
  void copy_buffer(VkBuffer src, VkBuffer dst, size_t bytes);
  VkCommandBuffer begin_commands();
  void submit_and_wait(VkCommandBuffer cb);

  DeviceInfo info_;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkPhysicalDeviceMemoryProperties mem_props_{};
};

}  // namespace webtx::runtime::vulkan
