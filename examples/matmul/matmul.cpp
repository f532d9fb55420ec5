// matmul: C[M, N] = A[M, K] B[K, N], every extent bound at run time, with the tiled schedule
// (workgroup tiles, A and B tiles in workgroup memory, accumulators in registers).
#include <webtx/generator.hpp>

#include "matmul/tiled_matmul.hpp"
#include "ops/matmul.hpp"

using namespace webtx;

WEBTX_MODEL(matmul, ctx) {
  Var M("M"), N("N"), K("K");
  auto A = ctx.input<f32>("A", {M, K});
  auto B = ctx.input<f32>("B", {K, N});
  auto C = ops::matmul(A, B);

  auto& s = ctx.schedule(C);
  auto& acc = s.cache_write(C.op(), ir::MemScope::Private);  // C's stage becomes the copy-out
  examples::schedule_tiled_matmul(s, s[C.op()], acc, A.op(), B.op());
  ctx.output("C", C);
}
