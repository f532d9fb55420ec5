// EXPECT: YOU_MIXED_DIFFERENT_DTYPES_IN_ONE_EXPRESSION
// f32 + i32 without a cast.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {8});
  auto y = compute(
      {8}, [&](Var i) { return x(i) + i; }, "y");
  (void)y;
}
