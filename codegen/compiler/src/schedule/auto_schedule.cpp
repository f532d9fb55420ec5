// Definitions for webtx/schedule/auto_schedule.hpp.
#include "webtx/schedule/auto_schedule.hpp"

#include <algorithm>
#include <functional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "webtx/ir/functor.hpp"
#include "webtx/ir/op_graph.hpp"
#include "webtx/ir/substitute.hpp"
#include "webtx/schedule/helpers.hpp"

namespace webtx {

namespace {

// Nothing of the stage's loop nest or placement has been chosen by its author (a scope set
// by hand counts as a choice too).
bool untouched(const Schedule& s, const Stage& st) { return is_unscheduled(s, st) && !st.scope(); }

bool injective(const Stage& st) { return st.op()->reduce() == nullptr; }

// Every read of `producer` in `consumer`'s body is at exactly the consumer's own indices.
bool reads_pointwise(const Stage& consumer, const ir::Operation& producer) {
  const auto& axes = consumer.op()->axis;
  if (static_cast<int>(axes.size()) != producer->ndim()) return false;
  struct Check : ir::IRVisitor {
    const ir::OperationNode* producer;
    const std::vector<ir::IterVar>* axes;
    bool ok = true;
    void visit_ProducerLoad(const ir::ProducerLoad& p) override {
      if (p.producer.get() == producer) {
        for (size_t i = 0; i < p.indices.size(); ++i) {
          auto* v = p.indices[i].as<ir::Variable>();
          ok &= v && v == (*axes)[i]->var.as<ir::Variable>();
        }
      }
      ir::IRVisitor::visit_ProducerLoad(p);
    }
  } c;
  c.producer = producer.get(), c.axes = &axes;
  c.visit(consumer.op()->body);
  return c.ok;
}

ir::Expr strip_cast(ir::Expr e) {
  while (auto* c = e.as<ir::Cast>()) e = c->value;
  return e;
}

// For a "matmul" anchor sum(a * b): the two output axes to block, {y, x}, x the innermost
// output axis. {-1, -1} when the anchor is not matmul-like.
std::pair<int, int> blocked_axes(const ir::OperationNode& anchor) {
  auto* r = anchor.reduce();
  if (!r || r->op != ir::ReduceOp::Sum) return {-1, -1};
  auto* mul = strip_cast(r->source).as<ir::Mul>();
  if (!mul) return {-1, -1};
  const int nd = anchor.ndim();
  auto uses = [&](const ir::Expr& operand, int i) {
    return ir::uses_var(operand, anchor.axis[i]->var.get());
  };
  const int x = nd - 1;
  if (uses(mul->a, x) == uses(mul->b, x)) return {-1, -1};
  const ir::Expr& has_x = uses(mul->a, x) ? mul->a : mul->b;
  const ir::Expr& other = uses(mul->a, x) ? mul->b : mul->a;
  // The innermost other axis that only the other operand uses: blocking it reuses has_x's
  // values, blocking x reuses other's.
  for (int y = nd - 2; y >= 0; --y)
    if (uses(other, y) && !uses(has_x, y)) return {y, x};
  return {-1, -1};
}

struct Group {
  Stage* anchor = nullptr;    // the reduction, or null
  std::vector<Stage*> chain;  // anchor's epilogue, in order; back() is the root
  Stage* root = nullptr;      // the stage that writes the result
  // An injective root's row reductions (row fusion: softmax, layernorm), producers first.
  std::vector<Stage*> rows;
};

// Fuses `outer` (in loop order) into one axis and spreads it over workgroups of `threads`
// invocations; returns the invocation axis. WebGPU allows 65535 workgroups per grid dimension:
// a leading symbolic axis (the batch) or a leading axis whose rest alone fills x goes to
// workgroup y, so x holds one image's worth (MobileNetV2's largest: 96x112x112 / 64 = 18816).
ir::IterVar spread(Stage& st, std::vector<ir::IterVar> outer, int64_t threads) {
  if (outer.size() >= 2) {
    int64_t rest = 1;
    bool constant_rest = true;
    for (size_t i = 1; i < outer.size(); ++i) {
      auto* c = outer[i]->extent.as<ir::IntImm>();
      constant_rest &= c != nullptr;
      if (c) rest *= c->value;
    }
    const bool symbolic_lead = outer.front()->extent.as<ir::IntImm>() == nullptr;
    const bool x_full = constant_rest && (rest + threads - 1) / threads > 65535;
    if (symbolic_lead || x_full) {
      st.bind(outer.front(), ir::ThreadAxis::WorkgroupId, 1);
      outer.erase(outer.begin());
    }
  }
  ir::IterVar f = outer.front();
  for (size_t i = 1; i < outer.size(); ++i) f = st.fuse(f, outer[i]);
  auto [wg, local] = st.split(f, threads);
  st.bind(wg, ir::ThreadAxis::WorkgroupId, 0).bind(local, ir::ThreadAxis::LocalId, 0);
  return local;
}

bool small_constant(const ir::IterVar& v, int64_t most) {
  auto* c = v->extent.as<ir::IntImm>();
  return c && c->value <= most;
}

// The anchor computed inside `root` at invocation axis `at`, its reduction outermost and its
// small loops unrolled; `y`/`x` (>= 0) are split by `block` to match the root's tile.
void place_anchor(Stage& anchor, Stage& root, const ir::IterVar& at, int y, int x, int64_t block) {
  anchor.set_scope(ir::MemScope::Private).compute_at(root, at);
  std::vector<ir::IterVar> order, inner;
  if (auto* r = anchor.op()->reduce())
    for (auto& a : r->axes) order.push_back(a);
  for (int i = 0; i < anchor.op()->ndim(); ++i) {
    if (i == y || i == x) {
      auto [o, in] = anchor.split(anchor.axis(i), block);
      order.push_back(o);
      inner.push_back(in);
    } else {
      order.push_back(anchor.axis(i));
    }
  }
  order.insert(order.end(), inner.begin(), inner.end());
  anchor.reorder(order);
  for (auto& v : inner) anchor.unroll(v);
  // Filter taps (kh, kw of a 3x3) unrolled when each invocation computes one output; under a
  // blocked tile they stay loops (16 x 9 unrolled copies of a padded read made a 200 KB shader
  // that SwiftShader took minutes to compile). A long channel loop always stays a loop.
  if (auto* r = anchor.op()->reduce(); r && y < 0) {
    for (auto& a : r->axes)
      if (small_constant(a, 9) && a != r->axes.front()) anchor.unroll(a);
  }
}

// ---- the row-reduction rule -------------------------------------------------------------------

// A reduction over rows: not matmul-like, and its innermost reduction axis is the last index
// of a read (neighbouring invocations then read neighbouring elements) and long: symbolic or
// at least kMinRow. The extent of that axis, 0 when symbolic; -1 when the rule does not apply.
constexpr int64_t kMinRow = 32;
int64_t row_length(const Stage& st) {
  auto* r = st.op()->reduce();
  if (!r || blocked_axes(*st.op()).first >= 0) return -1;
  const ir::IterVar& k = r->axes.back();
  auto* c = k->extent.as<ir::IntImm>();
  if (c && c->value < kMinRow) return -1;
  struct Last : ir::IRVisitor {
    const ir::ExprNode* k;
    bool found = false;
    void visit_ProducerLoad(const ir::ProducerLoad& p) override {
      found |= !p.indices.empty() && p.indices.back().get() == k;
      ir::IRVisitor::visit_ProducerLoad(p);
    }
  } v;
  v.k = k->var.get();
  v.visit(r->source);
  return v.found ? (c ? c->value : 0) : -1;
}

// Every read of `producer` in `reader` has the reader's own first `r` axes as its first indices.
bool reads_row_aligned(const Stage& reader, const ir::Operation& producer, int r) {
  const auto& axes = reader.op()->axis;
  if (static_cast<int>(axes.size()) < r) return false;
  struct Check : ir::IRVisitor {
    const ir::OperationNode* producer;
    const std::vector<ir::IterVar>* axes;
    int r;
    bool ok = true;
    void visit_ProducerLoad(const ir::ProducerLoad& p) override {
      if (p.producer.get() == producer) {
        ok &= static_cast<int>(p.indices.size()) >= r;
        for (int i = 0; ok && i < r; ++i) ok &= p.indices[i].get() == (*axes)[i]->var.get();
      }
      ir::IRVisitor::visit_ProducerLoad(p);
    }
  } c;
  c.producer = producer.get(), c.axes = &axes, c.r = r;
  c.visit(reader.op()->body);
  return c.ok;
}

// Invocations per row and rows per workgroup for rows of `len` elements (0: symbolic).
std::pair<int64_t, int64_t> row_threads(int64_t len, int64_t threads) {
  if (len == 0 || len >= threads) return {threads, 1};
  int64_t t = kMinRow;
  while (t < len) t *= 2;
  return {t, threads / t};
}

// The root's leading `r` axes are rows: a workgroup per row (or per `rows` rows on
// local_id.y); its other axes (an injective root) are spread over the row's `t` invocations on
// local_id.x. Each anchor is computed at the row, in registers, its innermost reduction axis
// split over the same invocations (strided) and reduced across them.
void row_schedule(Stage& root, const std::vector<Stage*>& anchors, int r, int64_t t, int64_t rows) {
  std::vector<ir::IterVar> lead, elems;
  for (int i = 0; i < root.op()->ndim(); ++i) (i < r ? lead : elems).push_back(root.axis(i));
  if (lead.size() >= 2 && !lead.front()->extent.as<ir::IntImm>()) {
    root.bind(lead.front(), ir::ThreadAxis::WorkgroupId, 1);  // a symbolic batch
    lead.erase(lead.begin());
  }
  ir::IterVar row = lead.front();
  for (size_t i = 1; i < lead.size(); ++i) row = root.fuse(row, lead[i]);
  ir::IterVar at = row;
  if (rows > 1) {
    auto [ro, ri] = root.split(row, rows);
    root.bind(ro, ir::ThreadAxis::WorkgroupId, 0).bind(ri, ir::ThreadAxis::LocalId, 1);
    at = ri;
  } else {
    root.bind(row, ir::ThreadAxis::WorkgroupId, 0);
  }
  if (!elems.empty()) {
    ir::IterVar e = elems.front();
    for (size_t i = 1; i < elems.size(); ++i) e = root.fuse(e, elems[i]);
    auto [eo, ei] = root.split(e, t);
    root.bind(ei, ir::ThreadAxis::LocalId, 0);
  }
  for (Stage* a : anchors) {
    a->set_scope(ir::MemScope::Private).compute_at(root, at);
    auto* red = a->op()->reduce();
    auto [ko, ki] = a->split(red->axes.back(), t);
    a->bind(ki, ir::ThreadAxis::LocalId, 0);
  }
}

}  // namespace

std::vector<FusedGroup> auto_schedule(Schedule& s, const AutoScheduleOptions& opt) {
  user_assert(opt.row_threads >= kMinRow && (opt.row_threads & (opt.row_threads - 1)) == 0)
      << "auto_schedule: row_threads (" << opt.row_threads
      << ") must be a power of two >= " << kMinRow;
  user_assert(opt.threads > 0 && opt.block > 0)
      << "auto_schedule: threads (" << opt.threads << ") and block (" << opt.block
      << ") must be positive";
  // Who reads each stage, and which stages are free to schedule, before anything changes.
  std::unordered_map<const Stage*, std::vector<Stage*>> readers;
  std::unordered_set<const Stage*> free;
  for (auto& st : s.stages()) {
    if (untouched(s, *st)) free.insert(st.get());
    if (st->is_placeholder()) continue;
    for (auto& in : ir::op_inputs(st->op()))
      if (s.has_stage(in)) readers[&s[in]].push_back(st.get());
  }
  auto only_reader = [&](const Stage* st) -> Stage* {
    auto it = readers.find(st);
    return it != readers.end() && it->second.size() == 1 ? it->second.front() : nullptr;
  };

  // 1. Groups: each free reduction with its epilogue chain; then every free injective stage
  //    that must be written to memory (an output) roots a group of its own.
  std::vector<Group> groups;
  std::unordered_set<const Stage*> claimed;
  for (auto& up : s.stages()) {
    Stage* st = up.get();
    if (!free.count(st) || injective(*st)) continue;
    Group g;
    g.anchor = st;
    Stage* cur = st;
    while (!cur->is_output()) {
      Stage* next = only_reader(cur);
      if (!next || !free.count(next) || claimed.count(next) || !injective(*next) ||
          !reads_pointwise(*next, cur->op()))
        break;
      g.chain.push_back(next);
      claimed.insert(next);
      cur = next;
    }
    claimed.insert(st);
    groups.push_back(std::move(g));
  }
  for (auto& up : s.stages()) {
    Stage* st = up.get();
    if (!free.count(st) || claimed.count(st) || !injective(*st)) continue;
    if (st->is_output()) {
      groups.push_back(Group{nullptr, {st}, nullptr, {}});
      claimed.insert(st);
    }
  }
  // Row fusion: an injective root whose free row reductions are read only by it (and by each
  // other, and through stages about to be inlined) along its leading axes takes them in, so a
  // softmax or a layernorm is one kernel with a workgroup per row.
  auto inlined_later = [&](const Stage* st) {
    return free.count(st) && !claimed.count(st) && injective(*st) && !st->is_output();
  };
  std::function<void(const Stage*, std::vector<Stage*>&)> eff_readers =
      [&](const Stage* st, std::vector<Stage*>& out) {
        auto it = readers.find(st);
        if (it == readers.end()) return;
        for (Stage* r : it->second) {
          if (inlined_later(r)) eff_readers(r, out);
          out.push_back(r);
        }
      };
  std::unordered_set<const Stage*> fused_away;
  for (auto& gx : groups) {
    if (gx.anchor || gx.chain.size() != 1) continue;
    Stage* x = gx.chain.back();
    std::vector<Stage*> cand;
    for (auto& g : groups) {
      if (g.anchor && g.chain.empty() && !fused_away.count(g.anchor) &&
          row_length(*g.anchor) >= 0 && g.anchor->op()->ndim() >= 1 &&
          g.anchor->op()->ndim() <= x->op()->ndim())
        cand.push_back(g.anchor);
    }
    if (cand.empty()) continue;
    const int r = cand.front()->op()->ndim();
    std::erase_if(cand, [&](Stage* a) { return a->op()->ndim() != r; });
    for (bool changed = true; changed;) {  // keep those read only inside the cluster
      changed = false;
      for (auto it = cand.begin(); it != cand.end(); ++it) {
        std::vector<Stage*> rs;
        eff_readers(*it, rs);
        bool inside = true;
        for (Stage* rd : rs)
          inside &= rd == x || inlined_later(rd) || std::count(cand.begin(), cand.end(), rd);
        if (!inside) {
          cand.erase(it), changed = true;
          break;
        }
      }
    }
    // Every read in the cluster (x, the anchors, the stages inlined between) is row-aligned,
    // and the rows are x's leading extents.
    bool ok = !cand.empty();
    for (Stage* a : cand) {
      for (int d = 0; d < r; ++d) ok &= ir::deep_equal(a->op()->shape[d], x->op()->shape[d]);
      std::vector<Stage*> rs;
      eff_readers(a, rs);
      std::vector<const Stage*> sources = {a};
      for (Stage* rd : rs)
        if (inlined_later(rd)) sources.push_back(rd);
      for (const Stage* src : sources) {
        auto it = readers.find(src);
        if (it == readers.end()) continue;
        for (Stage* rd : it->second) ok &= reads_row_aligned(*rd, src->op(), r);
      }
    }
    if (!ok) continue;
    for (Stage* a : cand) fused_away.insert(a);
    gx.rows = cand;
  }
  std::erase_if(groups, [&](const Group& g) { return g.anchor && fused_away.count(g.anchor); });

  // Everything else free and injective is substituted into its readers.
  for (auto& up : s.stages()) {
    Stage* st = up.get();
    if (free.count(st) && !claimed.count(st) && injective(*st)) st->compute_inline();
  }
  for (auto& g : groups)
    for (size_t i = 0; i + 1 < g.chain.size(); ++i) g.chain[i]->compute_inline();

  // 2. One schedule per group.
  std::vector<FusedGroup> report;
  for (auto& g : groups) {
    FusedGroup out;
    ir::Operation anchor_op = g.anchor ? g.anchor->op() : ir::Operation();
    Stage* anchor = g.anchor;
    const int64_t row_len =
        row_length(*(g.rows.empty() ? (anchor ? anchor : g.chain.back()) : g.rows.front()));
    if (anchor && g.chain.empty()) {
      // A reduction written as it is: accumulate in registers, then store once.
      anchor = &s.cache_write(anchor_op, ir::MemScope::Private);
      g.root = &s[anchor_op];
    } else {
      g.root = g.chain.back();
    }
    Stage& root = *g.root;
    out.root = root.name();
    if (anchor) out.anchor = g.anchor->name();
    for (size_t i = 0; i + 1 < g.chain.size(); ++i) out.inlined.push_back(g.chain[i]->name());
    // The row rule: reductions along long rows, reduced across a workgroup's invocations.
    if (row_len >= 0) {
      std::vector<Stage*> anchors = g.rows.empty() ? std::vector<Stage*>{anchor} : g.rows;
      for (size_t i = 0; i < g.rows.size(); ++i) out.anchor += (i ? ", " : "") + g.rows[i]->name();
      auto [t, rows] = row_threads(row_len, opt.row_threads);
      row_schedule(root, anchors, anchors.front()->op()->ndim(), t, rows);
      out.rule = "row-reduction";
      report.push_back(std::move(out));
      continue;
    }

    auto [y, x] =
        anchor && opt.block > 1 ? blocked_axes(*anchor->op()) : std::pair<int, int>{-1, -1};
    out.rule = !anchor ? "injective" : y >= 0 ? "matmul" : "reduction";
    std::vector<ir::IterVar> outer, inner;
    for (int i = 0; i < root.op()->ndim(); ++i) {
      if (i == y || i == x) {
        auto [o, in] = root.split(root.axis(i), opt.block);
        outer.push_back(o);
        inner.push_back(in);
      } else {
        outer.push_back(root.axis(i));
      }
    }
    if (!inner.empty()) {
      std::vector<ir::IterVar> order = outer;
      order.insert(order.end(), inner.begin(), inner.end());
      root.reorder(order);
    }
    ir::IterVar local = spread(root, outer, opt.threads);
    for (auto& v : inner) root.unroll(v);
    if (anchor) place_anchor(*anchor, root, local, y, x, opt.block);
    report.push_back(std::move(out));
  }
  return report;
}

std::string to_string(const std::vector<FusedGroup>& groups) {
  std::ostringstream os;
  for (auto& g : groups) {
    os << g.root;
    if (!g.anchor.empty() && g.anchor != g.root) os << " <- " << g.anchor;
    for (auto& i : g.inlined) os << " + " << i;
    os << " (" << g.rule << ")\n";
  }
  return os.str();
}

}  // namespace webtx
