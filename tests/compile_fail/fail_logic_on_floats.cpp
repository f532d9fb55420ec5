// EXPECT: LOGICAL_OPERATORS_NEED_BOOLEAN_OPERANDS
// && on f32 values.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {8});
  auto y = compute(
      {8}, [&](Var i) { return x(i) && x(i); }, "y");
  (void)y;
}
