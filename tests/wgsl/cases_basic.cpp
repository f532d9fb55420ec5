// Vector add with a symbolic extent, a tiled matmul in workgroup memory, a workgroup tree
// reduction, unrolled/vectorized loops and awkward identifiers.
#include <cmath>

#include "cases.hpp"
#include "ir_build.hpp"

namespace wgsl_test {
namespace {

std::vector<double> ramp(int64_t n, double scale, double offset, int64_t period = 17) {
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>((i % period) * scale + offset);
  return v;
}

Case vector_add() {
  Case c;
  c.name = "vector_add";
  Expr n = var("n");
  Buffer a = global("a", DType::f32(), {n}), b = global("b", DType::f32(), {n}),
         out = global("c", DType::f32(), {n});
  Expr i = var("i");
  auto& k = c.kernel;
  k.name = "vector_add";
  k.buffers = {{a, true, false}, {b, true, false}, {out, false, true}};
  k.scalars = {n};
  k.workgroup_size = {64, 1, 1};
  k.grid = {ceil_div(n, 64), i32(1), i32(1)};
  k.body = let(i, add(mul(wg(0), i32(64)), lid(0)),
               if_(lt(i, n), store(out, add(load(a, i), load(b, i)), i)));
  const int64_t N = 1000;  // not a multiple of 64: the predicate matters
  c.scalars = {N};
  c.init[a.get()] = ramp(N, 0.5, -3);
  c.init[b.get()] = ramp(N, 0.25, 1, 13);
  c.init[out.get()] = std::vector<double>(N, -777);
  auto& want = c.expected[out.get()];
  for (int64_t j = 0; j < N; ++j)
    want.push_back(static_cast<float>(c.init[a.get()][j]) + static_cast<float>(c.init[b.get()][j]));
  return c;
}

}  // namespace

void add_basic_cases(std::vector<Case>& out) { out.push_back(vector_add()); }

}  // namespace wgsl_test
