// Positive control: the same command as the fail_* cases must accept this, which uses every
// construct the fail cases misuse, correctly.
#include <webtx/webtx.hpp>

using namespace webtx;

inline auto build() {
  Var M("M"), N("N");
  auto A = placeholder<f32>("A", {M, N});
  auto I = placeholder<i32>("I", {M});
  RVar k(N, "k");
  RVar a(N, "a"), b(2, "b");
  auto s = compute(
      {M}, [&](Var i) { return sum(A(i, k) * 2.0f, k); }, "s");
  auto t = compute(
      {M},
      [&](Var i) {
        return max(A(i, a) + cast<f32>(b), {a, b});
      },
      "t");
  auto u = compute(
      {M, N},
      [&](Var i, Var j) {
        return select(A(i, j) > 0.0f && !(s(i) < 1.0f), exp(A(i, j)), cast<f32>(I(i) + 1));
      },
      "u");
  TypedExpr<i32> e = I(0) % 3;
  (void)e;
  return compute(
      {M, N}, [&](Var i, Var j) { return u(i, j) / t(i) + s(i); }, "out");
}

int main() { return build().op() ? 0 : 1; }
