// Workgroup memory, barriers, loops: tiled matmuls and a workgroup reduction on lavapipe.
#include "hand_kernels.hpp"
#include "vk_test_util.hpp"

namespace webtx::spirv_test {
namespace {

std::vector<float> ref_matmul(const std::vector<float>& a, const std::vector<float>& b, int M,
                              int N, int K) {
  std::vector<float> c(static_cast<size_t>(M) * N, 0.0f);
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int k = 0; k < K; ++k) s += static_cast<double>(a[i * K + k]) * b[k * N + j];
      c[i * N + j] = static_cast<float>(s);
    }
  }
  return c;
}

void check_matmul(const MatmulTiling& t, const std::string& tag,
                  std::vector<std::array<int, 3>> shapes) {
  Program p = tiled_matmul(t, "matmul");
  rt::VulkanProgram prog(device(), p, compile(p, tag));
  for (auto [M, N, K] : shapes) {
    auto a = random_values<float>(static_cast<size_t>(M) * K, -1, 1, 3);
    auto b = random_values<float>(static_cast<size_t>(K) * N, -1, 1, 4);
    rt::TensorMap tm{{"A", rt::tensor_from(DType::f32(), {M, K}, a)},
                     {"B", rt::tensor_from(DType::f32(), {K, N}, b)}};
    prog.run(tm);
    auto c = rt::tensor_values<float>(tm.at("C"));
    auto ref = ref_matmul(a, b, M, N, K);
    // f32 accumulation over K terms of magnitude <= 1: error well under 1e-4 * K.
    const float tol = 1e-5f * static_cast<float>(K) + 1e-5f;
    for (size_t i = 0; i < ref.size(); ++i) {
      ASSERT_NEAR(c[i], ref[i], tol)
          << tag << " M=" << M << " N=" << N << " K=" << K << " at " << i;
    }
  }
}

TEST(SpirvKernels, TiledMatmulOneOutputPerInvocation) {
  MatmulTiling t{16, 16, 16, 1, 1, true, false};
  check_matmul(t, "matmul_16x16", {{16, 16, 16}, {33, 17, 40}, {5, 70, 3}});
}

TEST(SpirvKernels, TiledMatmulRegisterBlocked) {
  MatmulTiling t{64, 64, 16, 4, 4, true, true};
  check_matmul(t, "matmul_64x64_r4", {{64, 64, 32}, {100, 70, 45}, {1, 130, 17}});
}

TEST(SpirvKernels, TiledMatmulUnguardedWhenShapesDivide) {
  MatmulTiling t{32, 32, 8, 2, 2, false, true};
  check_matmul(t, "matmul_32x32_noguard", {{64, 96, 24}});
}

// One partial sum per workgroup: a tree reduction in workgroup memory with barriers.
TEST(SpirvKernels, WorkgroupReduction) {
  Expr n = i32v("n"), groups = i32v("groups");
  Buffer x = global("x", DType::f32(), {n});
  Buffer out = global("partial", DType::f32(), {groups});
  Buffer sh = make_buffer("sh", DType::f32(), MemScope::Workgroup, {Expr(64)});
  Expr i = i32v("i"), t = i32v("t");
  std::vector<Stmt> s;
  s.push_back(IfThenElse::make(i < n, store(sh, t, load(x, i)), store(sh, t, f32c(0))));
  s.push_back(Barrier::make());
  for (int stride = 32; stride >= 1; stride /= 2) {
    s.push_back(IfThenElse::make(t < stride, store(sh, t, load(sh, t) + load(sh, t + stride))));
    s.push_back(Barrier::make());
  }
  s.push_back(IfThenElse::make(EQ::make(t, 0), store(out, wid(0), load(sh, 0))));
  Kernel k;
  k.name = "wg_reduce";
  k.buffers = {{x, true, false}, {out, false, true}};
  k.scalars = {n, groups};
  k.workgroup_size = {64, 1, 1};
  k.grid = {groups, Expr(1), Expr(1)};
  k.workgroup_bytes = 256;
  k.body = Allocate::make(
      sh, LetStmt::make(t, lid(0), LetStmt::make(i, wid(0) * 64 + t, seq(std::move(s)))));
  Program p = single_kernel_program(k, {n, groups});
  const int N = 1000, G = (N + 63) / 64;
  auto v = random_values<float>(N, -1, 1, 7);
  rt::TensorMap tm{{"x", rt::tensor_from(DType::f32(), {N}, v)}};
  rt::RunOptions o;
  o.symbols["groups"] = G;  // not an axis of any input: bound explicitly
  run(p, "wg_reduce", tm, o);
  auto part = rt::tensor_values<float>(tm.at("partial"));
  ASSERT_EQ(part.size(), static_cast<size_t>(G));
  for (int g = 0; g < G; ++g) {
    double ref = 0;
    for (int j = g * 64; j < std::min(N, g * 64 + 64); ++j) ref += v[j];
    EXPECT_NEAR(part[g], ref, 1e-4) << "group " << g;
  }
}

