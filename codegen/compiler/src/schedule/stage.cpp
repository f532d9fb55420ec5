// Definitions for webtx/schedule/stage.hpp.
#include "webtx/schedule/stage.hpp"

#include <algorithm>

#include "webtx/ir/printer.hpp"
#include "webtx/schedule/schedule.hpp"

namespace webtx {

namespace {
ir::Expr fold_int(ir::Expr e) {
  // Keeps the natural extents printed in errors small; lowering simplifies properly.
  if (auto* m = e.as<ir::Mul>()) {
    auto *a = m->a.as<ir::IntImm>(), *b = m->b.as<ir::IntImm>();
    if (a && b) return ir::IntImm::make(e.type(), a->value * b->value);
  }
  if (auto* d = e.as<ir::Div>()) {
    auto* b = d->b.as<ir::IntImm>();
    if (auto* s = d->a.as<ir::Add>()) {
      auto *x = s->a.as<ir::IntImm>(), *y = s->b.as<ir::IntImm>();
      if (x && y && b) return ir::IntImm::make(e.type(), (x->value + y->value) / b->value);
    }
  }
  return e;
}
// Runs a primitive's checks and work; a UserError gets the caller's location appended.
template <typename F>
decltype(auto) at(const Where& w, F&& f) {
  try {
    return f();
  } catch (const UserError& e) {
    throw UserError(e.what() + where_text(w));
  }
}
ir::Expr ceil_div_expr(const ir::Expr& a, int64_t f) {
  if (auto* c = a.as<ir::IntImm>()) return ir::IntImm::make(a.type(), (c->value + f - 1) / f);
  if (f == 1) return a;
  return ir::Div::make(ir::Add::make(a, ir::IntImm::make(a.type(), f - 1)),
                       ir::IntImm::make(a.type(), f));
}
}  // namespace

std::string where_text(const std::source_location& w) {
  return std::string(" (at ") + w.file_name() + ":" + std::to_string(w.line()) + ")";
}

Stage::Stage(ir::Operation op, bool is_output) : op_(op), origin_op_(op), is_output_(is_output) {
  if (op->is_placeholder()) return;
  for (auto& a : op->axis) leaves_.push_back(a), all_.push_back(a);
  if (auto* r = op->reduce()) {
    for (auto& a : r->axes) leaves_.push_back(a), all_.push_back(a);
  }
}

const ir::Operation& Stage::op() const { return op_; }

const ir::Operation& Stage::origin_op() const { return origin_op_; }

const std::string& Stage::name() const { return op_->name; }

bool Stage::is_output() const { return is_output_; }

bool Stage::is_placeholder() const { return op_->is_placeholder(); }

ir::IterVar Stage::axis(int i) const {
  user_assert(!is_placeholder()) << "stage '" << name() << "' is a placeholder: no axes";
  user_assert(i >= 0 && i < static_cast<int>(op_->axis.size()))
      << "stage '" << name() << "' has " << op_->axis.size() << " axes, asked for axis " << i;
  return op_->axis[i];
}

ir::IterVar Stage::reduce_axis(int i) const {
  auto* r = op_->reduce();
  user_assert(r) << "stage '" << name() << "' is not a reduction: no reduce_axis(" << i << ")";
  user_assert(i >= 0 && i < static_cast<int>(r->axes.size()))
      << "stage '" << name() << "' has " << r->axes.size() << " reduction axes, asked for " << i;
  return r->axes[i];
}

const std::vector<ir::IterVar>& Stage::leaf_axes() const { return leaves_; }

const std::vector<IterRel>& Stage::relations() const { return rels_; }

const std::vector<AxisAttr>& Stage::attrs() const { return attrs_; }

const AxisAttr* Stage::attr_of(const ir::IterVar& v) const {
  for (auto& a : attrs_)
    if (a.axis == v) return &a;
  return nullptr;
}

std::pair<ir::IterVar, ir::IterVar> Stage::split(const ir::IterVar& axis, int64_t factor,
                                                 Where where) {
  return at(where, [&] { return split_impl(axis, factor); });
}

std::pair<ir::IterVar, ir::IterVar> Stage::split_impl(const ir::IterVar& axis, int64_t factor) {
  check_mutable("split");
  int pos = leaf_pos(axis, "split");
  user_assert(factor > 0) << "stage '" << name() << "': split factor of axis '" << axis_name(axis)
                          << "' must be positive, got " << factor;
  auto outer = derive(axis, "_outer", ceil_div_expr(axis->extent, factor));
  auto inner = derive(axis, "_inner", ir::IntImm::make(ir::DType::i32(), factor));
  rels_.push_back(SplitRel{axis, outer, inner, factor});
  leaves_[pos] = outer;
  leaves_.insert(leaves_.begin() + pos + 1, inner);
  all_.push_back(outer), all_.push_back(inner);
  return {outer, inner};
}

Stage::TileAxes Stage::tile(const ir::IterVar& x_arg, const ir::IterVar& y_arg, int64_t fx,
                            int64_t fy, Where where) {
  return at(where, [&] {
    // Copies: the arguments may be references into leaves_ (tile(leaf_axes()[0], ...)), which
    // the first split shifts and may reallocate.
    const ir::IterVar x = x_arg, y = y_arg;
    user_assert(x != y) << "stage '" << name() << "': tile needs two different axes, got '"
                        << axis_name(x) << "' twice";
    auto [xo, xi] = split_impl(x, fx);
    auto [yo, yi] = split_impl(y, fy);
    reorder_impl({xo, yo, xi, yi});
    return TileAxes{xo, yo, xi, yi};
  });
}

ir::IterVar Stage::fuse(const ir::IterVar& outer, const ir::IterVar& inner, Where where) {
  return at(where, [&] {
    check_mutable("fuse");
    int po = leaf_pos(outer, "fuse"), pi = leaf_pos(inner, "fuse");
    user_assert(pi == po + 1) << "stage '" << name() << "': cannot fuse axis '" << axis_name(outer)
                              << "' with axis '" << axis_name(inner)
                              << "': they must be adjacent leaves, outer first";
    user_assert(outer->kind == inner->kind)
        << "stage '" << name() << "': cannot fuse data-parallel and reduction axes '"
        << axis_name(outer) << "' and '" << axis_name(inner) << "'";
    std::string n = axis_name(outer) + "_" + axis_name(inner) + "_fused";
    auto fused = ir::make_iter_var(
        ir::Variable::make(ir::DType::i32(), n), ir::IntImm::make(ir::DType::i32(), 0),
        fold_int(ir::Mul::make(outer->extent, inner->extent)), outer->kind);
    rels_.push_back(FuseRel{outer, inner, fused});
    leaves_[po] = fused;
    leaves_.erase(leaves_.begin() + pi);
    all_.push_back(fused);
    return fused;
  });
}

void Stage::reorder(const std::vector<ir::IterVar>& order, Where where) {
  at(where, [&] { reorder_impl(order); });
}

void Stage::reorder_impl(const std::vector<ir::IterVar>& order) {
  check_mutable("reorder");
  std::vector<int> pos;
  for (auto& v : order) {
    int p = leaf_pos(v, "reorder");
    user_assert(std::find(pos.begin(), pos.end(), p) == pos.end())
        << "stage '" << name() << "': reorder lists axis '" << axis_name(v) << "' twice";
    pos.push_back(p);
  }
  std::vector<int> sorted = pos;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < order.size(); ++i) leaves_[sorted[i]] = order[i];
}

