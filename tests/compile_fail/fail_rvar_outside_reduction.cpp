// EXPECT: YOU_USED_A_REDUCTION_AXIS_OUTSIDE_OF_A_REDUCTION
// An RVar used as an index with no sum/max/min over it.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {8, 8});
  RVar k(8, "k");
  auto y = compute(
      {8}, [&](Var i) { return A(i, k) * 2.0f; }, "y");
  (void)y;
}
