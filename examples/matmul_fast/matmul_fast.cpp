// matmul_fast_<N>: C[N, N] = A[N, N] B[N, N] with constant shapes and the fast schedule
// (fast_matmul.hpp). Constant shapes let lowering prove every bounds guard away and every
// vec4 access aligned; the benchmark builds one model per N. matmul_fast_small (non-square)
// and matmul_fast_any (symbolic M, N, K) are for the correctness tests on SwiftShader;
// matmul_fast_any also serves skinny calls (M <= 1, 8, 64) and calls too small to fill the GPU
// with 128x128 tiles with other kernel versions (schedule_any_shape in fast_matmul.hpp).
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <type_traits>

#include <webtx/generator.hpp>

#include "matmul_fast/fast_matmul.hpp"
#include "ops/matmul.hpp"

using namespace webtx;

namespace {
template <typename E>
void fast_matmul_model(ModelContext& ctx, E M, E N, E K, examples::FastMatmulTiles t,
                       const examples::AnyShapeVersions& versions) {
  auto A = ctx.input<f32>("A", {M, K});
  auto B = ctx.input<f32>("B", {K, N});
  auto C = ops::matmul(A, B);
  auto& s = ctx.schedule(C);
  if constexpr (std::is_same_v<E, Var>) {
    examples::schedule_any_shape(s, M, N, C.op(), A.op(), B.op(), versions);
  } else {
    auto& acc = s.cache_write(C.op(), ir::MemScope::Private);  // C's stage becomes the copy-out
    examples::schedule_fast_matmul(s, s[C.op()], acc, A.op(), B.op(), t);
  }
  ctx.output("C", C);
}

// A kernel version from a parameter: "off", "gemv:<rows>/<cols>/<k_threads>/<k_unroll>",
// "tiles:<tile_m>x<tile_n>/<block_m>x<block_n>/<step_k>" or split-K
// "splitk:<k per part>/<tile_m>x<tile_n>/<block_m>x<block_n>/<step_k>".
std::optional<examples::MatmulVersion> parse_version(const std::string& param,
                                                     const std::string& text) {
  using Kind = examples::MatmulVersion::Kind;
  examples::MatmulVersion v;
  long long a = 0, b = 0, c = 0, d = 0, e = 0;
  int used = 0;
  auto whole = [&](int n, int want) { return n == want && used == int(text.size()); };
  if (text == "off") return std::nullopt;
  if (whole(std::sscanf(text.c_str(), "gemv:%lld/%lld/%lld/%lld%n", &a, &b, &c, &d, &used), 4)) {
    v.kind = Kind::Gemv;
    v.gemv = {.rows = a, .cols = b, .vec = 4, .k_threads = c, .k_unroll = d};
    return v;
  }
  used = 0;
  long long split = 0;
  v.kind = Kind::Tiles;
  bool ok = whole(
      std::sscanf(text.c_str(), "tiles:%lldx%lld/%lldx%lld/%lld%n", &a, &b, &c, &d, &e, &used), 5);
  if (!ok) {
    used = 0;
    ok = whole(std::sscanf(text.c_str(), "splitk:%lld/%lldx%lld/%lldx%lld/%lld%n", &split, &a, &b,
                           &c, &d, &e, &used),
               6) &&
         split > 0 && split % e == 0;
    v.kind = Kind::SplitK, v.split_k = split;
  }
  user_assert(ok && a > 0 && b > 0 && c > 0 && d > 0 && e > 0 && a % c == 0 && b % d == 0 &&
              d % 4 == 0)
      << "model matmul_fast: parameter '" << param << "' is '" << text << "': expected off, "
      << "gemv:R/C/KT/KU, tiles:TMxTN/BMxBN/SK or splitk:L/TMxTN/BMxBN/SK (tiles that divide "
      << "by the blocks, BN a multiple of 4, L a multiple of SK)";
  v.tiles = {.tile_m = a, .tile_n = b, .block_m = c, .block_n = d, .step_k = e};
  return v;
}
}  // namespace

// One model, many variants (add_webgpu_model's PARAMS): N=<n> for an n x n x n matmul with
// constant shapes, N=small for 256 x 384 x 96 (non-square), N=any for symbolic M, N, K (every
// tail guarded, scalar copies); tile=<t> sets the workgroup's output tile; a_by_row=true reads A
// one row at a time (a schedule variant for comparison, e.g. `matmul_fast_small_generator -o out
// --model matmul_fast --name matmul_fast_row_1024 --param N=1024 --param a_by_row=true` writes
// its WGSL). N=any only: m64=<version> (calls with 8 < M <= 64), m8=<version> (1 < M <= 8),
// small=<version> (calls whose 128x128 tiles number fewer than small_below=<count>), versions as
// parse_version reads them.
WEBTX_MODEL(matmul_fast, ctx) {
  const std::string n = ctx.param<std::string>("N", "small");
  examples::FastMatmulTiles tiles;
  tiles.tile_m = tiles.tile_n = ctx.param<int64_t>("tile", tiles.tile_m);
  tiles.a_by_row = ctx.param("a_by_row", tiles.a_by_row);
  examples::AnyShapeVersions versions;
  versions.general = tiles;
  if (n == "any") {
    versions.m8 = parse_version("m8", ctx.param<std::string>("m8", "splitk:256/8x32/2x4/16"));
    versions.m64 = parse_version("m64", ctx.param<std::string>("m64", "splitk:256/32x32/4x4/16"));
    versions.small = parse_version("small", ctx.param<std::string>("small", "tiles:64x64/4x4/16"));
    versions.small_below = ctx.param<int64_t>("small_below", versions.small_below);
    if (versions.small && versions.small->kind == examples::MatmulVersion::Kind::Tiles)
      versions.small->tiles.vector_a_copy = ctx.param("small_vector_a", false);
    return fast_matmul_model(ctx, Var("M"), Var("N"), Var("K"), tiles, versions);
  }
  if (n == "small") return fast_matmul_model<int64_t>(ctx, 256, 384, 96, tiles, versions);
  char* end = nullptr;
  const long long size = std::strtoll(n.c_str(), &end, 10);
  user_assert(!n.empty() && *end == '\0' && size > 0)
      << "model matmul_fast: parameter 'N' is '" << n << "': expected small, any or a size";
  fast_matmul_model<int64_t>(ctx, size, size, size, tiles, versions);
}