// Serial loops with a symbolic extent, unrolled and vectorized loops (short: replicated at
// emission; long: a loop with no unroll hint, which spirv-opt keeps a loop), nested.
TEST(SpirvKernels, LoopKinds) {
  Expr n = i32v("n"), m = i32v("m");
  Buffer x = global("x", DType::i32(), {n, m});
  Buffer y = global("y", DType::i32(), {n});
  Buffer acc = make_buffer("acc", DType::i32(), MemScope::Private, {Expr(4)});
  Expr r = i32v("r"), j = i32v("j"), u = i32v("u"), w = i32v("w"), q = i32v("q");
  // y[r] = sum_j x[r, j] * (j % 3) + sum_{u<4} u*r + sum_{w<100} w + sum_{q in 1..2} q*acc[q]
  Stmt body = seq({
      loop(q, 0, 4, ForKind::Vectorized, store(acc, q, Expr(0))),
      loop(j, 0, m, ForKind::Serial, store(acc, 0, load(acc, 0) + load(x, r * m + j) * (j % 3))),
      loop(u, 0, 4, ForKind::Unrolled, store(acc, 1, load(acc, 1) + u * r)),
      loop(w, 0, 100, ForKind::Unrolled, store(acc, 2, load(acc, 2) + w)),
      loop(q, 1, 2, ForKind::Unrolled, store(acc, 3, load(acc, 3) + q * load(acc, q))),
      store(y, r, load(acc, 0) + load(acc, 1) + load(acc, 2) + load(acc, 3)),
  });
  Kernel k;
  k.name = "loops";
  k.buffers = {{x, true, false}, {y, false, true}};
  k.scalars = {n, m};
  k.workgroup_size = {32, 1, 1};
  k.grid = {(n + 31) / 32, Expr(1), Expr(1)};
  k.body =
      Allocate::make(acc, LetStmt::make(r, wid(0) * 32 + lid(0), IfThenElse::make(r < n, body)));
  Program p = single_kernel_program(k, {n, m});
  const int N = 50, M = 7;
  std::vector<int32_t> xv(N * M);
  for (int i = 0; i < N * M; ++i) xv[i] = (i * 37) % 101 - 50;
  rt::TensorMap tm{{"x", rt::tensor_from(DType::i32(), {N, M}, xv)}};
  run(p, "loops", tm);
  auto yv = rt::tensor_values<int32_t>(tm.at("y"));
  for (int row = 0; row < N; ++row) {
    int32_t a0 = 0, a1 = 0, a2 = 0;
    for (int jj = 0; jj < M; ++jj) a0 += xv[row * M + jj] * (jj % 3);
    for (int uu = 0; uu < 4; ++uu) a1 += uu * row;
    for (int ww = 0; ww < 100; ++ww) a2 += ww;
    int32_t a3 = 1 * a1 + 2 * a2;
    EXPECT_EQ(yv[row], a0 + a1 + a2 + a3) << "row " << row;
  }
  // The 100-iteration unrolled loop stays a loop, with no Unroll control (spirv-opt would
  // replicate it: seed 8064's 576 copies took lavapipe 66 s), also once optimised.
  std::string raw = codegen::spirv::disassemble(codegen::spirv::emit_kernel(p.kernels[0]));
  EXPECT_NE(raw.find("OpLoopMerge"), std::string::npos);
  EXPECT_EQ(raw.find("Unroll"), std::string::npos);
  std::string opt = codegen::spirv::compile_kernel(p.kernels[0]).disassembly();
  EXPECT_NE(opt.find("OpLoopMerge"), std::string::npos);
  // The limit is the target's (WGSL follows the same one): at 100 the loop is replicated.
  Target t;
  t.limits.maxUnrollIterations = 100;
  raw = codegen::spirv::disassemble(codegen::spirv::emit_kernel(p.kernels[0], t));
  EXPECT_EQ(raw.find("Unroll"), std::string::npos);
  run(p, "loops_unrolled", tm);  // and computes the same
  auto yv2 = rt::tensor_values<int32_t>(tm.at("y"));
  EXPECT_EQ(yv2, yv);
}

}  // namespace
}  // namespace webtx::spirv_test
