#pragma once
// One stage of a schedule: how one operation's loop nest is shaped (TVM-style primitives).
// Axes are ir::IterVar handles; a stage starts with its op's data-parallel axes followed by
// its reduction axes as "leaves", and split/fuse/reorder rewrite that leaf list while
// recording relations that lowering replays. Every primitive checks its arguments right away
// and throws a UserError naming the stage and the axis, and ending with the caller's source
// location ("(at my_ops.hpp:42)"; the `where` arguments default to the call site).
// docs/schedule.md is the reference of every primitive.
#include <algorithm>
#include <concepts>
#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "webtx/ir.hpp"
#include "webtx/schedule/tensorize.hpp"

namespace webtx {

class Schedule;

// The source location of a schedule call (its default argument: the caller's line).
using Where = std::source_location;

// How a split or fuse relates axes; lowering walks these to rebuild root indices.
struct SplitRel {
  ir::IterVar parent, outer, inner;
  int64_t factor;
};
struct FuseRel {
  ir::IterVar outer, inner, fused;
};
// One relation; code that replays them uses std::visit with a case per kind (see Overloaded),
// so adding a kind is a compile error wherever it is not handled.
using IterRel = std::variant<SplitRel, FuseRel>;

// Overloaded{[](const SplitRel&) {...}, [](const FuseRel&) {...}}: a visitor from lambdas.
template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// What a leaf axis turns into in the loop nest.
struct AxisAttr {
  ir::IterVar axis;
  bool bound = false;
  ir::ThreadAxis thread = ir::ThreadAxis::WorkgroupId;
  int dim = 0;
  ir::ForKind for_kind = ir::ForKind::Serial;
};

enum class AttachKind : uint8_t { Root, Inline, ComputeAt };

inline std::string axis_name(const ir::IterVar& v) { return v->var.as<ir::Variable>()->name; }

class Stage {
 public:
  Stage(ir::Operation op, bool is_output);

  const ir::Operation& op() const;
  const ir::Operation& origin_op() const;
  const std::string& name() const;
  bool is_output() const;
  bool is_placeholder() const;

  // The i-th data-parallel (output) axis of the op.
  ir::IterVar axis(int i) const;
  // The i-th reduction axis of the op.
  ir::IterVar reduce_axis(int i) const;
  const std::vector<ir::IterVar>& leaf_axes() const;
  const std::vector<IterRel>& relations() const;
  const std::vector<AxisAttr>& attrs() const;
  const AxisAttr* attr_of(const ir::IterVar& v) const;

  // ---- loop-shaping primitives --------------------------------------------------------------

  // Splits `axis` into {outer, inner} with inner extent `factor`. A factor that does not
  // divide the extent is fine: lowering guards the tail.
  std::pair<ir::IterVar, ir::IterVar> split(const ir::IterVar& axis, int64_t factor,
                                            Where where = Where::current());

  struct TileAxes {
    ir::IterVar xo, yo, xi, yi;
  };
  // Splits x by fx and y by fy and orders the result xo, yo, xi, yi.
  TileAxes tile(const ir::IterVar& x, const ir::IterVar& y, int64_t fx, int64_t fy,
                Where where = Where::current());

  // Fuses adjacent leaves outer, inner (in that loop order) into one axis.
  ir::IterVar fuse(const ir::IterVar& outer, const ir::IterVar& inner,
                   Where where = Where::current());

  // Puts the given leaves in this order, in the positions they occupy now.
  void reorder(const std::vector<ir::IterVar>& order, Where where = Where::current());

  // Runs `axis` in parallel over workgroups or over the invocations of a workgroup.
  Stage& bind(const ir::IterVar& axis, ir::ThreadAxis t, int dim, Where where = Where::current());
  Stage& unroll(const ir::IterVar& axis, Where where = Where::current());
  Stage& vectorize(const ir::IterVar& axis, Where where = Where::current());

