// Definitions for webtx/schedule/auto_schedule.hpp.
#include "webtx/schedule/auto_schedule.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "webtx/ir/functor.hpp"
#include "webtx/ir/op_graph.hpp"
#include "webtx/ir/operators.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/ir/substitute.hpp"
#include "webtx/schedule/gemv.hpp"
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
// The axes of `outer` that spread() fuses onto workgroup x (the others go to y).
// Whether the leading axis of `outer` goes to workgroup y: it is symbolic, or the other axes
// alone (constant) fill more than 65535 workgroups of `threads`.
bool lead_to_y(const std::vector<ir::IterVar>& outer, int64_t threads) {
  if (outer.size() < 2) return false;
  int64_t rest = 1;
  bool constant_rest = true;
  for (size_t i = 1; i < outer.size(); ++i) {
    auto* c = outer[i]->extent.as<ir::IntImm>();
    constant_rest &= c != nullptr;
    if (c) rest *= c->value;
  }
  const bool symbolic_lead = outer.front()->extent.as<ir::IntImm>() == nullptr;
  return symbolic_lead || (constant_rest && (rest + threads - 1) / threads > 65535);
}

std::vector<ir::IterVar> x_axes(std::vector<ir::IterVar> outer, int64_t threads) {
  if (lead_to_y(outer, threads)) outer.erase(outer.begin());
  return outer;
}

// Workgroups per row of a 2-D grid (kGridX x ceil(n / kGridX)) for symbolic extents.
constexpr int64_t kGridX = 32768;

// `two_d`: the fused x axis's workgroups are spread over x and another grid dimension (y, or
// z when y holds the leading axis): for grids past WebGPU's 65535 workgroups per dimension.
ir::IterVar spread(Stage& st, std::vector<ir::IterVar> outer, int64_t threads, bool two_d = false) {
  int free_dim = 1;
  if (lead_to_y(outer, threads)) {
    st.bind(outer.front(), ir::ThreadAxis::WorkgroupId, 1);
    outer.erase(outer.begin());
    free_dim = 2;
  }
  ir::IterVar f = outer.front();
  for (size_t i = 1; i < outer.size(); ++i) f = st.fuse(f, outer[i]);
  auto [wg, local] = st.split(f, threads);
  st.bind(local, ir::ThreadAxis::LocalId, 0);
  if (!two_d) {
    st.bind(wg, ir::ThreadAxis::WorkgroupId, 0);
    return local;
  }
  int64_t per_row = kGridX;
  if (auto* c = f->extent.as<ir::IntImm>()) {
    const int64_t groups = (c->value + threads - 1) / threads, rows = (groups + 65534) / 65535;
    per_row = (groups + rows - 1) / rows;
  }
  auto [wy, wx] = st.split(wg, per_row);
  st.bind(wx, ir::ThreadAxis::WorkgroupId, 0).bind(wy, ir::ThreadAxis::WorkgroupId, free_dim);
  return local;
}

// The lanes of an injective stage: its last axis (in `axes`) split by `vec`, the outer part
// replacing it; none where the elements are not 32-bit (no 16-byte vectors of them: f16 would
// need 8 lanes) or a constant last extent is not a multiple of `vec` (the lanes would
// straddle rows). Measured on the H100 through Dawn (docs/schedule.md): a 64 MiB elementwise
// op went from 76-77% to 101-102% of a copy kernel's bandwidth with 4.
std::optional<ir::IterVar> injective_lanes(Stage& st, std::vector<ir::IterVar>& axes, int64_t vec) {
  if (vec <= 1 || axes.empty() || st.op()->type.bits != 32 || st.op()->type.is_bool())
    return std::nullopt;
  if (auto* c = axes.back()->extent.as<ir::IntImm>(); c && c->value % vec != 0) return std::nullopt;
  auto [rest, lane] = st.split(axes.back(), vec);
  axes.back() = rest;
  return lane;
}

// The extent spread() gives workgroup x before dividing by the invocations (a product).
ir::Expr x_extent(const std::vector<ir::IterVar>& outer, int64_t threads) {
  ir::Expr e;
  for (auto& a : x_axes(outer, threads)) e = e.defined() ? ir::fold::mul(e, a->extent) : a->extent;
  return e;
}

