// EXPECT: CONV2D_TAKES_RANK_4_TENSORS_OF_ONE_DTYPE
// ops::conv2d on a rank-3 input (a missing batch axis).
#include <webtx/ops.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {3, 8, 8});
  auto w = placeholder<f32>("w", {4, 3, 3, 3});
  auto y = ops::conv2d(x, w);
  (void)y;
}
