// EXPECT: MATH_FUNCTIONS_NEED_A_FLOAT_ARGUMENT
// pow of an i32 expression.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto n = placeholder<i32>("n", {8});
  auto y = compute(
      {8}, [&](Var i) { return pow(n(i), 2); }, "y");
  (void)y;
}
