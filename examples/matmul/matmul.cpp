// matmul: C[M, N] = A[M, K] B[K, N], every extent bound at run time, with the tiled schedule
// (workgroup tiles, A and B tiles in workgroup memory, accumulators in registers), and a
// GEMV-like kernel for calls with at most 64 rows (Stage::specialize).
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
  // Calls with a few rows (a batch of 1 to 64 vectors) would leave the 32x32 tiles nearly
  // empty: they run a GEMV-like version instead (each workgroup 32 columns of 4 rows, the K
  // loop shared by 16 invocations, B read as vec4). Specialize first: it copies the schedule.
  auto& skinny = s[C].specialize(M <= 64);
  gemv_2d(skinny.schedule(), C.op(),
          {.rows = 4, .cols = 32, .vec = 4, .k_threads = 16, .k_unroll = 2});
  // Every other call: the tiled schedule.
  auto& acc = s.cache_write(C.op(), ir::MemScope::Private);  // C's stage becomes the copy-out
  examples::schedule_tiled_matmul(s, s[C.op()], acc, A.op(), B.op());
  ctx.output("C", C);
}
