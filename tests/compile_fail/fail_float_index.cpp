// EXPECT: YOU_INDEXED_A_TENSOR_WITH_A_FLOAT_EXPRESSION
// Indexing with an f32 expression.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {8});
  auto f = placeholder<f32>("f", {8});
  auto y = compute(
      {8}, [&](Var i) { return x(f(i)); }, "y");
  (void)y;
}
