#include "device_api.hpp"
#include "js_imports.hpp"

namespace webtx::rt {
namespace {

class WebGPUDevice final : public DeviceAPI {
 public:
  int32_t planned_buffer(int32_t index, int32_t nbytes) override {
    return webtx_js_planned_buffer(index, nbytes);
  }
  int32_t dispatch(const Dispatch& d) override {
    return webtx_js_dispatch(d.kernel, d.grid[0], d.grid[1], d.grid[2], d.handles, d.nhandles,
                             d.uniforms, d.uniform_bytes);
  }
  void log(int32_t level, const char* msg, int32_t len) override { webtx_js_log(level, msg, len); }
};

}  // namespace

DeviceAPI& webgpu_device() {
  static WebGPUDevice device;  // trivially destructible: no exit-time work
  return device;
}

}  // namespace webtx::rt
