// EXPECT: YOU_MIXED_AN_INTEGER_LITERAL_WITH_A_NON_INTEGER_EXPRESSION
// An f32 expression times 2 (write 2.0f).
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {8});
  auto y = compute(
      {8}, [&](Var i) { return x(i) * 2; }, "y");
  (void)y;
}
