#pragma once
// The contract between lowering and every backend: one GPU compute kernel.
//
//  * `buffers` are the kernel's storage buffers, bound at @group(0) @binding(i) in this order;
//    each is a Global-scope Buffer indexed flat. Bool tensors are stored as u32 (0/1).
//  * `scalars` are the symbolic extents (i32 Vars) the body and grid use. If non-empty they
//    are passed in one uniform block bound at binding `buffers.size()`: a struct of i32 fields
//    in this order, padded to a multiple of 16 bytes.
//  * the body runs once per invocation; ThreadIndex nodes read workgroup_id /
//    local_invocation_id. `workgroup_size` is constant; `grid` (workgroups per dimension) are
//    expressions over `scalars` that the host evaluates before dispatch.
//  * Allocate nodes in the body declare Workgroup (shared) and Private arrays of constant size.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "webtx/ir/stmt.hpp"

namespace webtx::ir {

struct KernelBuffer {
  Buffer buffer;
  bool read = false;     // the body loads from it
  bool written = false;  // the body stores to it
};

struct Kernel {
  std::string name;
  // Which workgroups and shapes this kernel serves when lowering made several versions of one
  // stage (webtx/lower/partition_loops.hpp); empty for the only version.
  std::string variant;
  std::vector<KernelBuffer> buffers;
  std::vector<Expr> scalars;  // Vars, i32
  std::array<int64_t, 3> workgroup_size{1, 1, 1};
  std::array<Expr, 3> grid;
  Stmt body;

  // Bytes of workgroup memory the body allocates (for device-limit checks).
  int64_t workgroup_bytes = 0;
  bool uses_f16 = false;
  bool uses_subgroups = false;  // Subgroup nodes: needs the "subgroups" feature
  // > 0: the body has MatrixOp statements (needs "chromium-experimental-subgroup-matrix") and
  // assumes subgroups of this many consecutive invocations of the linear local index (each
  // subgroup owns one set of fragments; tensorize writes kernels for 32, NVIDIA's size).
  int subgroup_matrix_size = 0;
};

}  // namespace webtx::ir
