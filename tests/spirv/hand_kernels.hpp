#pragma once
// Hand-built ir::Kernels and ir::Programs for testing the SPIR-V backend and the Vulkan runtime
// independently of lowering (and for the Vulkan matmul benchmark until lower() drives it).
#include <functional>
#include <string>
#include <vector>

#include "webtx/ir.hpp"

namespace webtx::spirv_test {

using namespace webtx::ir;

// Terse IR construction for hand-written kernels.
namespace ops {
inline Expr operator+(Expr a, Expr b) { return Add::make(a, b); }
inline Expr operator-(Expr a, Expr b) { return Sub::make(a, b); }
inline Expr operator*(Expr a, Expr b) { return Mul::make(a, b); }
inline Expr operator/(Expr a, Expr b) { return Div::make(a, b); }
inline Expr operator%(Expr a, Expr b) { return Mod::make(a, b); }
inline Expr operator<(Expr a, Expr b) { return LT::make(a, b); }
inline Expr operator<=(Expr a, Expr b) { return LE::make(a, b); }
inline Expr operator>(Expr a, Expr b) { return GT::make(a, b); }
inline Expr operator>=(Expr a, Expr b) { return GE::make(a, b); }
inline Expr operator&&(Expr a, Expr b) { return And::make(a, b); }
inline Expr operator||(Expr a, Expr b) { return Or::make(a, b); }
inline Expr operator!(Expr a) { return Not::make(a); }
}  // namespace ops
using namespace ops;

inline Expr i32v(const std::string& name) { return Variable::make(DType::i32(), name); }
inline Expr wid(int d) { return ThreadIndex::make(ThreadAxis::WorkgroupId, d); }
inline Expr lid(int d) { return ThreadIndex::make(ThreadAxis::LocalId, d); }
inline Expr f32c(double v) { return FloatImm::make(DType::f32(), v); }
inline Stmt seq(std::vector<Stmt> s) { return Seq::make(std::move(s)); }
inline Stmt store(const Buffer& b, Expr i, Expr v) { return Store::make(b, v, i); }
inline Expr load(const Buffer& b, Expr i) { return Load::make(b, i); }
inline Stmt loop(Expr v, Expr min, Expr ext, ForKind k, Stmt body) {
  return For::make(v, min, ext, k, body);
}
inline Buffer global(const std::string& name, DType t, std::vector<Expr> shape) {
  return make_buffer(name, t, MemScope::Global, std::move(shape));
}

// A program of one kernel: inputs are the buffers not written, outputs the written ones.
inline Program single_kernel_program(Kernel k, std::vector<Expr> symbols) {
  Program p;
  p.name = k.name;
  for (auto& kb : k.buffers) {
    if (!kb.written) p.tensors.push_back({kb.buffer, TensorRole::Input});
  }
  for (auto& kb : k.buffers) {
    if (kb.written) p.tensors.push_back({kb.buffer, TensorRole::Output});
  }
  p.symbols = std::move(symbols);
  p.kernels.push_back(std::move(k));
  return p;
}

// out[i] = f(in_0[i], in_1[i], ...) for i < n (n symbolic), 64 invocations per workgroup.
inline Program elementwise(const std::string& name, std::vector<DType> in_types, DType out_type,
                           const std::function<Expr(const std::vector<Expr>&)>& f,
                           bool uses_f16 = false) {
  Expr n = i32v("n");
  Kernel k;
  k.name = name;
  std::vector<Buffer> ins;
  for (size_t j = 0; j < in_types.size(); ++j) {
    ins.push_back(global("in" + std::to_string(j), in_types[j], {n}));
    k.buffers.push_back({ins.back(), true, false});
  }
  Buffer out = global("out", out_type, {n});
  k.buffers.push_back({out, false, true});
  Expr i = i32v("i");
  std::vector<Expr> args;
  for (auto& b : ins) args.push_back(load(b, i));
  k.body = LetStmt::make(i, wid(0) * 64 + lid(0), IfThenElse::make(i < n, store(out, i, f(args))));
  k.scalars = {n};
  k.workgroup_size = {64, 1, 1};
  k.grid = {(n + 63) / 64, Expr(1), Expr(1)};
  k.uses_f16 = uses_f16;
  return single_kernel_program(std::move(k), {n});
}

inline Program vector_add() {
  return elementwise("vector_add", {DType::f32(), DType::f32()}, DType::f32(),
                     [](const std::vector<Expr>& a) { return a[0] + a[1]; });
}

// C[M,N] = A[M,K] * B[K,N] (f32, M, N, K symbolic). Each workgroup computes a BM x BN tile
// with (BN/RN) x (BM/RM) invocations, each a RM x RN register block (rows ty + i*(BM/RM),
// columns tx + j*(BN/RN)), staging BK-wide slices of A (transposed) and B in workgroup memory.
// `guard` adds bounds checks (needed unless M % BM == N % BN == K % BK == 0).
struct MatmulTiling {
  int bm = 64, bn = 64, bk = 16, rm = 4, rn = 4;
  bool guard = true;
  bool unroll_k = true;
  int pad_a = 4;  // extra words per row of the transposed A tile: conflict-free stores
};

inline Program tiled_matmul(const MatmulTiling& t, const std::string& name = "matmul") {
  Expr M = i32v("M"), N = i32v("N"), K = i32v("K");
  Buffer A = global("A", DType::f32(), {M, K});
  Buffer B = global("B", DType::f32(), {K, N});
  Buffer C = global("C", DType::f32(), {M, N});
  const int tx_n = t.bn / t.rn, ty_n = t.bm / t.rm, threads = tx_n * ty_n;
  internal_assert((t.bm * t.bk) % threads == 0 && (t.bk * t.bn) % threads == 0)
      << "tile loads must divide among the invocations";
  const int lda = t.bm + t.pad_a;  // row stride of As
  Buffer As = make_buffer("As", DType::f32(), MemScope::Workgroup, {Expr(t.bk * lda)});
  Buffer Bs = make_buffer("Bs", DType::f32(), MemScope::Workgroup, {Expr(t.bk * t.bn)});
  Buffer acc = make_buffer("acc", DType::f32(), MemScope::Private, {Expr(t.rm * t.rn)});
  Buffer ar = make_buffer("a_reg", DType::f32(), MemScope::Private, {Expr(t.rm)});
  Buffer br = make_buffer("b_reg", DType::f32(), MemScope::Private, {Expr(t.rn)});
  Expr tx = i32v("tx"), ty = i32v("ty"), tid = i32v("tid");
  Expr row0 = i32v("row0"), col0 = i32v("col0");
  Expr kt = i32v("kt"), l = i32v("l"), kk = i32v("kk"), i = i32v("i"), j = i32v("j");
  Expr idx = i32v("idx"), r = i32v("r"), c = i32v("c");
  auto guarded = [&](Expr cond, Stmt s_in, Stmt s_out) {
    return t.guard ? IfThenElse::make(cond, s_in, s_out) : s_in;
  };
  const auto unroll = ForKind::Unrolled;

  // A tile: BM rows x BK columns, stored transposed as As[c * lda + r].
  Stmt load_a = loop(
      l, 0, (t.bm * t.bk) / threads, unroll,
      LetStmt::make(
          idx, l * threads + tid,
          LetStmt::make(
              r, idx / t.bk,
              LetStmt::make(c, idx % t.bk,
                            guarded((row0 + r < M) && (kt * t.bk + c < K),
                                    store(As, c * lda + r, load(A, (row0 + r) * K + kt * t.bk + c)),
                                    store(As, c * lda + r, f32c(0)))))));
  Stmt load_b =
      loop(l, 0, (t.bk * t.bn) / threads, unroll,
           LetStmt::make(
               idx, l * threads + tid,
               LetStmt::make(r, idx / t.bn,
                             LetStmt::make(c, idx % t.bn,
                                           guarded((kt * t.bk + r < K) && (col0 + c < N),
                                                   store(Bs, r * t.bn + c,
                                                         load(B, (kt * t.bk + r) * N + col0 + c)),
                                                   store(Bs, r * t.bn + c, f32c(0)))))));
  Stmt compute =
      loop(kk, 0, t.bk, t.unroll_k ? unroll : ForKind::Serial,
           seq({loop(i, 0, t.rm, unroll, store(ar, i, load(As, kk * lda + ty + i * ty_n))),
                loop(j, 0, t.rn, unroll, store(br, j, load(Bs, kk * t.bn + tx + j * tx_n))),
                loop(i, 0, t.rm, unroll,
                     loop(j, 0, t.rn, unroll,
                          store(acc, i * t.rn + j,
                                load(acc, i * t.rn + j) + load(ar, i) * load(br, j))))}));
  Stmt k_loop = loop(kt, 0, (K + (t.bk - 1)) / t.bk, ForKind::Serial,
                     seq({load_a, load_b, Barrier::make(), compute, Barrier::make()}));
  Stmt init = loop(i, 0, t.rm * t.rn, unroll, store(acc, i, f32c(0)));
  Stmt write = loop(i, 0, t.rm, unroll,
                    loop(j, 0, t.rn, unroll,
                         guarded((row0 + ty + i * ty_n < M) && (col0 + tx + j * tx_n < N),
                                 store(C, (row0 + ty + i * ty_n) * N + col0 + tx + j * tx_n,
                                       load(acc, i * t.rn + j)),
                                 Stmt())));
  Stmt body = seq({init, k_loop, write});
  body = Allocate::make(
      As, Allocate::make(Bs, Allocate::make(acc, Allocate::make(ar, Allocate::make(br, body)))));
  body = LetStmt::make(
      tx, lid(0),
      LetStmt::make(ty, lid(1),
                    LetStmt::make(tid, ty * tx_n + tx,
                                  LetStmt::make(row0, wid(1) * t.bm,
                                                LetStmt::make(col0, wid(0) * t.bn, body)))));

  Kernel k;
  k.name = name;
  k.buffers = {{A, true, false}, {B, true, false}, {C, false, true}};
  k.scalars = {M, N, K};
  k.workgroup_size = {tx_n, ty_n, 1};
  k.grid = {(N + (t.bn - 1)) / t.bn, (M + (t.bm - 1)) / t.bm, Expr(1)};
  k.body = body;
  k.workgroup_bytes = 4LL * t.bk * (lda + t.bn);
  return single_kernel_program(std::move(k), {M, N, K});
}

}  // namespace webtx::spirv_test
