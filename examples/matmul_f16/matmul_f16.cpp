// matmul_f16: C = A B with f16 A and B on tensor cores (Stage::tensorize), accumulating in f32
// (C f32) or f16 (C f16). Built for target webgpu-subgroup-matrix. PARAMS (add_webgpu_model or
// the generator's --param) choose the variant, so a tile sweep is a list of builds:
//   N=<n> | small | any   n x n x n; small = 256 x 512 x 128 (tests); any = symbolic M, N, K
//                         (each must then be a multiple of its tile, checked per call)
//   acc=f32 | f16         the accumulation (and C's) type
//   layout=nn | nt        B is K x N (nn) or N x K (nt, a dense layer's weight)
//   bm, bn, bk            workgroup tile (rows, columns) and reduction step
//   sgm, sgn              subgroups per workgroup along rows and columns (32 invocations each)
//   db=true               double-buffered workgroup tiles (one barrier per step)
//   pad, group            f16 padding per staged row; row tiles per L2 group
//   frag=MxNxK            the subgroup-matrix shape (16x16x16, 16x8x16, 16x8x8 on NVIDIA)
// Defaults follow the hand-written anchor's best variants (shared/tools/anchor-matmul-f16.mjs):
// f32: 128 x 256 tiles, 2 x 4 subgroups of 64 x 64, BK 32, one buffer; f16: 256 x 256 tiles,
// 2 x 4 subgroups of 128 x 64.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include <webtx/generator.hpp>

using namespace webtx;

namespace {

template <typename Acc, bool NT, typename E>
void tensor_matmul(ModelContext& ctx, E M, E N, E K, const TensorizeConfig& cfg) {
  auto A = ctx.input<f16>("A", {M, K});
  auto B = NT ? ctx.input<f16>("B", {N, K}) : ctx.input<f16>("B", {K, N});
  RVar k(K, "k");
  auto C = compute(
      {M, N},
      [&](Var i, Var j) {
        auto product = [&](auto b) {
          if constexpr (std::is_same_v<Acc, f16>) {
            return sum(A(i, k) * b, k);
          } else {
            return sum(cast<Acc>(A(i, k)) * cast<Acc>(b), k);
          }
        };
        if constexpr (NT) {
          return product(B(j, k));
        } else {
          return product(B(k, j));
        }
      },
      "C");
  auto& s = ctx.schedule(C);
  auto& st = s[C];
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), cfg);
  ctx.output("C", C);
}

}  // namespace

WEBTX_MODEL(matmul_f16, ctx) {
  const std::string n = ctx.param<std::string>("N", "small");
  const bool f16acc = ctx.param<std::string>("acc", "f32") == "f16";
  const bool nt = ctx.param<std::string>("layout", "nn") == "nt";
  TensorizeConfig c;
  if (f16acc) c.block_m = 256, c.block_n = 256;
  c.block_m = ctx.param<int64_t>("bm", c.block_m);
  c.block_n = ctx.param<int64_t>("bn", c.block_n);
  c.block_k = ctx.param<int64_t>("bk", c.block_k);
  c.subgroups_m = static_cast<int>(ctx.param<int64_t>("sgm", c.subgroups_m));
  c.subgroups_n = static_cast<int>(ctx.param<int64_t>("sgn", c.subgroups_n));
  c.double_buffer = ctx.param("db", c.double_buffer);
  c.pad = static_cast<int>(ctx.param<int64_t>("pad", c.pad));
  c.group_m = static_cast<int>(ctx.param<int64_t>("group", c.group_m));
  const std::string frag = ctx.param<std::string>("frag", "16x16x16");
  user_assert(std::sscanf(frag.c_str(), "%dx%dx%d", &c.m, &c.n, &c.k) == 3)
      << "model matmul_f16: parameter 'frag' is '" << frag << "': expected MxNxK, e.g. 16x8x16";
  auto build = [&](auto M, auto N, auto K) {
    if (f16acc && nt) return tensor_matmul<f16, true>(ctx, M, N, K, c);
    if (f16acc) return tensor_matmul<f16, false>(ctx, M, N, K, c);
    if (nt) return tensor_matmul<f32, true>(ctx, M, N, K, c);
    tensor_matmul<f32, false>(ctx, M, N, K, c);
  };
  if (n == "any") return build(Var("M"), Var("N"), Var("K"));
  if (n == "small") return build(int64_t{256}, int64_t{512}, int64_t{128});
  char* end = nullptr;
  const long long size = std::strtoll(n.c_str(), &end, 10);
  user_assert(!n.empty() && *end == '\0' && size > 0)
      << "model matmul_f16: parameter 'N' is '" << n << "': expected small, any or a size";
  build(int64_t{size}, int64_t{size}, int64_t{size});
}
