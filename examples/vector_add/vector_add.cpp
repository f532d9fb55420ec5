// vector_add: c = a + b over a length n bound at run time. Each invocation adds one element;
// 64 of them make a workgroup, and the grid covers ceil(n / 64) workgroups (the tail is guarded).
#include <webtx/generator.hpp>

#include "ops/vector_add.hpp"

using namespace webtx;

WEBTX_MODEL(vector_add, ctx) {
  Var n("n");
  auto a = ctx.input<f32>("a", {n});
  auto b = ctx.input<f32>("b", {n});
  auto c = ops::vector_add(a, b);

  auto& s = ctx.schedule(c);
  auto& st = s[c.op()];
  auto [block, lane] = st.split(st.axis(0), 64);
  st.bind(block, ir::ThreadAxis::WorkgroupId, 0).bind(lane, ir::ThreadAxis::LocalId, 0);
  ctx.output("c", c);
}
