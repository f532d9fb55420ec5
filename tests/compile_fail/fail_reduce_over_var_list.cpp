// EXPECT: THE_AXIS_OF_A_REDUCTION_MUST_BE_AN_RVAR
// Multi-axis max over a list of Vars.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {8, 8});
  Var a("a"), b("b");
  auto y = compute(
      {1},
      [&](Var) {
        return max(A(a, b), {a, b});
      },
      "y");
  (void)y;
}