Stage& Stage::bind(const ir::IterVar& axis, ir::ThreadAxis t, int dim, Where where) {
  return at(where, [&]() -> Stage& {
    check_mutable("bind");
    leaf_pos(axis, "bind");
    const char* tn = t == ir::ThreadAxis::WorkgroupId ? "workgroup_id" : "local_id";
    user_assert(dim >= 0 && dim < 3)
        << "stage '" << name() << "': cannot bind axis '" << axis_name(axis) << "' to " << tn
        << " dimension " << dim << ": dimensions are 0, 1, 2";
    // A reduction axis may be spread over the invocations of one workgroup (lowering combines
    // their partial results in workgroup memory), but not over workgroups: they cannot wait
    // for each other within a kernel.
    user_assert(axis->kind == ir::IterKind::DataPar || t == ir::ThreadAxis::LocalId)
        << "stage '" << name() << "': cannot bind reduction axis '" << axis_name(axis) << "' to "
        << tn << "."
        << "xyz"[dim]
        << ": workgroups cannot combine partial results within one kernel (bind it to local_id, "
           "or rfactor it and bind the factored stage's new axis to workgroup_id)";
    for (auto& a : attrs_) {
      user_assert(!(a.bound && a.thread == t && a.dim == dim))
          << "stage '" << name() << "': cannot bind axis '" << axis_name(axis) << "' to " << tn
          << "."
          << "xyz"[dim] << ": axis '" << axis_name(a.axis) << "' is already bound to it";
    }
    AxisAttr& a = attr_for(axis, "bind");
    // Rebinding would silently drop the first binding (and change the workgroup size).
    user_assert(!a.bound) << "stage '" << name() << "': cannot bind axis '" << axis_name(axis)
                          << "' to " << tn << "."
                          << "xyz"[dim] << ": it is already bound to "
                          << (a.thread == ir::ThreadAxis::WorkgroupId ? "workgroup_id" : "local_id")
                          << "."
                          << "xyz"[a.dim];
    user_assert(a.for_kind == ir::ForKind::Serial)
        << "stage '" << name() << "': axis '" << axis_name(axis)
        << "' is unrolled or vectorized and cannot also be bound";
    a.bound = true, a.thread = t, a.dim = dim;
    return *this;
  });
}

