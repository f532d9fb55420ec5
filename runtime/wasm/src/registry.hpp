#pragma once
// Type-erased packed functions (after TVM's PackedFunc): every callable has the signature
// int32_t(const WebtxValue*, int32_t). The registry holds the generated model functions
// (read from the host stub's table on first use) plus any the runtime adds, and hands JS small
// integer ids (index + 1; 0 means "absent"), never raw function pointers.
#include <cstdint>

#include "webtx/wasm_abi.h"  // WebtxPackedFn

namespace webtx::rt {

struct PackedFunc {
  const char* name;
  WebtxPackedFn fn;
};

class Registry {
 public:
  static Registry& global();
  // Adds a function; returns its id, or 0 when full or the name is taken.
  int32_t add(const char* name, WebtxPackedFn fn);
  int32_t find(const char* name) const;     // 0 when absent
  const PackedFunc* get(int32_t id) const;  // nullptr when invalid
  int32_t size() const { return count_; }

 private:
  static constexpr int32_t kCapacity = 64;
  PackedFunc funcs_[kCapacity] = {};
  int32_t count_ = 0;
};

// Validates the arguments' memory (so a bad pointer is an error, not a trap), then calls.
int32_t call_packed(const PackedFunc& f, const WebtxValue* args, int32_t nargs);

}  // namespace webtx::rt
