// matmul_fast_<N>: C[N, N] = A[N, N] B[N, N] with constant shapes and the fast schedule
// (fast_matmul.hpp). Constant shapes let lowering prove every bounds guard away and every
// vec4 access aligned; the benchmark builds one model per N. matmul_fast_small (non-square)
// and matmul_fast_any (symbolic M, N, K) are for the correctness tests on SwiftShader;
// matmul_fast_any also serves skinny calls (M <= 1, 8, 64) with GEMV-like kernel versions
// (specialize_skinny in fast_matmul.hpp).
#include <cstdlib>
#include <string>
#include <type_traits>

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
  if constexpr (std::is_same_v<E, Var>) examples::specialize_skinny(s[C.op()], M, C.op());
  auto& acc = s.cache_write(C.op(), ir::MemScope::Private);  // C's stage becomes the copy-out
  examples::schedule_fast_matmul(s, s[C.op()], acc, A.op(), B.op(), t);
  ctx.output("C", C);
}
}  // namespace

// One model, many variants (add_webgpu_model's PARAMS): N=<n> for an n x n x n matmul with
// constant shapes, N=small for 256 x 384 x 96 (non-square), N=any for symbolic M, N, K (every
// tail guarded, scalar copies); tile=<t> sets the workgroup's output tile; a_by_row=true reads A
// one row at a time (a schedule variant for comparison, e.g. `matmul_fast_small_generator -o out
// --model matmul_fast
// --name matmul_fast_row_1024 --param N=1024 --param a_by_row=true` writes its WGSL).
WEBTX_MODEL(matmul_fast, ctx) {
  const std::string n = ctx.param<std::string>("N", "small");
  examples::FastMatmulTiles tiles;
  tiles.tile = ctx.param<int64_t>("tile", tiles.tile);
  tiles.a_by_row = ctx.param("a_by_row", tiles.a_by_row);
  if (n == "any") return fast_matmul_model(ctx, Var("M"), Var("N"), Var("K"), tiles);
  if (n == "small") return fast_matmul_model<int64_t>(ctx, 256, 384, 96, tiles);
  char* end = nullptr;
  const long long size = std::strtoll(n.c_str(), &end, 10);
  user_assert(!n.empty() && *end == '\0' && size > 0)
      << "model matmul_fast: parameter 'N' is '" << n << "': expected small, any or a size";
  fast_matmul_model<int64_t>(ctx, size, size, size, tiles);
}
