// EXPECT: THE_AXIS_OF_A_REDUCTION_MUST_BE_AN_RVAR
// sum over an integer, not an axis.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {8});
  auto y = compute(
      {1}, [&](Var) { return sum(A(0), 8); }, "y");
  (void)y;
}
