// EXPECT: not the DSL's internal headers
// Internal headers refuse to be included on their own.
#include <webtx/dsl/tensor.hpp>
int main() {}
