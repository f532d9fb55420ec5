// C = A B (N x N x N) from the DSL with the example's fast schedule
// (examples/matmul_fast/fast_matmul.hpp), through lower(): the kernel webtx generates.
// clang-format off
#include "webtx/lower.hpp"  // before the DSL: its unqualified Var is ir::Variable
#include <examples/matmul_fast/fast_matmul.hpp>
#include <examples/ops/matmul.hpp>
// clang-format on

namespace webtx {

ir::Program generated_matmul(int64_t n, bool vectorize, bool a_by_row) {
  auto A = placeholder<f32>("A", {n, n});
  auto B = placeholder<f32>("B", {n, n});
  auto C = ops::matmul(A, B);
  Schedule s = create_schedule({C.op()});
  auto& acc = s.cache_write(C.op(), ir::MemScope::Private);
  examples::FastMatmulTiles t;
  t.a_by_row = a_by_row;
  examples::schedule_fast_matmul(s, s[C.op()], acc, A.op(), B.op(), t);
  LowerOptions o;
  o.vectorize = vectorize;
  o.target = target_by_name("webgpu-large");  // 8192^2 tensors need 1 GiB bindings
  return lower(s, "matmul", {A.op(), B.op()}, {C.op()}, o);
}

}  // namespace webtx
