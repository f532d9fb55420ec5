// The op library's well-typed calls compile with the same command as the fail_ops_* cases.
#include <webtx/ops.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {1, 3, 8, 8});
  auto y = ops::conv2d(x, placeholder<f32>("w", {4, 3, 3, 3}), {.padding = {1, 1}}, "conv");
  auto p = ops::global_avg_pool(ops::relu6(y, "act"), "pool");
  auto z = ops::dense(p, placeholder<f32>("fw", {10, 4}), placeholder<f32>("fb", {10}), "fc");
  (void)ops::softmax(z, "prob");
}
