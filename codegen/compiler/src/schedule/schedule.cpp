// Definitions for webtx/schedule/schedule.hpp.
#include "webtx/schedule/schedule.hpp"

#include <functional>

#include "webtx/ir/functor.hpp"
#include "webtx/ir/op_graph.hpp"
#include "webtx/ir/substitute.hpp"

namespace webtx {

namespace {
// Rewrites ProducerLoads of `from` into loads of `to`.
class ReplaceProducer : public ir::IRMutator {
 public:
  ReplaceProducer(const ir::OperationNode* from, ir::Operation to) : from_(from), to_(to) {}
  using ir::IRMutator::mutate;
  bool replaced = false;

 protected:
  ir::Expr mutate_ProducerLoad(const ir::Expr& e, const ir::ProducerLoad& op) override {
    auto idx = mutate_all(op.indices);
    if (op.producer.get() == from_) {
      replaced = true;
      return ir::ProducerLoad::make(to_, std::move(idx.first));
    }
    return idx.second ? ir::ProducerLoad::make(op.producer, std::move(idx.first)) : e;
  }

 private:
  const ir::OperationNode* from_;
  ir::Operation to_;
};

// Substitutes the expressions of stages already marked compute_inline (so cache_read can
// redirect a read that only happens through them, e.g. padding inlined into a convolution).
class InlineMarked : public ir::IRMutator {
 public:
  explicit InlineMarked(std::function<const Stage*(const ir::Operation&)> find) : find_(find) {}
  using ir::IRMutator::mutate;

 protected:
  ir::Expr mutate_ProducerLoad(const ir::Expr& e, const ir::ProducerLoad& op) override {
    auto idx = mutate_all(op.indices);
    const Stage* st = find_(op.producer);
    if (st && st->attach() == AttachKind::Inline) {
      ir::VarMap m;
      const auto& p = st->op();
      for (size_t i = 0; i < idx.first.size(); ++i) m[p->axis[i]->var.get()] = idx.first[i];
      return mutate(ir::substitute(p->body, m));
    }
    return idx.second ? ir::ProducerLoad::make(op.producer, std::move(idx.first)) : e;
  }

