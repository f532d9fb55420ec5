// EXPECT: CAST_TARGET_IS_NOT_A_DTYPE
// cast<float> instead of cast<f32>.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto n = placeholder<i32>("n", {8});
  auto y = compute(
      {8}, [&](Var i) { return cast<float>(n(i)); }, "y");
  (void)y;
}
