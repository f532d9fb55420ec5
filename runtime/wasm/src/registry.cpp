#include "registry.hpp"

#include <cstdio>
#include <cstring>

#include "device_api.hpp"
#include "error.hpp"
#include "ndarray.hpp"

// The host stub's table (docs/abi.md, "Generated code").
extern "C" {
struct WebtxGeneratedFunction {
  const char* name;
  WebtxPackedFn fn;
};
extern const WebtxGeneratedFunction webtx_generated_functions[];
extern const int32_t webtx_generated_function_count;
}

namespace webtx::rt {

Registry& Registry::global() {
  static Registry r;
  static bool loaded = false;
  if (!loaded) {
    loaded = true;
    for (int32_t i = 0; i < webtx_generated_function_count; ++i) {
      r.add(webtx_generated_functions[i].name, webtx_generated_functions[i].fn);
    }
    char msg[64];
    int len = std::snprintf(msg, sizeof msg, "webtx: %d packed function(s) registered",
                            static_cast<int>(r.size()));
    webgpu_device().log(0, msg, len);  // level 0: debug
  }
  return r;
}

int32_t Registry::add(const char* name, WebtxPackedFn fn) {
  if (count_ == kCapacity || find(name) != 0) return 0;
  funcs_[count_] = {name, fn};
  return ++count_;
}

int32_t Registry::find(const char* name) const {
  for (int32_t i = 0; i < count_; ++i) {
    if (std::strcmp(funcs_[i].name, name) == 0) return i + 1;
  }
  return 0;
}

const PackedFunc* Registry::get(int32_t id) const {
  return id >= 1 && id <= count_ ? &funcs_[id - 1] : nullptr;
}

int32_t call_packed(const PackedFunc& f, const WebtxValue* args, int32_t nargs) {
  char msg[256];
  if (nargs < 0 ||
      (nargs > 0 && !in_memory(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(args)),
                               static_cast<uint32_t>(nargs) * sizeof(WebtxValue)))) {
    std::snprintf(msg, sizeof msg, "%s: %d arguments at address %u are outside linear memory",
                  f.name, static_cast<int>(nargs),
                  static_cast<unsigned>(reinterpret_cast<uintptr_t>(args)));
    set_error(msg);
    return 1;
  }
  for (int32_t i = 0; i < nargs; ++i) {
    if (args[i].type_code != WEBTX_TYPE_TENSOR) continue;  // the function checks kinds itself
    const char* why = nullptr;
    NDArray::view(args[i], &why);
    if (why) {
      std::snprintf(msg, sizeof msg, "%s: argument %d %s", f.name, static_cast<int>(i), why);
      set_error(msg);
      return 1;
    }
  }
  return f.fn(args, nargs);
}

}  // namespace webtx::rt
