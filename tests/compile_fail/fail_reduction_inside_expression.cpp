// EXPECT: A_REDUCTION_MUST_BE_THE_WHOLE_BODY_OF_A_COMPUTE
// A sum used as an operand instead of as the whole body.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {8, 8});
  RVar k(8, "k");
  auto y = compute(
      {8}, [&](Var i) { return sum(A(i, k), k) + 1.0f; }, "y");
  (void)y;
}
