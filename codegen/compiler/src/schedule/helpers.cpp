// Definitions for webtx/schedule/helpers.hpp.
#include "webtx/schedule/helpers.hpp"

#include <algorithm>

#include "locate_errors.hpp"

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
      !st.attrs().empty() || st.op()->ndim() == 0 || st.tensorized())
    return false;
  for (auto& o : s.stages())
    if (o->attach_stage() == &st) return false;
  return true;
}

void parallelize_unscheduled(Schedule& s, int64_t threads) {
  for (auto& st : s.stages())
    if (is_unscheduled(s, *st)) parallelize(s, st->op(), threads);
}

namespace {

Tile2DStages tile_2d_impl(Schedule& s, const ir::Operation& op, const Tile2D& cfg,
                          const std::vector<ir::Operation>& epilogue, const Where& where) {
  Stage& orig = s[op];
  const std::string name = orig.name();
  const int nd = orig.op()->ndim();
  user_assert(nd >= 2) << "tile_2d: stage '" << name << "' has " << nd << " axes, needs 2+";
  user_assert(cfg.block_y % cfg.thread_y == 0 && cfg.block_x % cfg.thread_x == 0)
      << "tile_2d: stage '" << name << "': the block tile (" << cfg.block_y << " x " << cfg.block_x
      << ") must be a multiple of the per-invocation tile (" << cfg.thread_y << " x "
      << cfg.thread_x << ")";
  const bool reduction = orig.op()->reduce() != nullptr;
  Tile2DStages r;
  if (!epilogue.empty()) {
    user_assert(reduction) << "tile_2d: stage '" << name
                           << "' is not a reduction: an epilogue fuses into a reduction";
    user_assert(!orig.is_output())
        << "tile_2d: stage '" << name << "' is a model output: its epilogue ('"
        << epilogue.front()->name << "') could not be fused after it";
    ir::Operation prev = op;
    for (auto& e : epilogue) {
      Stage& st = s[e];
      user_assert(!st.is_placeholder() && !st.op()->reduce() && st.op()->ndim() == nd)
          << "tile_2d: epilogue stage '" << st.name() << "' of '" << name
          << "' must be elementwise: no reduction, " << nd << " axes like '" << name << "'";
      const auto reads = ir::op_inputs(st.op());
      user_assert(std::find(reads.begin(), reads.end(), s[prev].op()) != reads.end())
          << "tile_2d: epilogue stage '" << st.name() << "' does not read '" << s[prev].name()
          << "' (the epilogue is a chain, in order)";
      prev = e;
    }
    for (size_t i = 0; i + 1 < epilogue.size(); ++i)
      r.inlined.push_back(&s[epilogue[i]].compute_inline(where));
    r.accumulator = &s[op];
    r.accumulator->set_scope(ir::MemScope::Private);
    r.out = &s[epilogue.back()];
  } else {
    r.accumulator = reduction ? &s.cache_write(op, ir::MemScope::Private) : nullptr;
    r.out = &s[op];
  }
  Stage& st = *r.out;
  auto t = st.tile(st.axis(nd - 2), st.axis(nd - 1), cfg.block_y, cfg.block_x, where);
  auto [ty, ry] = st.split(t.xi, cfg.thread_y, where);
  auto [tx, rx] = st.split(t.yi, cfg.thread_x, where);
  st.reorder({t.xo, t.yo, ty, tx, ry, rx}, where);
  st.bind(t.xo, ir::ThreadAxis::WorkgroupId, 1, where)
      .bind(t.yo, ir::ThreadAxis::WorkgroupId, 0, where);
  st.bind(ty, ir::ThreadAxis::LocalId, 1, where).bind(tx, ir::ThreadAxis::LocalId, 0, where);
  r.block_y = t.xo, r.block_x = t.yo, r.thread_y = ty, r.thread_x = tx, r.inner_y = ry,
  r.inner_x = rx;
  if (nd > 2) {
    ir::IterVar b = st.axis(0);
    for (int i = 1; i < nd - 2; ++i) b = st.fuse(b, st.axis(i), where);
    st.bind(b, ir::ThreadAxis::WorkgroupId, 2, where);
    r.batch = b;
  }
  st.unroll(ry, where).unroll(rx, where);
  if (!reduction) return r;
  Stage* acc = r.accumulator;
  acc->compute_at(st, tx, where);
  auto [ko, ki] = acc->split(acc->reduce_axis(0), cfg.k_step, where);
  r.k_outer = ko, r.k_inner = ki;
  // Splitting the accumulator's axes by the per-invocation tile gives the inner loops constant
  // extents (to unroll) even for symbolic shapes; the outer ones have extent 1 in the region.
  auto [yo, yi] = acc->split(acc->axis(nd - 2), cfg.thread_y, where);
  auto [xo, xi] = acc->split(acc->axis(nd - 1), cfg.thread_x, where);
  std::vector<ir::IterVar> order{ko, ki};
  for (int i = 0; i < nd - 2; ++i) order.push_back(acc->axis(i));
  for (auto& v : {yo, xo, yi, xi}) order.push_back(v);
  acc->reorder(order, where);
  acc->unroll(ki, where).unroll(yi, where).unroll(xi, where);
  if (!cfg.cache_inputs) return r;
  const int64_t threads_y = cfg.block_y / cfg.thread_y, threads_x = cfg.block_x / cfg.thread_x;
  for (auto& in : ir::op_inputs(acc->op())) {
    Stage& c = s.cache_read(in, ir::MemScope::Workgroup, {acc->op()});
    c.compute_at(*acc, ko, where);
    ir::IterVar f = c.axis(0);
    for (int i = 1; i < c.op()->ndim(); ++i) f = c.fuse(f, c.axis(i), where);
    auto [fo, fi] = c.split(f, threads_x * threads_y, where);
    auto [fy, fx] = c.split(fi, threads_x, where);
    c.bind(fx, ir::ThreadAxis::LocalId, 0, where).bind(fy, ir::ThreadAxis::LocalId, 1, where);
    r.inputs.push_back(&c);
  }
  return r;
}

}  // namespace

Tile2DStages tile_2d(Schedule& s, const ir::Operation& op, const Tile2D& cfg,
                     const std::vector<ir::Operation>& epilogue, Where where) {
  return detail::locate_errors(where, [&] { return tile_2d_impl(s, op, cfg, epilogue, where); });
}

}  // namespace webtx