// The GEMV rule (gemv.hpp) for a 2-D matmul-like anchor sum(a[m, k] * b[k, n]) with few rows
// (a constant <= 64) or a symbolic row count (then in specializations M <= 1 and M <= 64 when
// `specialize`, `root` keeping the general rule), and a long reduction (symbolic or >= 128).
// Returns whether `root` itself was scheduled.
constexpr int64_t kGemvRows = 64, kGemvMinK = 128;
Gemv gemv_tiles(int64_t rows) {
  if (rows <= 1) return {.rows = 1, .cols = 32, .vec = 4, .k_threads = 32, .k_unroll = 8};
  return {.rows = std::min<int64_t>(rows, 8), .cols = 32, .vec = 4, .k_threads = 16, .k_unroll = 4};
}
bool gemv_rule(Stage& root, Stage& anchor, bool specialize, FusedGroup& out) {
  const ir::Operation& op = anchor.op();
  auto* red = op->reduce();
  if (op->ndim() != 2 || !red || red->axes.size() != 1 || red->op != ir::ReduceOp::Sum)
    return false;
  if (blocked_axes(*op) != std::pair<int, int>{0, 1}) return false;
  const ir::Operation b = gemv_column_input(op);
  auto* k = red->axes[0]->extent.as<ir::IntImm>();
  if (!b || (k && k->value < kGemvMinK)) return false;
  const ir::Expr& m = op->shape[0];
  if (auto* c = m.as<ir::IntImm>()) {
    if (c->value > kGemvRows) return false;
    anchor.set_scope(ir::MemScope::Private);
    gemv_schedule(root.schedule(), root, anchor, b, gemv_tiles(c->value));
    out.rule = "gemv";
    return true;
  }
  if (!specialize) return false;
  for (int64_t rows : {int64_t{1}, kGemvRows}) {
    Stage& sp = root.specialize(ir::LE::make(m, ir::IntImm::make(m.type(), rows)));
    Schedule& c = sp.schedule();
    c[op].set_scope(ir::MemScope::Private);
    gemv_schedule(c, sp, c[op], b, gemv_tiles(rows));
  }
  out.rule += " + gemv where " + ir::to_string(m) + " <= " + std::to_string(kGemvRows);
  return false;
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
  const bool last = ir::contains_if<ir::ProducerLoad>(r->source, [&](const ir::ProducerLoad& p) {
    return !p.indices.empty() && p.indices.back().get() == k->var.get();
  });
  return last ? (c ? c->value : 0) : -1;
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

// One configuration of the row rule: invocations per row, rows per workgroup (local_id.y),
// unrolled steps of each row loop; `cache` > 0: each invocation keeps its (at most `cache`)
// elements of the row in registers, read once, and every row loop is unrolled entirely (for
// rows of at most threads * cache elements).
// `vec` 4 (with `cache`): each invocation's cached elements are runs of 4 neighbours every
// 4 * threads, so the row is read and written with 16-byte accesses (vectorize.hpp) where the
// row length is a multiple of 4.
struct RowConfig {
  int64_t threads = 256, rows = 1, unroll = 1, cache = 0, groups = 1, vec = 1;
  bool operator==(const RowConfig&) const = default;
};

// A condition over the model's symbols, folded when its operands are constants.
struct Cond {
  std::optional<bool> known;  // set when constant
  ir::Expr e;
};
Cond compare(const ir::Expr& x, int64_t c, bool at_least) {
  if (auto v = ir::as_const(x)) return {at_least ? *v >= c : *v <= c, {}};
  const ir::Expr k = ir::IntImm::make(x.type(), c);
  return {std::nullopt, at_least ? ir::GE::make(x, k) : ir::LE::make(x, k)};
}
Cond both(const Cond& a, const Cond& b) {
  if (a.known == false || b.known == false) return {false, {}};
  if (a.known) return b;
  if (b.known) return a;
  return {std::nullopt, ir::And::make(a.e, b.e)};
}

// The row rule's versions for rows of `n` elements, `m` rows, at most `most` invocations per
// workgroup (the Target's limit), tested in order, the first whose condition holds wins; the
// last always holds. Measured on the H100 through Dawn (docs/schedule.md, "Row reductions";
// benchmarks/results/rows_probe_2026-11-27-h100 and rows_probe2_2026-11-27-h100): long rows
// with up to 512 rows want as many invocations per row as the Target allows (1024: 60-65% of
// copy where 256 gets 44-49%); long rows with more rows stay at 256 (1024 per row: ~30% at
// 4096 rows); short rows with many rows share a workgroup (4 rows of 64: 70-79%); short rows
// otherwise 256 x unroll 4 (81-88%); the middle 512 x unroll 8 (76-92%, 256 x 8: 74-79%).
constexpr int64_t kLongRow = 16384, kShortRow = 2048, kFewRows = 512, kManyRows = 1024;
// Rows kept in registers (probe 3, benchmarks/results/rows_probe3_2026-11-27-h100): long rows
// with 32 elements per invocation of 1024 (rows up to 32768: 84-106% of copy at 512 and 4096
// rows, where re-reading got 38-84%); rows of 2049-4096 with 16 per invocation of 256 (81-96%,
// re-reading 512 x unroll 8: 76-92%). 128 per invocation of 256 spills (12-33%).
constexpr int64_t kCachedRow = 32, kMidRow = 4096;
// Few long rows (benchmarks/results/rows_groups_2026-11-27-h100): one workgroup per row leaves
// most SMs idle, and WebGPU has no way to combine workgroups' partial results within a
// dispatch (a dependent second dispatch costs ~1.5 us more; the best hand-written split kernel
// reached 67-69% of copy at one row). So each of `groups` workgroups reduces the whole row
// itself (reading it from L2 `groups` times) and writes a `groups`-th of it. Probe 5, rows of
// 32768: 8 workgroups per row up to 8 rows (1-4 rows: 68-73% of copy, one workgroup 60-61%),
// 4 up to 32 rows (16 rows: 66-70%, one 61-62%; 32 rows: 65-68%, 64%); from 64 rows one
// workgroup per row is as good or better (more workgroups than SMs).
constexpr int64_t kFewestRows = 8, kFewerRows = 32;
// Cached rows' accesses: runs of 4 (16-byte loads and stores).
constexpr int64_t kRowVector = 4;
std::vector<std::pair<Cond, RowConfig>> row_versions(const ir::Expr& n, const ir::Expr& m,
                                                     int64_t most, bool elementwise) {
  int64_t wide = kMinRow;
  while (wide * 2 <= std::min<int64_t>(most, 1024)) wide *= 2;
  const int64_t mid = std::min<int64_t>(wide, 256);
  const Cond long_row = compare(n, kLongRow, true), short_row = compare(n, kShortRow, false);
  std::vector<std::pair<Cond, RowConfig>> v = {
      {both(long_row, compare(m, kFewRows, false)), {wide, 1, wide >= 1024 ? 4 : 8}},
      {long_row, {mid, 1, 4}},
      {both(short_row, compare(m, kManyRows, true)), {std::min<int64_t>(mid, 64), 4, 4}},
      {short_row, {mid, 1, 4}},
      {compare(n, kMidRow, false), {mid, 1, 1, kMidRow / mid}},
      {{true, {}}, {std::min<int64_t>(wide, 512), 1, 8}}};
  if (wide >= 1024) {  // first: rows that fit 1024 invocations' registers
    const Cond cached = both(long_row, compare(n, wide * kCachedRow, false));
    v.insert(v.begin(), {cached, {wide, 1, 1, kCachedRow}});
    // Before them, few such rows written by several workgroups each (an elementwise root:
    // a reduction's own result has nothing to share out).
    if (elementwise) {
      v.insert(v.begin(),
               {both(cached, compare(m, kFewerRows, false)), {wide, 1, 1, kCachedRow, 4}});
      v.insert(v.begin(),
               {both(cached, compare(m, kFewestRows, false)), {wide, 1, 1, kCachedRow, 8}});
    }
  }
  return v;
}

// The configuration `c` gives rows of `len` elements (0: symbolic): a constant row shorter
// than c.threads gets the next power of two (>= kMinRow) invocations, the workgroup's other
// invocations going to more rows, and no more unrolled steps than it has.
RowConfig row_config(int64_t len, const RowConfig& c) {
  if (len == 0 || len >= c.threads * c.vec)
    return {
        c.threads, c.rows,   len ? std::min(c.unroll, (len + c.threads - 1) / c.threads) : c.unroll,
        c.cache,   c.groups, c.vec};
  if (len >= c.threads) return {c.threads, c.rows, 1, c.cache, c.groups};
  int64_t t = kMinRow;
  while (t < len) t *= 2;
  return {t, std::max<int64_t>(1, c.threads * c.rows / t), 1};
}

// The tensors the row loops read along the row, each cached in private memory for the anchors
// (and the root, when `root_reads`) that read it (cache_read; returns the cache stages, not
// yet placed). A tensor is cached when the anchors reduce along it and every read of it by
// those stages is [the row..., the stage's own row index] (then an invocation reads every
// t-th element of it, the same ones in each stage: bound inference gives it just those).
std::vector<Stage*> cache_rows(Stage& root, const std::vector<Stage*>& anchors, int r,
                               bool root_reads) {
  std::vector<Stage*> stages;
  if (root_reads) stages.push_back(&root);
  stages.insert(stages.end(), anchors.begin(), anchors.end());
  // The row index of a stage: an anchor's reduction axis, the root's last axis.
  auto row_var = [&](const Stage* st) {
    auto* red = st->op()->reduce();
    return red ? red->axes.back()->var.get() : st->op()->axis.back()->var.get();
  };
  struct Reads : ir::IRVisitor {
    const ir::ExprNode* row = nullptr;
    const std::vector<ir::IterVar>* axes = nullptr;
    int r = 0;
    std::vector<ir::Operation> along;                  // read as [row..., row index]
    std::unordered_set<const ir::OperationNode*> bad;  // read otherwise
    void visit_ProducerLoad(const ir::ProducerLoad& p) override {
      bool ok = static_cast<int>(p.indices.size()) == r + 1 && p.indices.back().get() == row;
      for (int i = 0; ok && i < r; ++i) ok = p.indices[i].get() == (*axes)[i]->var.get();
      if (ok)
        along.push_back(p.producer);
      else
        bad.insert(p.producer.get());
      ir::IRVisitor::visit_ProducerLoad(p);
    }
  };
  Schedule& sched = root.schedule();
  std::vector<ir::Operation> tensors;
  std::unordered_set<const ir::OperationNode*> bad;
  std::unordered_map<const ir::OperationNode*, std::vector<ir::Operation>> readers;
  for (Stage* st : stages) {
    Reads v;
    v.row = row_var(st), v.axes = &st->op()->axis, v.r = r;
    v.visit(sched.inline_marked(st->op()->body));  // what cache_read redirects
    bad.insert(v.bad.begin(), v.bad.end());
    for (auto& t : v.along) {
      auto& rs = readers[t.get()];
      if (std::none_of(rs.begin(), rs.end(), [&](auto& o) { return o == st->op(); }))
        rs.push_back(st->op());
      if (st != &root &&
          std::none_of(tensors.begin(), tensors.end(), [&](auto& o) { return o == t; }))
        tensors.push_back(t);
    }
  }
  std::vector<Stage*> out;
  for (auto& t : tensors) {
    if (bad.count(t.get()) || readers[t.get()].size() < 2) continue;
    out.push_back(&sched.cache_read(t, ir::MemScope::Private, readers[t.get()]));
  }
  return out;
}

// The root's leading `r` axes are rows: a workgroup per row (or per `rows` rows on
// local_id.y); its other axes (an injective root) are spread over the row's `t` invocations on
// local_id.x. Each anchor is computed at the row, in registers, its innermost reduction axis
// split over the same invocations (strided) and reduced across them.
// `unroll` > 1: each row loop's steps are split by it and the inner part unrolled.
// `groups` > 1 (with `cache`): the root's row is split into chunks of t * cache / groups
// elements, one workgroup each (workgroup y, or z under a symbolic batch); the anchors and the
// caches are computed per chunk, so each workgroup reduces the whole row itself, and the root
// reads its chunk from global memory (the cache index would depend on the workgroup).
// `vec` 4 (with `cache`): every row loop is split into runs of 4 (index (step * t + local id)
// * 4 + lane), the lanes vectorized where the root writes the row and the caches read it,
// unrolled in the reductions (over registers).
void row_schedule(Stage& root, const std::vector<Stage*>& anchors, int r, const RowConfig& c) {
  const int64_t t = c.threads, rows = c.rows, unroll = c.unroll, cache = c.cache;
  const int64_t groups = cache > 0 ? c.groups : 1;
  const int64_t vec = cache > 0 ? c.vec : 1;
  // Splits off the lanes of a row loop: (the rest, lanes), the lanes vectorized or unrolled.
  auto lanes = [&](Stage& st, const ir::IterVar& axis, bool vectorized) {
    if (vec <= 1) return axis;
    auto [rest, lane] = st.split(axis, vec);
    vectorized ? st.vectorize(lane) : st.unroll(lane);
    return rest;
  };
  auto unrolled = [&](Stage& st, const ir::IterVar& steps) {
    if (cache > 0) {
      st.unroll(steps);  // at most `cache` steps (the version's condition bounds the row)
      return;
    }
    if (unroll <= 1) return;
    auto [so, si] = st.split(steps, unroll);
    st.unroll(si);
  };
  std::vector<ir::IterVar> lead, elems;
  for (int i = 0; i < root.op()->ndim(); ++i) (i < r ? lead : elems).push_back(root.axis(i));
  const bool chunks = groups > 1 && !elems.empty() && rows == 1;
  std::vector<Stage*> cached =
      cache > 0 ? cache_rows(root, anchors, r, !chunks) : std::vector<Stage*>{};
  int chunk_dim = 1;
  if (lead.size() >= 2 && !lead.front()->extent.as<ir::IntImm>()) {
    root.bind(lead.front(), ir::ThreadAxis::WorkgroupId, 1);  // a symbolic batch
    lead.erase(lead.begin());
    chunk_dim = 2;
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
    if (chunks) {
      auto [chunk, within] = root.split(e, t * std::max<int64_t>(1, cache / groups));
      root.bind(chunk, ir::ThreadAxis::WorkgroupId, chunk_dim);
      at = chunk, e = within;
    }
    auto [eo, ei] = root.split(lanes(root, e, true), t);
    root.bind(ei, ir::ThreadAxis::LocalId, 0);
    unrolled(root, eo);
  }
  for (Stage* c : cached) {
    c->compute_at(root, at);
    c->unroll(lanes(*c, c->axis(c->op()->ndim() - 1), true));
  }
  for (Stage* a : anchors) {
    a->set_scope(ir::MemScope::Private).compute_at(root, at);
    auto* red = a->op()->reduce();
    auto [ko, ki] = a->split(lanes(*a, red->axes.back(), false), t);
    a->bind(ki, ir::ThreadAxis::LocalId, 0);
    unrolled(*a, ko);
  }
}

}  // namespace

