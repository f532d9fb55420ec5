#pragma once
// What Stage::tensorize asks for: an output tile of a matmul-like reduction computed by
// subgroup matrices (tensor cores), after TVM's tensor intrinsics. One workgroup computes a
// block_m x block_n tile of C[i, j] = sum_k A[i, k] * B[k, j] (or B[j, k]); its subgroups form
// a subgroups_m x subgroups_n grid, each owning (block_m / subgroups_m) x (block_n /
// subgroups_n) of the tile as m x n result fragments; A and B go through workgroup memory
// block_k columns at a time, in one slice per subgroup so every fragment load has a constant
// offset and stride (docs/schedule.md, "tensorize").
#include <cstdint>
#include <string>

#include "webtx/ir.hpp"

namespace webtx {

struct TensorizeConfig {
  int m = 16, n = 16, k = 16;            // the subgroup-matrix shape: one multiply-accumulate
  int64_t block_m = 128, block_n = 256;  // output tile per workgroup
  int64_t block_k = 32;                  // reduction step staged in workgroup memory
  int subgroups_m = 2, subgroups_n = 4;  // subgroups per workgroup, as a grid over the tile
  bool double_buffer = false;            // two staging buffers: one barrier per step
  int pad = 8;                           // f16 elements appended to each staged row (banks)
  int group_m = 8;  // workgroup order: group_m row tiles sweep the column tiles together (L2)
};

// A stage's tensorize request, checked against the Target when lowering.
struct TensorizeSpec {
  ir::IterVar i, j, k;  // the output rows, output columns and the reduction
  TensorizeConfig config;
  std::string where;  // " (at file:line)" of the call
};

}  // namespace webtx
