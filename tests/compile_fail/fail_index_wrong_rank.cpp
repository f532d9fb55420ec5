// EXPECT: YOU_INDEXED_A_TENSOR_WITH_THE_WRONG_NUMBER_OF_INDICES
// A rank-2 tensor indexed with one index.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto A = placeholder<f32>("A", {4, 4});
  auto B = compute(
      {4}, [&](Var i) { return A(i); }, "B");
  (void)B;
}
