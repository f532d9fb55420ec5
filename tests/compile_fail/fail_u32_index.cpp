// EXPECT: TENSOR_INDICES_MUST_BE_I32_EXPRESSIONS
// Indexing with a u32 expression (cast<i32> it).
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  auto x = placeholder<f32>("x", {8});
  auto p = placeholder<u32>("p", {8});
  auto y = compute(
      {8}, [&](Var i) { return x(p(i)); }, "y");
  (void)y;
}
