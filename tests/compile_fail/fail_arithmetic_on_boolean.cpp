// EXPECT: ARITHMETIC_ON_BOOLEAN_EXPRESSIONS_IS_NOT_ALLOWED
// Adding two booleans.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto m = placeholder<boolean>("m", {8});
  auto y = compute(
      {8}, [&](Var i) { return m(i) + m(i); }, "y");
  (void)y;
}