Stage& Stage::unroll(const ir::IterVar& axis, Where where) {
  return at(where, [&]() -> Stage& { return set_kind(axis, ir::ForKind::Unrolled, "unroll"); });
}

Stage& Stage::vectorize(const ir::IterVar& axis, Where where) {
  return at(where, [&]() -> Stage& {
    user_assert(!axis || axis->kind == ir::IterKind::DataPar)
        << "stage '" << name() << "': cannot vectorize reduction axis '" << axis_name(axis) << "'";
    return set_kind(axis, ir::ForKind::Vectorized, "vectorize");
  });
}

Stage& Stage::compute_at(Stage& parent, const ir::IterVar& axis, Where where) {
  return at(where, [&]() -> Stage& {
    user_assert(&parent != this) << "stage '" << name() << "': cannot compute_at itself";
    user_assert(!is_placeholder()) << "stage '" << name() << "' is a placeholder: it has no "
                                   << "computation to move";
    user_assert(!is_output_) << "stage '" << name() << "' is an output: it cannot be computed "
                             << "at stage '" << parent.name() << "'";
    user_assert(parent.attach_ != AttachKind::Inline)
        << "stage '" << name() << "': cannot compute_at stage '" << parent.name()
        << "', which is inlined";
    user_assert(parent.owner_ == owner_)
        << "stage '" << name() << "': cannot compute_at stage '" << parent.name()
        << "' of another schedule (a specialization has its own copy of every stage: use "
           "that copy's schedule())";
    check_not_specialized("compute_at");
    user_assert(std::find(parent.leaves_.begin(), parent.leaves_.end(), axis) !=
                parent.leaves_.end())
        << "stage '" << name() << "': cannot compute_at axis '" << axis_name(axis)
        << "': it is not a current axis of stage '" << parent.name() << "'";
    attach_ = AttachKind::ComputeAt, attach_stage_ = &parent, attach_axis_ = axis;
    attached_where_ = where;
    return *this;
  });
}

