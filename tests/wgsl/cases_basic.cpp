// Vector add with a symbolic extent, a tiled matmul in workgroup memory, a workgroup tree
// reduction, unrolled/vectorized loops and awkward identifiers.
#include <algorithm>
#include <cmath>

#include "cases.hpp"
#include "ir_build.hpp"

namespace wgsl_test {
namespace {

std::vector<double> ramp(int64_t n, double scale, double offset, int64_t period = 17) {
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>((i % period) * scale + offset);
  return v;
}

Case vector_add() {
  Case c;
  c.name = "vector_add";
  Expr n = var("n");
  Buffer a = global("a", DType::f32(), {n}), b = global("b", DType::f32(), {n}),
         out = global("c", DType::f32(), {n});
  Expr i = var("i");
  auto& k = c.kernel;
  k.name = "vector_add";
  k.buffers = {{a, true, false}, {b, true, false}, {out, false, true}};
  k.scalars = {n};
  k.workgroup_size = {64, 1, 1};
  k.grid = {ceil_div(n, 64), i32(1), i32(1)};
  k.body = let(i, add(mul(wg(0), i32(64)), lid(0)),
               if_(lt(i, n), store(out, add(load(a, i), load(b, i)), i)));
  const int64_t N = 1000;  // not a multiple of 64: the predicate matters
  c.scalars = {N};
  c.init[a.get()] = ramp(N, 0.5, -3);
  c.init[b.get()] = ramp(N, 0.25, 1, 13);
  c.init[out.get()] = std::vector<double>(N, -777);
  auto& want = c.expected[out.get()];
  for (int64_t j = 0; j < N; ++j)
    want.push_back(static_cast<float>(c.init[a.get()][j]) + static_cast<float>(c.init[b.get()][j]));
  return c;
}

// C[M,N] = A[M,K] B[K,N] in 8x8 tiles staged through workgroup memory, with barriers and an
// unrolled inner product; every extent symbolic and none a multiple of 8.
Case tiled_matmul() {
  Case c;
  c.name = "tiled_matmul";
  const int T = 8;
  Expr M = var("M"), N = var("N"), K = var("K");
  Buffer A = global("A", DType::f32(), {M, K}), B = global("B", DType::f32(), {K, N}),
         C = global("C", DType::f32(), {M, N});
  Buffer As = local("As", DType::f32(), MemScope::Workgroup, T * T);
  Buffer Bs = local("Bs", DType::f32(), MemScope::Workgroup, T * T);
  Buffer acc = local("acc", DType::f32(), MemScope::Private, 1);
  Expr tx = var("tx"), ty = var("ty"), row = var("row"), col = var("col"), kt = var("kt"),
       kk = var("kk");
  Expr a_col = add(mul(kt, i32(T)), tx), b_row = add(mul(kt, i32(T)), ty);
  Stmt load_a = if_(land(lt(row, M), lt(a_col, K)),
                    store(As, load(A, add(mul(row, K), a_col)), add(mul(ty, i32(T)), tx)),
                    store(As, f32(0), add(mul(ty, i32(T)), tx)));
  Stmt load_b = if_(land(lt(b_row, K), lt(col, N)),
                    store(Bs, load(B, add(mul(b_row, N), col)), add(mul(ty, i32(T)), tx)),
                    store(Bs, f32(0), add(mul(ty, i32(T)), tx)));
  Stmt inner = for_(kk, i32(0), i32(T),
                    store(acc,
                          add(load(acc, i32(0)), mul(load(As, add(mul(ty, i32(T)), kk)),
                                                     load(Bs, add(mul(kk, i32(T)), tx)))),
                          i32(0)),
                    ForKind::Unrolled);
  Stmt body =
      seq({store(acc, f32(0), i32(0)),
           for_(kt, i32(0), ceil_div(K, T),
                seq({load_a, load_b, Barrier::make(), inner, Barrier::make()})),
           if_(land(lt(row, M), lt(col, N)), store(C, load(acc, i32(0)), add(mul(row, N), col)))});
  body = Allocate::make(As, Allocate::make(Bs, Allocate::make(acc, body)));
  body =
      let(tx, lid(0),
          let(ty, lid(1),
              let(row, add(mul(wg(1), i32(T)), ty), let(col, add(mul(wg(0), i32(T)), tx), body))));
  auto& k = c.kernel;
  k.name = "tiled_matmul";
  k.buffers = {{A, true, false}, {B, true, false}, {C, false, true}};
  k.scalars = {M, N, K};
  k.workgroup_size = {T, T, 1};
  k.grid = {ceil_div(N, T), ceil_div(M, T), i32(1)};
  k.body = body;
  k.workgroup_bytes = 2 * T * T * 4;
  const int64_t m = 19, n = 21, kd = 23;
  c.scalars = {m, n, kd};
  // Multiples of 1/4 with small magnitude: every partial sum is exact in f32.
  auto& a = c.init[A.get()] = ramp(m * kd, 0.5, -3, 13);
  auto& b = c.init[B.get()] = ramp(kd * n, 0.5, -2, 9);
  c.init[C.get()] = std::vector<double>(m * n, 0);
  auto& want = c.expected[C.get()];
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t q = 0; q < kd; ++q) s += a[i * kd + q] * b[q * n + j];
      want.push_back(s);
    }
  return c;
}

