// Every element type (i32, u32, f16, bool-as-u32), casts, select and float literals.
#include <cmath>
#include <cstdint>

#include "cases.hpp"
#include "ir_build.hpp"

namespace wgsl_test {
namespace {

// Shared skeleton: one invocation per element i < n, workgroup of 32.
Kernel elementwise(const std::string& name, Expr n, Expr i, std::vector<KernelBuffer> buffers,
                   Stmt body) {
  Kernel k;
  k.name = name;
  k.buffers = std::move(buffers);
  k.scalars = {n};
  k.workgroup_size = {32, 1, 1};
  k.grid = {ceil_div(n, 32), i32(1), i32(1)};
  k.body = let(i, add(mul(wg(0), i32(32)), lid(0)), if_(lt(i, n), body));
  return k;
}

int32_t wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

Case int_ops() {
  Case c;
  c.name = "i32_ops";
  Expr n = var("n"), i = var("i");
  Buffer A = global("a", DType::i32(), {n}), B = global("b", DType::i32(), {n}),
         Q = global("q", DType::i32(), {n}), R = global("r", DType::i32(), {n}),
         M = global("m", DType::i32(), {n});
  Expr a = load(A, i), b = load(B, i);
  // Wrapping multiply: (min - max) * 1000003 * 2147 overflows i32 for most inputs.
  Expr mix = add(mul(mul(sub(Min::make(a, b), Max::make(a, b)), i32(1000003)), i32(2147)),
                 Call::make(Intrinsic::Abs, {a}));
  c.kernel = elementwise(
      "i32_ops", n, i,
      {{A, true, false}, {B, true, false}, {Q, false, true}, {R, false, true}, {M, false, true}},
      seq({store(Q, div(a, b), i), store(R, mod(a, b), i), store(M, mix, i)}));
  const int64_t count = 50;
  c.scalars = {count};
  auto& av = c.init[A.get()];
  auto& bv = c.init[B.get()];
  for (int64_t q = 0; q < count; ++q) {
    av.push_back(static_cast<double>((q * 7919 % 2001) - 1000));
    int64_t d = (q * 31 % 23) - 11;
    bv.push_back(static_cast<double>(d == 0 ? 7 : d));
  }
  for (int64_t q = 0; q < count; ++q) {
    auto x = static_cast<int32_t>(av[q]), y = static_cast<int32_t>(bv[q]);
    c.expected[Q.get()].push_back(x / y);  // C++ truncates toward zero, as the IR says
    c.expected[R.get()].push_back(x % y);
    int32_t p = wrap32(static_cast<int64_t>(std::min(x, y) - std::max(x, y)) * 1000003);
    p = wrap32(static_cast<int64_t>(p) * 2147);
    c.expected[M.get()].push_back(wrap32(static_cast<int64_t>(p) + std::abs(x)));
  }
  return c;
}

Case uint_ops() {
  Case c;
  c.name = "u32_ops";
  Expr n = var("n"), i = var("i");
  Buffer A = global("a", DType::u32(), {n}), B = global("b", DType::u32(), {n}),
         S = global("s", DType::u32(), {n}), D = global("d", DType::u32(), {n}),
         Q = global("q", DType::u32(), {n});
  Expr a = load(A, i), b = load(B, i);
  c.kernel = elementwise(
      "u32_ops", n, i,
      {{A, true, false}, {B, true, false}, {S, false, true}, {D, false, true}, {Q, false, true}},
      seq({store(S, add(a, add(b, u32(4000000000u))), i), store(D, sub(a, b), i),
           store(Q, add(div(a, b), mod(a, b)), i)}));
  const int64_t count = 40;
  c.scalars = {count};
  for (int64_t q = 0; q < count; ++q) {
    uint32_t x = static_cast<uint32_t>(q * 123456789u + 17u),
             y = static_cast<uint32_t>(q * 977 + 3);
    c.init[A.get()].push_back(x);
    c.init[B.get()].push_back(y);
    c.expected[S.get()].push_back(static_cast<uint32_t>(x + y + 4000000000u));
    c.expected[D.get()].push_back(static_cast<uint32_t>(x - y));
    c.expected[Q.get()].push_back(static_cast<uint32_t>(x / y + x % y));
  }
  return c;
}

Case f16_ops() {
  Case c;
  c.name = "f16_ops";
  c.features = {"shader-f16"};
  Expr n = var("n"), i = var("i");
  Buffer A = global("a", DType::f16(), {n}), B = global("b", DType::f16(), {n}),
         Y = global("y", DType::f16(), {n}), Z = global("z", DType::f32(), {n});
  Buffer tmp = local("tmp", DType::f16(), MemScope::Private, 2);
  Expr a = load(A, i), b = load(B, i);
  Expr y = add(mul(a, b), Call::make(Intrinsic::Sigmoid, {a}));
  Expr z = Cast::make(DType::f32(),
                      add(Call::make(Intrinsic::Tanh, {b}), mul(load(tmp, i32(1)), f16(0.5))));
  c.kernel = elementwise(
      "f16_ops", n, i, {{A, true, false}, {B, true, false}, {Y, false, true}, {Z, false, true}},
      Allocate::make(tmp, seq({store(tmp, Call::make(Intrinsic::Exp, {a}), i32(1)), store(Y, y, i),
                               store(Z, z, i)})));
  c.kernel.uses_f16 = true;
  c.tol = {4e-3, 4e-3};
  const int64_t count = 33;
  c.scalars = {count};
  for (int64_t q = 0; q < count; ++q) {
    auto x = static_cast<double>(static_cast<_Float16>((q % 11) * 0.25 - 1.25));
    auto w = static_cast<double>(static_cast<_Float16>((q % 7) * 0.5 - 1.5));
    c.init[A.get()].push_back(x);
    c.init[B.get()].push_back(w);
    c.expected[Y.get()].push_back(x * w + 1 / (1 + std::exp(-x)));
    c.expected[Z.get()].push_back(std::tanh(w) + std::exp(x) * 0.5);
  }
  return c;
}

Case bools() {
  Case c;
  c.name = "bool_as_u32";
  Expr n = var("n"), i = var("i");
  Buffer P = global("p", DType::boolean(), {n}), Q = global("q", DType::boolean(), {n}),
         A = global("a", DType::i32(), {n}), R = global("r", DType::boolean(), {n}),
         I = global("ri", DType::i32(), {n}), F = global("rf", DType::f32(), {n});
  Buffer flags = local("flags", DType::boolean(), MemScope::Private, 1);
  Expr p = load(P, i), q = load(Q, i), a = load(A, i);
  Expr r = Or::make(land(p, Not::make(q)), lt(a, i32(0)));
  Expr ri = add(Cast::make(DType::i32(), p), mul(Cast::make(DType::i32(), q), i32(2)));
  Expr rf = add(Cast::make(DType::f32(), Cast::make(DType::boolean(), a)),
                Cast::make(DType::f32(), load(flags, i32(0))));
  c.kernel =
      elementwise("bool_ops", n, i,
                  {{P, true, false},
                   {Q, true, false},
                   {A, true, false},
                   {R, false, true},
                   {I, false, true},
                   {F, false, true}},
                  Allocate::make(flags, seq({store(flags, NE::make(p, q), i32(0)), store(R, r, i),
                                             store(I, ri, i), store(F, rf, i)})));
  const int64_t count = 24;
  c.scalars = {count};
  for (int64_t k = 0; k < count; ++k) {
    bool pv = k % 2, qv = (k / 2) % 2;
    int av = static_cast<int>(k % 5) - 2;
    c.init[P.get()].push_back(pv);
    c.init[Q.get()].push_back(qv);
    c.init[A.get()].push_back(av);
    c.expected[R.get()].push_back((pv && !qv) || av < 0);
    c.expected[I.get()].push_back(pv + qv * 2);
    c.expected[F.get()].push_back((av != 0) + (pv != qv));
  }
  return c;
}

Case select_cast() {
  Case c;
  c.name = "select_cast";
  Expr n = var("n"), i = var("i");
  Buffer X = global("x", DType::f32(), {n}), K = global("k", DType::i32(), {n}),
         SI = global("si", DType::i32(), {n}), SU = global("su", DType::u32(), {n}),
         SF = global("sf", DType::f32(), {n}), FM = global("fm", DType::f32(), {n});
  Expr x = load(X, i), k = load(K, i);
  c.kernel = elementwise(
      "select_cast", n, i,
      {{X, true, false},
       {K, true, false},
       {SI, false, true},
       {SU, false, true},
       {SF, false, true},
       {FM, false, true}},
      seq({store(SI, Cast::make(DType::i32(), x), i),
           store(SU, Cast::make(DType::u32(), Cast::make(DType::i32(), x)), i),
           store(SF, Select::make(GT::make(x, f32(0)), mul(x, f32(2)), Cast::make(DType::f32(), k)),
                 i),
           store(FM, mod(x, f32(0.75)), i)}));
  c.tol = {1e-6, 1e-6};
  const int64_t count = 30;
  c.scalars = {count};
  for (int64_t q = 0; q < count; ++q) {
    float xv = static_cast<float>((q % 13) * 0.7 - 4.1);
    int kv = static_cast<int>(q * 3 % 17) - 8;
    c.init[X.get()].push_back(xv);
    c.init[K.get()].push_back(kv);
    auto t = static_cast<int32_t>(xv);  // toward zero
    c.expected[SI.get()].push_back(t);
    c.expected[SU.get()].push_back(static_cast<uint32_t>(t));
    c.expected[SF.get()].push_back(xv > 0 ? xv * 2 : static_cast<float>(kv));
    c.expected[FM.get()].push_back(std::fmod(xv, 0.75f));
  }
  return c;
}

// Constants that need care: not exactly decimal, near the f32 range limits, and the
// non-finite ones WGSL has no literal for.
Case float_literals() {
  Case c;
  c.name = "float_literals";
  const double consts[] = {1.5,      0.1,       16777217.0, 3.4028234663852886e38, 1e-30, -2.5e-7,
                           INFINITY, -INFINITY, NAN};
  const int C = sizeof consts / sizeof consts[0];
  Expr n = var("n"), i = var("i");
  Buffer X = global("x", DType::f32(), {n}), Y = global("y", DType::f32(), {mul(n, i32(C))});
  std::vector<Stmt> stores;
  for (int j = 0; j < C; ++j) {
    Expr v = std::isfinite(consts[j]) ? mul(load(X, i), f32(consts[j]))
                                      : add(load(X, i), f32(consts[j]));
    stores.push_back(store(Y, v, add(mul(i, i32(C)), i32(j))));
  }
  c.kernel = elementwise("float_literals", n, i, {{X, true, false}, {Y, false, true}}, seq(stores));
  c.tol = {0, 1e-7};
  const int64_t count = 6;
  c.scalars = {count};
  const float xs[] = {1, -2, 0.5f, 0.25f, 3, -1};
  for (int64_t q = 0; q < count; ++q) {
    c.init[X.get()].push_back(xs[q]);
    for (int j = 0; j < C; ++j) {
      float k = static_cast<float>(consts[j]);
      c.expected[Y.get()].push_back(std::isfinite(consts[j]) ? xs[q] * k : xs[q] + k);
    }
  }
  return c;
}

}  // namespace

void add_dtype_cases(std::vector<Case>& out) {
  out.push_back(int_ops());
  out.push_back(uint_ops());
  out.push_back(f16_ops());
  out.push_back(bools());
  out.push_back(select_cast());
  out.push_back(float_literals());
}

}  // namespace wgsl_test
