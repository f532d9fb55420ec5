#pragma once
// The 3x3 convolution schedule the conv2d example and the conv benchmark share. A workgroup
// computes an 8x8 output tile of one (image, filter): it first copies the padded 10x10 input
// patch of every channel into workgroup memory, then each invocation accumulates its output
// pixel in a register. `padded` is the zero-padded input (inlined into the patch copy).
#include <webtx/schedule.hpp>

namespace examples {
using namespace webtx;

inline void schedule_conv3x3(Schedule& s, const ir::Operation& y, const ir::Operation& padded) {
  using ir::ThreadAxis;
  auto& acc = s.cache_write(y, ir::MemScope::Private);
  auto& out = s[y];
  auto nf = out.fuse(out.axis(0), out.axis(1));
  auto t = out.tile(out.axis(2), out.axis(3), 8, 8);
  out.bind(nf, ThreadAxis::WorkgroupId, 2);
  out.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  out.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  acc.compute_at(out, t.yi);

  s[padded].compute_inline();  // the border test is folded into the patch copy
  auto& patch = s.cache_read(padded, ir::MemScope::Workgroup, {acc.op()});
  patch.compute_at(acc, acc.axis(3));  // [1, C, 10, 10]: loaded by the 8x8 invocations
  auto [py, ly] = patch.split(patch.axis(2), 8);
  auto [px, lx] = patch.split(patch.axis(3), 8);
  patch.reorder({py, px, ly, lx});
  patch.bind(ly, ThreadAxis::LocalId, 1).bind(lx, ThreadAxis::LocalId, 0);
}

}  // namespace examples
