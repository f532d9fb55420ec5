#pragma once
// A schedule: one Stage per operation reachable from the outputs, producers first, plus the
// stages cache_read/cache_write add. `s[op]` finds a stage by any operation it has had
// (cache_read rewrites readers into new operations; the old handles keep working).
#include <concepts>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "webtx/schedule/stage.hpp"

namespace webtx {

// One specialization of a stage (Stage::specialize): for calls where `condition` holds, the
// stage's kernel comes from `schedule`, a copy of the whole schedule made at the call.
struct Specialization {
  const Stage* stage;  // the specialized stage of the schedule that owns this entry
  ir::Expr condition;
  std::unique_ptr<Schedule> schedule;
  std::string where;  // " (at file:line)" of the specialize call
};

class Schedule {
 public:
  explicit Schedule(const std::vector<ir::Operation>& outputs);
  ~Schedule();
  // Stages point back at their schedule: a move re-points them.
  Schedule(Schedule&& o) noexcept;
  Schedule& operator=(Schedule&& o) noexcept;

  Stage& operator[](const ir::Operation& op);
  const Stage& operator[](const ir::Operation& op) const;
  // Anything with an op() (the DSL's Tensor<T, N>).
  template <typename T>
  requires requires(const T& t) {
    { t.op() } -> std::convertible_to<ir::Operation>;
  }
  Stage& operator[](const T& t) { return (*this)[ir::Operation(t.op())]; }
  bool has_stage(const ir::Operation& op) const;

  // Stages in dependency order (producers first).
  const std::vector<std::unique_ptr<Stage>>& stages() const;
  const std::vector<ir::Operation>& outputs() const;

  // A stage that copies `tensor` into `scope` memory; `readers` read the copy instead.
  // Place it with compute_at (e.g. in a workgroup's reduction loop). A reader that reads
  // `tensor` only through stages already marked compute_inline gets them substituted first.
  Stage& cache_read(const ir::Operation& tensor, ir::MemScope scope,
                    const std::vector<ir::Operation>& readers);

  // `e` with the expressions of the stages marked compute_inline substituted for their reads
  // (recursively): what cache_read sees of a reader.
  ir::Expr inline_marked(const ir::Expr& e) const;

  // Computes `op` into a `scope` buffer (a new stage, returned) and makes op's own stage a
  // copy of it into global memory. Call it before scheduling op's stage: op's stage gets
  // fresh axes, and the new stage keeps op's original axes and reduction.
  Stage& cache_write(const ir::Operation& op, ir::MemScope scope);

  // Factors the reduction of `op` over `axis` (one of its reduction leaves: a reduction axis,
  // or a part of one made by split/fuse) out into a new stage, returned: "<op>.rf", whose
  // axes are `axis` (now data-parallel) then op's data-parallel axes, and which reduces over
  // op's other reduction leaves (elements a non-dividing split adds past the end count as the
  // reduction's identity: a guard on the update, the reads not clamped, so with a constant
  // split factor the inputs' tiles keep a constant size). op's stage becomes the reduction of
  // "<op>.rf" over a new reduction axis of `axis`'s extent, its `reduce_axis(0)`, which may be
  // bound to local_id (partial results computed at it per invocation, then combined across the
  // workgroup), or the factored stage scheduled on its own (e.g. its new axis over workgroups: two
  // kernels). Call it before scheduling op's data-parallel axes.
  Stage& rfactor(const ir::Operation& op, const ir::IterVar& axis);

  // The stage's current operation for any operation it has had (lowering normalizes reads).
  ir::Operation current(const ir::Operation& op) const;

  // Every specialization made in this schedule, in the order made (Stage::specialize).
  const std::vector<Specialization>& specializations() const;

 private:
  friend class Stage;
  Stage& specialize(Stage& st, const ir::Expr& condition, const std::string& where);
  void repoint();
  Stage* stage_ptr(const ir::Operation& op) const;
  std::vector<std::unique_ptr<Stage>>::iterator find(const Stage* s);
  Stage& add_stage(const ir::Operation& op, bool is_output,
                   std::vector<std::unique_ptr<Stage>>::iterator at);
  void replace_op(Stage& st, ir::Operation op);

  std::vector<ir::Operation> outputs_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::unordered_map<const ir::OperationNode*, Stage*> by_op_;
  std::vector<ir::Operation> keep_;  // keeps every op alive so its address stays unique
  std::vector<Specialization> specs_;
};

inline Schedule create_schedule(const std::vector<ir::Operation>& outputs) {
  return Schedule(outputs);
}

}  // namespace webtx
