// EXPECT: A_REDUCTION_MUST_BE_THE_WHOLE_BODY_OF_A_COMPUTE
// A reduction of a reduction.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {8, 8});
  RVar k(8, "k"), l(8, "l");
  auto y = compute(
      {1}, [&](Var) { return sum(sum(A(l, k), k), l); }, "y");
  (void)y;
}
