// Stage::specialize and the schedule copies it makes (Halide's Func::specialize).
#include <unordered_map>

#include "webtx/ir/functor.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/schedule/schedule.hpp"

namespace webtx {

namespace {
// What a condition may hold: integer arithmetic, comparisons and logic over symbols.
class ConditionCheck : public ir::IRVisitor {
 public:
  using ir::IRVisitor::visit;
  int vars = 0;
  std::string bad;

 protected:
  void visit_Variable(const ir::Variable&) override { ++vars; }
  void visit_ProducerLoad(const ir::ProducerLoad& op) override {
    bad = "a tensor read ('" + op.producer->name + "')";
  }
  void visit_Call(const ir::Call&) override { bad = "a call"; }
  void visit_Select(const ir::Select&) override { bad = "a select"; }
  void visit_FloatImm(const ir::FloatImm&) override { bad = "a float"; }
  void visit_Cast(const ir::Cast&) override { bad = "a cast"; }
  void visit_Reduce(const ir::Reduce&) override { bad = "a reduction"; }
};
}  // namespace

Schedule::~Schedule() = default;

Schedule::Schedule(Schedule&& o) noexcept
    : outputs_(std::move(o.outputs_)),
      stages_(std::move(o.stages_)),
      by_op_(std::move(o.by_op_)),
      keep_(std::move(o.keep_)),
      specs_(std::move(o.specs_)) {
  repoint();
}

Schedule& Schedule::operator=(Schedule&& o) noexcept {
  outputs_ = std::move(o.outputs_), stages_ = std::move(o.stages_), by_op_ = std::move(o.by_op_);
  keep_ = std::move(o.keep_), specs_ = std::move(o.specs_);
  repoint();
  return *this;
}

void Schedule::repoint() {
  for (auto& st : stages_) st->owner_ = this;
}

const std::vector<Specialization>& Schedule::specializations() const { return specs_; }

Stage& Schedule::specialize(Stage& st, const ir::Expr& cond, const std::string& where) {
  user_assert(!st.is_placeholder()) << "specialize of '" << st.name() << "': a placeholder is "
                                    << "not computed";
  user_assert(st.attach() == AttachKind::Root)
      << "specialize of stage '" << st.name() << "': it is "
      << (st.attach() == AttachKind::Inline
              ? std::string("inlined")
              : "computed at stage '" + st.attach_stage()->name() + "'")
      << "; only a root stage (a kernel of its own) can be specialized: specialize the stage it "
         "is computed in, or call specialize before compute_at";
  user_assert(cond.defined() && cond.type().is_bool())
      << "specialize of stage '" << st.name() << "': the condition must be a bool expression "
      << "over the model's symbols (e.g. M <= 16), got "
      << (cond.defined() ? ir::to_string(cond) : std::string("nothing"));
  ConditionCheck cc;
  cc.visit(cond);
  user_assert(cc.bad.empty()) << "specialize of stage '" << st.name() << "': the condition "
                              << ir::to_string(cond) << " holds " << cc.bad
                              << "; it may only compare the model's symbols";
  user_assert(cc.vars > 0)
      << "specialize of stage '" << st.name() << "': the condition " << ir::to_string(cond)
      << " uses no symbol, so it is the same for every call (on constant shapes, schedule the "
         "stage for the shape it has)";
  // The copy: every stage as it is now, attach points re-pointed into the copy.
  auto copy = std::make_unique<Schedule>(std::vector<ir::Operation>{});
  copy->outputs_ = outputs_;
  copy->keep_ = keep_;
  std::unordered_map<const Stage*, Stage*> map;
  for (auto& s : stages_) {
    copy->stages_.push_back(std::make_unique<Stage>(*s));
    map[s.get()] = copy->stages_.back().get();
  }
  for (auto& s : copy->stages_)
    if (s->attach_stage_) s->attach_stage_ = map.at(s->attach_stage_);
  for (auto& [op, s] : by_op_) copy->by_op_[op] = map.at(s);
  copy->repoint();
  Stage& result = *map.at(&st);
  specs_.push_back({&st, cond, std::move(copy), where});
  return result;
}

Stage& Stage::specialize(const ir::Expr& condition, Where where) {
  internal_assert(owner_) << "stage '" << name() << "' belongs to no schedule";
  try {
    return owner_->specialize(*this, condition, where_text(where));
  } catch (const UserError& e) {
    throw UserError(e.what() + where_text(where));
  }
}

Schedule& Stage::schedule() const {
  internal_assert(owner_) << "stage '" << name() << "' belongs to no schedule";
  return *owner_;
}

}  // namespace webtx