  // Computes this matmul-like reduction (C[i, j] = sum over k of A[i, k] * B[k, j] or
  // A[i, k] * B[j, k], f16 inputs, f16 or f32 result) with subgroup matrices: i, j its last
  // two axes, k its reduction axis, tiled as `c` says (schedule/tensorize.hpp). The stage's
  // loop nest is then fixed (no other primitive); lowering checks `c`'s shape against the
  // Target's subgroup-matrix configurations.
  Stage& tensorize(const ir::IterVar& i, const ir::IterVar& j, const ir::IterVar& k,
                   const TensorizeConfig& c, Where where = Where::current());
  const std::optional<TensorizeSpec>& tensorized() const;

  // ---- where the stage is computed ----------------------------------------------------------

  // Computes this stage inside `parent`'s loop over `axis`, only the region that one
  // iteration of that loop needs.
  Stage& compute_at(Stage& parent, const ir::IterVar& axis, Where where = Where::current());
  // Substitutes this stage's expression into its consumers; it gets no loop nest of its own.
  // Twice is an error (naming the stage and where it was first inlined).
  Stage& compute_inline(Where where = Where::current());
  // Memory the stage's result lives in when it is computed at another stage (default:
  // private; cache_read/cache_write set it).
  Stage& set_scope(ir::MemScope s);

  // ---- specialization (Halide's Func::specialize) --------------------------------------------

  // A copy of this stage, as it is scheduled now, to schedule differently for calls where
  // `condition` (a bool over the model's symbols, e.g. M <= 16) holds. Each specialization
  // lives in its own copy of the schedule (`schedule()` of the returned stage, for cache_read
  // and the like); this stage keeps the general schedule. Lowering gives the stage's kernel one
  // version per specialization, tested in the order made, first match wins, then the general
  // one (docs/schedule.md). Only a root stage (not inlined, not computed at another) can be
  // specialized; call it before scheduling the stage to start from a fresh stage.
  Stage& specialize(const ir::Expr& condition, Where where = Where::current());
  template <typename C>
  requires requires(const C& c) {
    { c.to_ir() } -> std::convertible_to<ir::Expr>;
  }
  Stage& specialize(const C& condition, Where where = Where::current()) {
    return specialize(ir::Expr(condition.to_ir()), where);
  }
  // The schedule this stage belongs to (a specialization's own copy for a specialized stage).
  Schedule& schedule() const;

  AttachKind attach() const;
  Stage* attach_stage() const;
  const ir::IterVar& attach_axis() const;
  std::optional<ir::MemScope> scope() const;
  // Where compute_at / compute_inline was called ("" before): lowering names it in errors.
  std::string attached_where() const;

 private:
  friend class Schedule;

  void check_mutable(const char* what) const;
  void check_not_specialized(const char* what) const;
  int leaf_pos(const ir::IterVar& v, const char* what) const;
  ir::IterVar derive(const ir::IterVar& p, const char* suffix, ir::Expr extent);
  AxisAttr& attr_for(const ir::IterVar& v, const char*);
  Stage& set_kind(const ir::IterVar& axis, ir::ForKind k, const char* what);
  std::pair<ir::IterVar, ir::IterVar> split_impl(const ir::IterVar& axis, int64_t factor);
  void reorder_impl(const std::vector<ir::IterVar>& order);

  ir::Operation op_, origin_op_;
  Schedule* owner_ = nullptr;
  bool is_output_;
  std::vector<ir::IterVar> leaves_, all_;
  std::vector<IterRel> rels_;
  std::vector<AxisAttr> attrs_;
  AttachKind attach_ = AttachKind::Root;
  Stage* attach_stage_ = nullptr;
  ir::IterVar attach_axis_;
  std::optional<ir::MemScope> scope_;
  std::optional<Where> attached_where_;
  std::optional<TensorizeSpec> tensorize_;
};

// " (at <file>:<line>)", appended to schedule errors.
std::string where_text(const std::source_location& w);

}  // namespace webtx
