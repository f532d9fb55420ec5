// EXPECT: DENSE_TAKES_X_AND_W_OF_RANK_2_AND_B_OF_RANK_1_OF_ONE_DTYPE
// ops::dense on an unflattened [N, C, H, W] activation.
#include <webtx/ops.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {1, 4, 2, 2});
  auto w = placeholder<f32>("w", {10, 16});
  auto b = placeholder<f32>("b", {10});
  ops::dense(x, w, b, "fc");
}
