// EXPECT: ABS_NEEDS_A_NUMBER
// abs of a boolean expression.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto m = placeholder<boolean>("m", {8});
  auto y = compute(
      {8}, [&](Var i) { return abs(m(i)); }, "y");
  (void)y;
}
