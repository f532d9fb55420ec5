// EXPECT: A_REDUCTION_NEEDS_A_NUMERIC_SOURCE
// Summing booleans without a cast.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto m = placeholder<boolean>("m", {8});
  RVar k(8, "k");
  auto y = compute(
      {1}, [&](Var) { return sum(m(k), k); }, "y");
  (void)y;
}
