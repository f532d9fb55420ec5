// EXPECT: THE_COMPUTE_FUNCTION_MUST_TAKE_ONE_VAR_PER_DIMENSION
// Two extents, a one-argument function.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {8, 8});
  auto y = compute(
      {8, 8}, [&](Var i) { return A(i, i); }, "y");
  (void)y;
}
