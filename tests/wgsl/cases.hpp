#pragma once
// The case families; each appends its cases.
#include <vector>

#include "case_writer.hpp"

namespace wgsl_test {
void add_basic_cases(std::vector<Case>& out);      // vector add, matmul, reduction, loops
void add_dtype_cases(std::vector<Case>& out);      // i32, u32, f16, bool, casts, select
void add_intrinsic_cases(std::vector<Case>& out);  // every intrinsic, f32 and f16
}  // namespace wgsl_test