// y[r] = op over x[r, :], one workgroup of 64 per row: strided partial results in a private
// accumulator, then a tree in workgroup memory with a barrier per level.
Case workgroup_reduce(bool is_max) {
  Case c;
  c.name = is_max ? "workgroup_reduce_max" : "workgroup_reduce_sum";
  const int W = 64;
  Expr R = var("R"), L = var("L");
  Buffer X = global("x", DType::f32(), {R, L}), Y = global("y", DType::f32(), {R});
  Buffer sh = local("partial", DType::f32(), MemScope::Workgroup, W);
  Buffer acc = local("acc", DType::f32(), MemScope::Private, 1);
  Expr t = var("t"), r = var("r"), j = var("j"), idx = var("idx");
  auto combine = [&](Expr a, Expr b) -> Expr { return is_max ? Max::make(a, b) : add(a, b); };
  Expr identity = is_max ? f32(-INFINITY) : f32(0);
  std::vector<Stmt> tree;
  for (int s = W / 2; s >= 1; s /= 2) {
    tree.push_back(
        if_(lt(t, i32(s)), store(sh, combine(load(sh, t), load(sh, add(t, i32(s)))), t)));
    tree.push_back(Barrier::make());
  }
  Stmt body = seq(
      {store(acc, identity, i32(0)),
       for_(j, i32(0), ceil_div(L, W),
            let(idx, add(mul(j, i32(W)), t),
                if_(lt(idx, L),
                    store(acc, combine(load(acc, i32(0)), load(X, add(mul(r, L), idx))), i32(0))))),
       store(sh, load(acc, i32(0)), t), Barrier::make(), seq(tree),
       if_(EQ::make(t, i32(0)), store(Y, load(sh, i32(0)), r))});
  body = let(t, lid(0), let(r, wg(0), Allocate::make(sh, Allocate::make(acc, body))));
  auto& k = c.kernel;
  k.name = c.name;
  k.buffers = {{X, true, false}, {Y, false, true}};
  k.scalars = {R, L};
  k.workgroup_size = {W, 1, 1};
  k.grid = {R, i32(1), i32(1)};
  k.body = body;
  k.workgroup_bytes = W * 4;
  const int64_t rows = 5, len = 300;
  c.scalars = {rows, len};
  auto& x = c.init[X.get()] = ramp(rows * len, 1, -8, 23);  // integers: sums are exact
  if (is_max)
    for (int64_t q = 0; q < len; ++q) x[2 * len + q] = -INFINITY;  // a row of -inf
  c.init[Y.get()] = std::vector<double>(rows, 0);
  auto& want = c.expected[Y.get()];
  for (int64_t i = 0; i < rows; ++i) {
    double v = is_max ? -INFINITY : 0;
    for (int64_t q = 0; q < len; ++q) v = is_max ? std::max(v, x[i * len + q]) : v + x[i * len + q];
    want.push_back(v);
  }
  return c;
}

