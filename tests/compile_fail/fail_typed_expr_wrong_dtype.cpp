// EXPECT: YOU_MIXED_DIFFERENT_DTYPES_IN_ONE_EXPRESSION
// Storing an i32 expression in a TypedExpr<f32>.
#include <webtx/webtx.hpp>
using namespace webtx;
int main() {
  Var i("i");
  TypedExpr<f32> e = i + 1;
  (void)e;
}
