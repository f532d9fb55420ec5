// EXPECT: THE_ELEMENT_TYPE_IS_NOT_A_DTYPE
// placeholder<float> instead of placeholder<f32>.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<float>("x", {8});
  (void)x;
}
