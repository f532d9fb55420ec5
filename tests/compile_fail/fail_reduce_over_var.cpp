// EXPECT: THE_AXIS_OF_A_REDUCTION_MUST_BE_AN_RVAR
// sum over a data-parallel Var instead of an RVar.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {8, 8});
  auto y = compute(
      {8},
      [&](Var i) {
        Var j("j");
        return sum(A(i, j), j);
      },
      "y");
  (void)y;
}
