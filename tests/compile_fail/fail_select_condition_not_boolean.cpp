// EXPECT: THE_CONDITION_OF_SELECT_MUST_BE_BOOLEAN
// select on an f32 condition.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {8});
  auto y = compute(
      {8}, [&](Var i) { return select(x(i), x(i), 0.0f); }, "y");
  (void)y;
}
