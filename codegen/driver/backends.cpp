// The kernel-backend registry: one entry per name in WEBTX_KERNEL_BACKENDS
// (codegen/CMakeLists.txt), which CMake writes into webtx_kernel_backends.inc as
// WEBTX_BACKEND(<name>) lines. Each backend's library defines webtx_kernel_backend_<name>()
// with WEBTX_KERNEL_BACKEND; calling it here is what links the backend in.
#include "webtx/codegen/backend.hpp"

#define WEBTX_BACKEND(name) WEBTX_KERNEL_BACKEND(name);
#include "webtx_kernel_backends.inc"
#undef WEBTX_BACKEND

namespace webtx::codegen {

const std::vector<KernelBackend>& kernel_backends() {
  static const std::vector<KernelBackend> all = [] {
    std::vector<KernelBackend> v;
#define WEBTX_BACKEND(name) v.push_back(::webtx_kernel_backend_##name());
#include "webtx_kernel_backends.inc"
#undef WEBTX_BACKEND
    return v;
  }();
  return all;
}

}  // namespace webtx::codegen