Stage& Stage::compute_inline(Where where) {
  return at(where, [&]() -> Stage& {
    check_not_specialized("compute_inline");
    user_assert(attach_ != AttachKind::Inline)
        << "stage '" << name() << "': compute_inline() called twice (first"
        << (attached_where_ ? where_text(*attached_where_) : std::string(" by the schedule"))
        << ")";
    user_assert(!is_placeholder()) << "stage '" << name() << "' is a placeholder: it cannot "
                                   << "be inlined";
    user_assert(!op_->reduce()) << "stage '" << name() << "': cannot compute_inline a "
                                << "reduction (axis '" << axis_name(op_->reduce()->axes[0]) << "')";
    user_assert(!is_output_) << "stage '" << name() << "': cannot compute_inline an output";
    user_assert(rels_.empty() && attrs_.empty())
        << "stage '" << name() << "': cannot compute_inline a stage whose axes are scheduled";
    attach_ = AttachKind::Inline;
    attached_where_ = where;
    return *this;
  });
}

Stage& Stage::set_scope(ir::MemScope s) {
  scope_ = s;
  return *this;
}

void Stage::check_not_specialized(const char* what) const {
  if (!owner_) return;
  for (auto& sp : owner_->specializations())
    user_assert(sp.stage != this) << "stage '" << name() << "': " << what << " after specialize"
                                  << sp.where << ": a specialized stage must stay a root stage "
                                  << "(a kernel of its own)";
}

AttachKind Stage::attach() const { return attach_; }

Stage* Stage::attach_stage() const { return attach_stage_; }

const ir::IterVar& Stage::attach_axis() const { return attach_axis_; }

std::optional<ir::MemScope> Stage::scope() const { return scope_; }

std::string Stage::attached_where() const {
  return attached_where_ ? where_text(*attached_where_) : std::string();
}

void Stage::check_mutable(const char* what) const {
  user_assert(!is_placeholder()) << "stage '" << name() << "' is a placeholder: cannot " << what
                                 << " its axes";
  user_assert(attach_ != AttachKind::Inline)
      << "stage '" << name() << "' is inlined: cannot " << what << " its axes";
  user_assert(!tensorize_) << "stage '" << name() << "' is tensorized: cannot " << what
                           << " its axes (tensorize fixes the whole loop nest)";
}

