// Definitions for webtx/schedule/helpers.hpp.
#include "webtx/schedule/helpers.hpp"

namespace webtx {

Stage& parallelize(Schedule& s, const ir::Operation& op, int64_t threads) {
  Stage& st = s[op];
  user_assert(!st.is_placeholder() && st.op()->ndim() > 0)
      << "parallelize: stage '" << st.name() << "' has no data-parallel axes";
  ir::IterVar f = st.axis(0);
  for (int i = 1; i < st.op()->ndim(); ++i) f = st.fuse(f, st.axis(i));
  auto [o, in] = st.split(f, threads);
  st.bind(o, ir::ThreadAxis::WorkgroupId, 0).bind(in, ir::ThreadAxis::LocalId, 0);
  return st;
}

bool is_unscheduled(const Schedule& s, const Stage& st) {
  if (st.is_placeholder() || st.attach() != AttachKind::Root || !st.relations().empty() ||
      !st.attrs().empty() || st.op()->ndim() == 0)
    return false;
  for (auto& o : s.stages())
    if (o->attach_stage() == &st) return false;
  return true;
}

void parallelize_unscheduled(Schedule& s, int64_t threads) {
  for (auto& st : s.stages())
    if (is_unscheduled(s, *st)) parallelize(s, st->op(), threads);
}

void tile_2d(Schedule& s, const ir::Operation& op, const Tile2D& cfg) {
  Stage& orig = s[op];
  const std::string name = orig.name();
  const int nd = orig.op()->ndim();
  user_assert(nd >= 2) << "tile_2d: stage '" << name << "' has " << nd << " axes, needs 2+";
  user_assert(cfg.block_y % cfg.thread_y == 0 && cfg.block_x % cfg.thread_x == 0)
      << "tile_2d: stage '" << name << "': the block tile (" << cfg.block_y << " x " << cfg.block_x
      << ") must be a multiple of the per-invocation tile (" << cfg.thread_y << " x "
      << cfg.thread_x << ")";
  const bool reduction = orig.op()->reduce() != nullptr;
  Stage* acc = reduction ? &s.cache_write(op, ir::MemScope::Private) : nullptr;
  Stage& st = s[op];
  auto t = st.tile(st.axis(nd - 2), st.axis(nd - 1), cfg.block_y, cfg.block_x);
  auto [ty, ry] = st.split(t.xi, cfg.thread_y);
  auto [tx, rx] = st.split(t.yi, cfg.thread_x);
  st.reorder({t.xo, t.yo, ty, tx, ry, rx});
  st.bind(t.xo, ir::ThreadAxis::WorkgroupId, 1).bind(t.yo, ir::ThreadAxis::WorkgroupId, 0);
  st.bind(ty, ir::ThreadAxis::LocalId, 1).bind(tx, ir::ThreadAxis::LocalId, 0);
  if (nd > 2) {
    ir::IterVar b = st.axis(0);
    for (int i = 1; i < nd - 2; ++i) b = st.fuse(b, st.axis(i));
    st.bind(b, ir::ThreadAxis::WorkgroupId, 2);
  }
  st.unroll(ry).unroll(rx);
  if (!reduction) return;
  acc->compute_at(st, tx);
  auto [ko, ki] = acc->split(acc->reduce_axis(0), cfg.k_step);
  // Splitting the accumulator's axes by the per-invocation tile gives the inner loops constant
  // extents (to unroll) even for symbolic shapes; the outer ones have extent 1 in the region.
  auto [yo, yi] = acc->split(acc->axis(nd - 2), cfg.thread_y);
  auto [xo, xi] = acc->split(acc->axis(nd - 1), cfg.thread_x);
  std::vector<ir::IterVar> order{ko, ki};
  for (int i = 0; i < nd - 2; ++i) order.push_back(acc->axis(i));
  for (auto& v : {yo, xo, yi, xi}) order.push_back(v);
  acc->reorder(order);
  acc->unroll(ki).unroll(yi).unroll(xi);
  if (!cfg.cache_inputs) return;
  const int64_t threads_y = cfg.block_y / cfg.thread_y, threads_x = cfg.block_x / cfg.thread_x;
  for (auto& in : ir::op_inputs(acc->op())) {
    Stage& c = s.cache_read(in, ir::MemScope::Workgroup, {acc->op()});
    c.compute_at(*acc, ko);
    ir::IterVar f = c.axis(0);
    for (int i = 1; i < c.op()->ndim(); ++i) f = c.fuse(f, c.axis(i));
    auto [fo, fi] = c.split(f, threads_x * threads_y);
    auto [fy, fx] = c.split(fi, threads_x);
    c.bind(fx, ir::ThreadAxis::LocalId, 0).bind(fy, ir::ThreadAxis::LocalId, 1);
  }
}

}  // namespace webtx
