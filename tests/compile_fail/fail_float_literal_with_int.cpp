// EXPECT: YOU_MIXED_A_FLOAT_LITERAL_WITH_A_NON_FLOAT_EXPRESSION
// An i32 expression plus 1.5f.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto n = placeholder<i32>("n", {8});
  auto y = compute(
      {8}, [&](Var i) { return n(i) + 1.5f; }, "y");
  (void)y;
}
