#pragma once
// What the runtime needs from a device: buffers as opaque integer handles and recorded
// dispatches. The WebGPU implementation forwards every call to a JS closure; JS owns the
// device, the buffers and the command encoder (after TVM's webgpu_runtime.cc).
#include <cstdint>

namespace webtx::rt {

struct Dispatch {
  int32_t kernel;
  int32_t grid[3];
  const int32_t* handles;
  int32_t nhandles;
  const void* uniforms;
  int32_t uniform_bytes;
};

class DeviceAPI {
 public:
  // Planned buffer `index` (the model's memory plan) with >= nbytes bytes, kept by the device
  // across calls; 0 when the device cannot provide it.
  virtual int32_t planned_buffer(int32_t index, int32_t nbytes) = 0;
  // Returns 0, or nonzero when the device refused (lost device).
  virtual int32_t dispatch(const Dispatch& d) = 0;
  virtual void log(int32_t level, const char* msg, int32_t len) = 0;

 protected:
  ~DeviceAPI() = default;
};

// The device this module runs on: WebGPU through the webtx_js imports.
DeviceAPI& webgpu_device();

}  // namespace webtx::rt