namespace {
std::vector<FusedGroup> auto_schedule(Schedule& s, const AutoScheduleOptions& opt, bool specialize);
}

std::vector<FusedGroup> auto_schedule(Schedule& s, const AutoScheduleOptions& opt) {
  return auto_schedule(s, opt, true);
}

namespace {
// `specialize`: whether rules may add specializations (not inside one: a specialization's
// own copy of the other stages only needs their general schedule).
std::vector<FusedGroup> auto_schedule(Schedule& s, const AutoScheduleOptions& opt,
                                      bool specialize) {
  // Row options: 0 = chosen by the rule; any of them set fixes one configuration.
  const bool row_fixed =
      opt.row_threads || opt.row_rows || opt.row_unroll || opt.row_cache || opt.row_groups;
  const RowConfig fixed{opt.row_threads ? opt.row_threads : 256, opt.row_rows ? opt.row_rows : 1,
                        opt.row_unroll ? opt.row_unroll : 1};
  user_assert(fixed.threads >= kMinRow && (fixed.threads & (fixed.threads - 1)) == 0)
      << "auto_schedule: row_threads (" << opt.row_threads
      << ") must be a power of two >= " << kMinRow;
  user_assert(fixed.rows >= 1 && fixed.threads * fixed.rows <= 1024)
      << "auto_schedule: row_rows (" << opt.row_rows << ") must be >= 1 and row_threads ("
      << fixed.threads << ") * row_rows <= 1024 invocations per workgroup";
  user_assert(fixed.unroll >= 1 && fixed.unroll <= 16)
      << "auto_schedule: row_unroll (" << opt.row_unroll << ") must be in [1, 16]";
  user_assert(opt.row_cache >= 0 && opt.row_cache <= 256)
      << "auto_schedule: row_cache (" << opt.row_cache << ") must be in [0, 256] elements";
  user_assert(opt.row_groups == 0 || opt.row_groups == 1 ||
              (opt.row_groups > 1 && opt.row_cache > 0 && opt.row_cache % opt.row_groups == 0 &&
               fixed.rows == 1))
      << "auto_schedule: row_groups (" << opt.row_groups
      << ") must be 0, 1, or a divisor of row_cache (" << opt.row_cache
      << ") with row_rows 1: workgroups per row share out the cached rows' elements";
  user_assert(opt.injective_vector == 1 || opt.injective_vector == 4)
      << "auto_schedule: injective_vector (" << opt.injective_vector
      << ") must be 1 (one element per invocation) or 4 (vec4)";
  user_assert(opt.row_vector == 0 || opt.row_vector == 1 || opt.row_vector == 4)
      << "auto_schedule: row_vector (" << opt.row_vector
      << ") must be 0 (the rule's choice), 1 (scalar accesses) or 4 (vec4)";
  user_assert(opt.threads > 0 && opt.block > 0 && opt.injective_threads > 0)
      << "auto_schedule: threads (" << opt.threads << "), injective_threads ("
      << opt.injective_threads << ") and block (" << opt.block << ") must be positive";
  user_assert(opt.max_invocations >= 256)
      << "auto_schedule: max_invocations (" << opt.max_invocations
      << ") must be at least WebGPU's guaranteed 256";
  // Who reads each stage, and which stages are free to schedule, before anything changes.
  std::unordered_map<const Stage*, std::vector<Stage*>> readers;
  std::unordered_set<const Stage*> free;
  for (auto& st : s.stages()) {
    if (untouched(s, *st)) free.insert(st.get());
    if (st->is_placeholder()) continue;
    for (auto& in : ir::op_inputs(st->op()))
      if (s.has_stage(in)) readers[&s[in]].push_back(st.get());
  }
  // A stage the author specialized keeps a kernel of its own (each version replaces it).
  auto specialized = [&](const Stage* st) {
    for (auto& sp : s.specializations())
      if (sp.stage == st) return true;
    return false;
  };
  auto only_reader = [&](const Stage* st) -> Stage* {
    auto it = readers.find(st);
    return it != readers.end() && it->second.size() == 1 ? it->second.front() : nullptr;
  };

  // A tensorized stage reads its operands from global memory (lowering copies them into
  // workgroup memory itself): a producer it reads may not be inlined into it.
  auto feeds_tensorized = [&](const Stage* st) {
    auto it = readers.find(st);
    if (it == readers.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [](const Stage* r) { return r->tensorized().has_value(); });
  };

  // 1. Groups: each free reduction with its epilogue chain; then every free injective stage
  //    that must be written to memory (an output, or an operand of a tensorized stage) roots
  //    a group of its own.
  std::vector<Group> groups;
  std::unordered_set<const Stage*> claimed;
  for (auto& up : s.stages()) {
    Stage* st = up.get();
    if (!free.count(st) || injective(*st)) continue;
    Group g;
    g.anchor = st;
    Stage* cur = st;
    while (!cur->is_output() && !specialized(cur)) {
      Stage* next = only_reader(cur);
      if (!next || !free.count(next) || claimed.count(next) || !injective(*next) ||
          specialized(next) || !reads_pointwise(*next, cur->op()))
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
    if (st->is_output() || specialized(st) || feeds_tensorized(st)) {
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
      if (g.anchor && g.chain.empty() && !fused_away.count(g.anchor) && !specialized(g.anchor) &&
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
      const int r = anchors.front()->op()->ndim();
      // The rows (the product of the root's first r extents) and the row length.
      ir::Expr m = root.op()->shape.front();
      for (int d = 1; d < r; ++d) m = ir::fold::mul(m, root.op()->shape[d]);
      const ir::Expr n = anchors.front()->op()->reduce()->axes.back()->extent;
      std::vector<std::pair<Cond, RowConfig>> versions;
      if (!row_fixed) {
        versions = row_versions(n, m, opt.max_invocations, root.op()->ndim() > r);
      } else {
        // row_cache: rows that fit in registers are cached; longer ones re-read.
        if (opt.row_cache) {
          RowConfig c = fixed;
          c.cache = opt.row_cache;
          c.groups = opt.row_groups ? opt.row_groups : 1;
          versions.push_back({compare(n, c.threads * c.cache, false), c});
        }
        versions.push_back({{true, {}}, fixed});
      }
      // Cached rows read and written as vectors (row_vector; not counted as fixing one
      // configuration: it applies to every cached version) where the cache splits into runs.
      const int64_t vec = opt.row_vector ? opt.row_vector : kRowVector;
      for (auto& v : versions)
        if (v.second.cache > 0 && v.second.cache / v.second.groups % vec == 0) v.second.vec = vec;
      for (auto& v : versions) v.second = row_config(row_len, v.second);
      // A version is left out where every later one that can hold gives the same
      // configuration (constant rows fold most conditions).
      const bool own_versions = specialize && !specialized(&root);  // none by its author
      for (size_t i = 0; i < versions.size(); ++i) {
        auto& [cond, c] = versions[i];
        bool same_later = true;
        for (size_t j = i + 1; j < versions.size() && versions[j - 1].first.known != true; ++j)
          same_later &= versions[j].first.known == false || versions[j].second == c;
        if (cond.known == false || (!cond.known && same_later)) continue;
        if (cond.known) {
          row_schedule(root, anchors, r, c);
          break;
        }
        // A version for the calls where `cond` holds: its own copy of the schedule.
        if (!own_versions) continue;
        Stage& sp = root.specialize(cond.e);
        Schedule& copy = sp.schedule();
        std::vector<Stage*> as;
        for (Stage* a : anchors) as.push_back(&copy[a->op()]);
        row_schedule(sp, as, r, c);
      }
      out.rule = "row-reduction";
      report.push_back(std::move(out));
      continue;
    }

    auto [y, x] =
        anchor && opt.block > 1 ? blocked_axes(*anchor->op()) : std::pair<int, int>{-1, -1};
    const int64_t threads = anchor ? opt.threads : opt.injective_threads;
    out.rule = !anchor ? "injective" : y >= 0 ? "matmul" : "reduction";
    // Skinny matmuls (few rows, a long reduction): GEMV-like kernels (gemv.hpp); for a
    // symbolic row count as specializations, this group's rule the general version.
    if (anchor && y < 0 && !specialized(&root) && gemv_rule(root, *anchor, specialize, out)) {
      report.push_back(std::move(out));
      continue;
    }
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
    // An injective root: `injective_vector` neighbours per invocation along its last axis,
    // read and written as vectors where they line up (vectorize.hpp; a kernel version where
    // a symbolic row length is a multiple of 4).
    std::optional<ir::IterVar> lane;
    if (!anchor && inner.empty()) lane = injective_lanes(root, outer, opt.injective_vector);
    // An injective root too large for one grid dimension: a 2-D grid; for symbolic extents
    // in a specialization for the calls that need it, the 1-D grid for the others.
    bool two_d = false;
    if (!anchor && inner.empty()) {
      const ir::Expr xe = x_extent(outer, threads);
      const ir::Expr most = ir::IntImm::make(xe.type(), 65535 * threads);
      if (auto c = ir::as_const(xe)) {
        two_d = *c > 65535 * threads;
        if (two_d) out.rule = "injective-2d";
      } else if (specialize && !specialized(&root)) {
        Stage& sp = root.specialize(ir::GT::make(xe, most));
        // Its copy of the stage is split as the root is so far (the lanes last).
        std::vector<ir::IterVar> axes = sp.leaf_axes();
        if (lane) axes.pop_back();
        spread(sp, axes, threads, true);
        if (lane) sp.vectorize(sp.leaf_axes().back());
        out.rule += " + 2-d grid where " + ir::to_string(xe) + " > " + ir::to_string(most);
      }
    }
    ir::IterVar local = spread(root, outer, threads, two_d);
    if (lane) root.vectorize(*lane);
    for (auto& v : inner) root.unroll(v);
    if (anchor) place_anchor(*anchor, root, local, y, x, opt.block);
    report.push_back(std::move(out));
  }
  // Specializations (the author's, and the ones made above): their untouched stages too.
  for (auto& sp : s.specializations()) auto_schedule(*sp.schedule, opt, false);
  return report;
}
}  // namespace

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