// Unrolled loops (constant and run-time min), a vectorized loop, and a serial loop with a
// run-time extent.
Case loops() {
  Case c;
  c.name = "loops";
  Expr n = var("n");
  Buffer X = global("x", DType::f32(), {mul(n, i32(4))}), Y = global("y", DType::f32(), {n}),
         Z = global("z", DType::f32(), {mul(n, i32(4))}), W = global("w", DType::i32(), {n});
  Buffer acc = local("acc", DType::f32(), MemScope::Private, 1);
  Buffer iacc = local("iacc", DType::i32(), MemScope::Private, 1);
  Expr i = var("i"), j = var("j"), j2 = var("j"), j3 = var("j"), j4 = var("j");
  Stmt unrolled = for_(j, i32(0), i32(4),
                       store(acc,
                             add(load(acc, i32(0)), mul(load(X, add(mul(i, i32(4)), j)),
                                                        Cast::make(DType::f32(), add(j, i32(1))))),
                             i32(0)),
                       ForKind::Unrolled);
  Stmt vectorized =
      for_(j2, i32(0), i32(4),
           store(Z, mul(load(X, add(mul(i, i32(4)), j2)), f32(2)), add(mul(i, i32(4)), j2)),
           ForKind::Vectorized);
  // sum of j for j in [i % 3, i % 3 + 3) plus sum of j for j in [0, i % 5).
  Stmt runtime_min = for_(j3, mod(i, i32(3)), i32(3),
                          store(iacc, add(load(iacc, i32(0)), j3), i32(0)), ForKind::Unrolled);
  Stmt serial = for_(j4, i32(0), mod(i, i32(5)), store(iacc, add(load(iacc, i32(0)), j4), i32(0)));
  Stmt body = seq({store(acc, f32(0), i32(0)), store(iacc, i32(0), i32(0)), unrolled,
                   store(Y, load(acc, i32(0)), i), vectorized, runtime_min, serial,
                   store(W, load(iacc, i32(0)), i)});
  body = let(i, add(mul(wg(0), i32(32)), lid(0)),
             if_(lt(i, n), Allocate::make(acc, Allocate::make(iacc, body))));
  auto& k = c.kernel;
  k.name = "loops";
  k.buffers = {{X, true, false}, {Y, false, true}, {Z, false, true}, {W, false, true}};
  k.scalars = {n};
  k.workgroup_size = {32, 1, 1};
  k.grid = {ceil_div(n, 32), i32(1), i32(1)};
  k.body = body;
  const int64_t count = 70;
  c.scalars = {count};
  auto& x = c.init[X.get()] = ramp(count * 4, 0.5, -4, 19);
  auto& y = c.expected[Y.get()];
  auto& z = c.expected[Z.get()];
  auto& w = c.expected[W.get()];
  for (int64_t q = 0; q < count; ++q) {
    float s = 0;
    for (int jj = 0; jj < 4; ++jj) s += static_cast<float>(x[q * 4 + jj]) * (jj + 1);
    y.push_back(s);
    for (int jj = 0; jj < 4; ++jj) z.push_back(x[q * 4 + jj] * 2);
    int64_t iv = 0;
    for (int64_t jj = q % 3; jj < q % 3 + 3; ++jj) iv += jj;
    for (int64_t jj = 0; jj < q % 5; ++jj) iv += jj;
    w.push_back(static_cast<double>(iv));
  }
  return c;
}

// Identifiers that are WGSL keywords, reserved words, builtins, our own internal names,
// duplicates, non-ASCII or not identifiers at all must all come out valid and distinct.
Case awkward_names() {
  Case c;
  c.name = "awkward_names";
  Expr n = var("array");  // a symbol named like a WGSL type generator
  Buffer v = global("var", DType::f32(), {n}), x1 = global("x", DType::f32(), {n}),
         x2 = global("x", DType::f32(), {n}), out = global("main", DType::f32(), {n}),
         u = global("webtx_uniforms", DType::f32(), {n});
  Expr i = var("let"), e = var("exp", DType::f32()), f = var("f32", DType::f32()),
       g = var("größe", DType::f32()), h = var("__x", DType::f32()), d = var("9lives");
  Stmt body =
      let(e, load(v, i),
          let(f, mul(load(x1, i), load(x2, i)),
              let(g, Call::make(Intrinsic::Exp, {f32(0)}),
                  let(h, load(u, i),
                      let(d, i32(1),
                          store(out, add(add(add(e, f), mul(g, h)), Cast::make(DType::f32(), d)),
                                i))))));
  body = let(i, add(mul(wg(0), i32(16)), lid(0)), if_(lt(i, n), body));
  auto& k = c.kernel;
  k.name = "awkward \"names\"\nkernel";
  k.buffers = {
      {v, true, false}, {x1, true, false}, {x2, true, false}, {u, true, false}, {out, false, true}};
  k.scalars = {n};
  k.workgroup_size = {16, 1, 1};
  k.grid = {ceil_div(n, 16), i32(1), i32(1)};
  k.body = body;
  const int64_t count = 40;
  c.scalars = {count};
  auto& a = c.init[v.get()] = ramp(count, 1, 0);
  auto& b1 = c.init[x1.get()] = ramp(count, 0.5, 1);
  auto& b2 = c.init[x2.get()] = ramp(count, 0.25, -1);
  auto& b3 = c.init[u.get()] = ramp(count, 2, 3);
  auto& want = c.expected[out.get()];
  for (int64_t q = 0; q < count; ++q) want.push_back(a[q] + b1[q] * b2[q] + b3[q] + 1);
  return c;
}
}  // namespace

void add_basic_cases(std::vector<Case>& out) {
  out.push_back(vector_add());
  out.push_back(tiled_matmul());
  out.push_back(workgroup_reduce(false));
  out.push_back(workgroup_reduce(true));
  out.push_back(loops());
  out.push_back(awkward_names());
}

}  // namespace wgsl_test