 private:
  std::function<const Stage*(const ir::Operation&)> find_;
};

std::vector<ir::IterVar> fresh_axes(const ir::Operation& like) {
  std::vector<ir::IterVar> axes;
  for (int i = 0; i < like->ndim(); ++i) {
    std::string n = like->is_placeholder() ? "ax" + std::to_string(i) : axis_name(like->axis[i]);
    axes.push_back(ir::make_iter_var(ir::Variable::make(ir::DType::i32(), n),
                                     ir::IntImm::make(ir::DType::i32(), 0), like->shape[i],
                                     ir::IterKind::DataPar));
  }
  return axes;
}
std::vector<ir::Expr> axis_vars(const std::vector<ir::IterVar>& axes) {
  std::vector<ir::Expr> v;
  for (auto& a : axes) v.push_back(a->var);
  return v;
}
}  // namespace

Schedule::Schedule(const std::vector<ir::Operation>& outputs) : outputs_(outputs) {
  std::unordered_set<const ir::OperationNode*> outs;
  for (auto& o : outputs) {
    user_assert(o != nullptr) << "create_schedule: null output operation";
    outs.insert(o.get());
  }
  for (auto& op : ir::topo_order(outputs)) add_stage(op, outs.count(op.get()) > 0, stages_.end());
}

Stage& Schedule::operator[](const ir::Operation& op) { return *stage_ptr(op); }

const Stage& Schedule::operator[](const ir::Operation& op) const { return *stage_ptr(op); }

bool Schedule::has_stage(const ir::Operation& op) const { return by_op_.count(op.get()) > 0; }

ir::Expr Schedule::inline_marked(const ir::Expr& e) const {
  InlineMarked inl([this](const ir::Operation& o) -> const Stage* {
    auto it = by_op_.find(o.get());
    return it == by_op_.end() ? nullptr : it->second;
  });
  return inl.mutate(e);
}

const std::vector<std::unique_ptr<Stage>>& Schedule::stages() const { return stages_; }

const std::vector<ir::Operation>& Schedule::outputs() const { return outputs_; }

Stage& Schedule::cache_read(const ir::Operation& tensor, ir::MemScope scope,
                            const std::vector<ir::Operation>& readers) {
  Stage& src = (*this)[tensor];
  user_assert(scope != ir::MemScope::Global)
      << "cache_read of '" << src.name() << "': the cache must be workgroup or private memory";
  user_assert(!readers.empty()) << "cache_read of '" << src.name() << "': no readers given";
  auto axes = fresh_axes(src.op());
  auto copy = ir::make_compute(src.name() + "_" + ir::scope_name(scope), axes,
                               ir::ProducerLoad::make(src.op(), axis_vars(axes)));
  auto insert_at = stages_.end();
  for (auto& r : readers) {
    Stage& rs = (*this)[r];
    ReplaceProducer rp(src.op().get(), copy);
    ir::Expr body = rp.mutate(rs.op()->body);
    if (!rp.replaced) body = rp.mutate(inline_marked(rs.op()->body));
    user_assert(rp.replaced) << "cache_read of '" << src.name() << "': stage '" << rs.name()
                             << "' does not read it";
    replace_op(rs, ir::make_compute(rs.name(), rs.op()->axis, body));
    auto it = find(&rs);
    if (insert_at == stages_.end() || it < insert_at) insert_at = it;
  }
  Stage& st = add_stage(copy, false, insert_at);
  st.set_scope(scope);
  return st;
}

Stage& Schedule::cache_write(const ir::Operation& op, ir::MemScope scope) {
  Stage& st = (*this)[op];
  user_assert(!st.is_placeholder()) << "cache_write of '" << st.name() << "': a placeholder "
                                    << "is not computed";
  user_assert(st.relations().empty() && st.attrs().empty() && st.attach() == AttachKind::Root)
      << "cache_write of '" << st.name() << "': call it before scheduling stage '" << st.name()
      << "'";
  user_assert(scope != ir::MemScope::Global)
      << "cache_write of '" << st.name() << "': the cache must be workgroup or private memory";
  auto orig = st.op();
  auto local = ir::make_compute(orig->name + "_" + ir::scope_name(scope), orig->axis, orig->body);
  auto axes = fresh_axes(orig);
  replace_op(st,
             ir::make_compute(orig->name, axes, ir::ProducerLoad::make(local, axis_vars(axes))));
  st.leaves_ = axes, st.all_ = axes;
  Stage& ls = add_stage(local, false, find(&st));
  ls.set_scope(scope);
  return ls;
}

ir::Operation Schedule::current(const ir::Operation& op) const {
  auto it = by_op_.find(op.get());
  return it == by_op_.end() ? op : it->second->op();
}

Stage* Schedule::stage_ptr(const ir::Operation& op) const {
  user_assert(op != nullptr) << "schedule lookup of a null operation";
  auto it = by_op_.find(op.get());
  user_assert(it != by_op_.end()) << "operation '" << op->name << "' is not in this schedule "
                                  << "(not reachable from its outputs)";
  return it->second;
}

std::vector<std::unique_ptr<Stage>>::iterator Schedule::find(const Stage* s) {
  for (auto it = stages_.begin(); it != stages_.end(); ++it)
    if (it->get() == s) return it;
  internal_error << "stage not in schedule";
  return stages_.end();
}

Stage& Schedule::add_stage(const ir::Operation& op, bool is_output,
                           std::vector<std::unique_ptr<Stage>>::iterator at) {
  auto it = stages_.insert(at, std::make_unique<Stage>(op, is_output));
  (*it)->owner_ = this;
  by_op_[op.get()] = it->get();
  keep_.push_back(op);
  return **it;
}

void Schedule::replace_op(Stage& st, ir::Operation op) {
  st.op_ = op;
  by_op_[op.get()] = &st;
  keep_.push_back(op);
}

}  // namespace webtx