Stage& Stage::tensorize(const ir::IterVar& i, const ir::IterVar& j, const ir::IterVar& k,
                        const TensorizeConfig& c, Where where) {
  return at(where, [&]() -> Stage& {
    check_mutable("tensorize");
    const std::string st = "stage '" + name() + "': tensorize: ";
    const int nd = op_->ndim();
    auto* red = op_->reduce();
    user_assert(red && red->axes.size() == 1 && red->op == ir::ReduceOp::Sum)
        << st << "the stage must be a sum over one reduction axis (a matmul-like reduction)";
    user_assert(nd == 2) << st << "the stage has " << nd
                         << " axes; tensorize takes 2-D outputs (rows i, columns j)";
    user_assert(rels_.empty() && attrs_.empty() && attach_ == AttachKind::Root)
        << st << "the stage is already scheduled (split, fused, bound or computed at another); "
        << "tensorize replaces its whole loop nest, call it on an unscheduled stage";
    user_assert(i == axis(0)) << st << "axis '" << (i ? axis_name(i) : "null")
                              << "' is not the stage's row axis '" << axis_name(axis(0)) << "'";
    user_assert(j == axis(1)) << st << "axis '" << (j ? axis_name(j) : "null")
                              << "' is not the stage's column axis '" << axis_name(axis(1)) << "'";
    user_assert(k == reduce_axis(0))
        << st << "axis '" << (k ? axis_name(k) : "null") << "' is not the stage's reduction axis '"
        << axis_name(reduce_axis(0)) << "'";
    user_assert(c.m > 0 && c.n > 0 && c.k > 0 && c.block_m > 0 && c.block_n > 0 && c.block_k > 0 &&
                c.subgroups_m > 0 && c.subgroups_n > 0 && c.pad >= 0 && c.group_m > 0)
        << st << "every size in the config must be positive";
    auto need = [&](bool ok, const ir::IterVar& ax, const std::string& what) {
      user_assert(ok) << st << "axis '" << axis_name(ax) << "': " << what;
    };
    const int64_t wm = c.block_m / c.subgroups_m, wn = c.block_n / c.subgroups_n;
    need(c.block_m % c.subgroups_m == 0 && wm % c.m == 0, i,
         "block_m " + std::to_string(c.block_m) + " must split into " +
             std::to_string(c.subgroups_m) +
             " subgroup rows of a multiple of m = " + std::to_string(c.m));
    need(c.block_n % c.subgroups_n == 0 && wn % c.n == 0 && wn % 8 == 0, j,
         "block_n " + std::to_string(c.block_n) + " must split into " +
             std::to_string(c.subgroups_n) +
             " subgroup columns of a multiple of n = " + std::to_string(c.n) + " and of 8");
    need(c.block_k % c.k == 0 && c.block_k % 8 == 0, k,
         "block_k " + std::to_string(c.block_k) +
             " must be a multiple of k = " + std::to_string(c.k) + " and of 8");
    user_assert(c.pad % 8 == 0) << st << "pad " << c.pad
                                << " must be a multiple of 8 (rows are staged 8 halves at a time)";
    tensorize_ = TensorizeSpec{i, j, k, c, where_text(where)};
    return *this;
  });
}

const std::optional<TensorizeSpec>& Stage::tensorized() const { return tensorize_; }

int Stage::leaf_pos(const ir::IterVar& v, const char* what) const {
  user_assert(v != nullptr) << "stage '" << name() << "': " << what << " of a null axis";
  auto it = std::find(leaves_.begin(), leaves_.end(), v);
  if (it != leaves_.end()) return static_cast<int>(it - leaves_.begin());
  bool known = std::find(all_.begin(), all_.end(), v) != all_.end();
  user_error << "stage '" << name() << "': cannot " << what << " axis '" << axis_name(v) << "': "
             << (known ? "it no longer exists (it was already split or fused)"
                       : "it is not an axis of this stage");
  return -1;
}

ir::IterVar Stage::derive(const ir::IterVar& p, const char* suffix, ir::Expr extent) {
  return ir::make_iter_var(ir::Variable::make(ir::DType::i32(), axis_name(p) + suffix),
                           ir::IntImm::make(ir::DType::i32(), 0), std::move(extent), p->kind);
}

AxisAttr& Stage::attr_for(const ir::IterVar& v, const char*) {
  for (auto& a : attrs_)
    if (a.axis == v) return a;
  attrs_.push_back(AxisAttr{v});
  return attrs_.back();
}

Stage& Stage::set_kind(const ir::IterVar& axis, ir::ForKind k, const char* what) {
  check_mutable(what);
  leaf_pos(axis, what);
  // An unrolled loop may have a symbolic extent that a specialization bounds: lowering
  // checks it then (LowerContext::facts).
  user_assert(k == ir::ForKind::Unrolled || axis->extent.as<ir::IntImm>())
      << "stage '" << name() << "': cannot " << what << " axis '" << axis_name(axis)
      << "': its extent " << ir::to_string(axis->extent) << " is not a constant";
  AxisAttr& a = attr_for(axis, what);
  user_assert(!a.bound) << "stage '" << name() << "': cannot " << what << " axis '"
                        << axis_name(axis) << "': it is bound to a thread axis";
  a.for_kind = k;
  return *this;
}

}  // namespace webtx
