// matmul_fast_<N>: C[N, N] = A[N, N] B[N, N] with constant shapes and the fast schedule
// (fast_matmul.hpp). Constant shapes let lowering prove every bounds guard away and every
// vec4 access aligned; the benchmark builds one model per N. matmul_fast_small (non-square)
// and matmul_fast_any (symbolic M, N, K) are for the correctness tests on SwiftShader.
#include <webtx/generator.hpp>

#include "matmul_fast/fast_matmul.hpp"
#include "ops/matmul.hpp"

using namespace webtx;

namespace {
template <typename E>
void fast_matmul_model(ModelContext& ctx, E M, E N, E K, examples::FastMatmulTiles t = {}) {
  auto A = ctx.input<f32>("A", {M, K});
  auto B = ctx.input<f32>("B", {K, N});
  auto C = ops::matmul(A, B);
  auto& s = ctx.schedule(C);
  auto& acc = s.cache_write(C.op(), ir::MemScope::Private);  // C's stage becomes the copy-out
  examples::schedule_fast_matmul(s, s[C.op()], acc, A.op(), B.op(), t);
  ctx.output("C", C);
}
}  // namespace

WEBTX_MODEL(matmul_fast_small, ctx) { fast_matmul_model<int64_t>(ctx, 256, 384, 96); }
// Symbolic shapes: the same schedule with every tail guarded and scalar copies.
WEBTX_MODEL(matmul_fast_any, ctx) { fast_matmul_model(ctx, Var("M"), Var("N"), Var("K")); }
WEBTX_MODEL(matmul_fast_1024, ctx) { fast_matmul_model<int64_t>(ctx, 1024, 1024, 1024); }
WEBTX_MODEL(matmul_fast_2048, ctx) { fast_matmul_model<int64_t>(ctx, 2048, 2048, 2048); }
WEBTX_MODEL(matmul_fast_4096, ctx) { fast_matmul_model<int64_t>(ctx, 4096, 4096, 4096); }
WEBTX_MODEL(matmul_fast_8192, ctx) { fast_matmul_model<int64_t>(ctx, 8192, 8192, 8192); }

// The variant that reads A one row at a time (for comparison; WGSL only, not built as .wasm).
WEBTX_MODEL(matmul_fast_row_1024, ctx) {
  fast_matmul_model<int64_t>(ctx, 1024, 1024, 1024, {.a_by_row = true});
}
WEBTX_MODEL(matmul_fast_row_2048, ctx) {
  fast_matmul_model<int64_t>(ctx, 2048, 2048, 2048, {.a_by_row = true});
}
WEBTX_MODEL(matmul_fast_row_4096, ctx) {
  fast_matmul_model<int64_t>(ctx, 4096, 4096, 4096, {.a_by_row = true});
}
WEBTX_MODEL(matmul_fast_row_8192, ctx) {
  fast_matmul_model<int64_t>(ctx, 8192, 8192, 8192, {.a_by_row = true});
}
