// Definitions for webtx/eval/evaluate_graph.hpp.
#include "webtx/eval/evaluate_graph.hpp"

#include <unordered_map>
#include <unordered_set>

#include "webtx/eval/expr_eval.hpp"

namespace webtx::eval {

namespace detail {

inline void collect_vars(const ir::Expr& e, std::vector<ir::Expr>& out) {
  struct V : ir::IRVisitor {
    std::vector<ir::Expr>* out;
    void visit(const ir::Expr& x) override {
      if (x.defined() && x.as<ir::Variable>()) {
        for (auto& o : *out)
          if (o.same_as(x)) return;
        out->push_back(x);
        return;
      }
      ir::IRVisitor::visit(x);
    }
    using ir::IRVisitor::visit;
  } v;
  v.out = &out;
  v.visit(e);
}

struct GraphCtx {
  static constexpr bool kLazySelect = true;
  ir::ScalarBindings vars;
  std::unordered_map<const ir::OperationNode*, HostTensor>* tensors;

  Value var(const ir::Variable& v) {
    auto it = vars.find(&v);
    user_assert(it != vars.end()) << "evaluate_graph: variable '" << v.name << "' is not bound";
    return Value::of_int(it->second);
  }
  Value load(const ir::Load&, int64_t) {
    internal_error << "evaluate_graph: flat Load in a graph";
    return {};
  }
  int64_t thread(ir::ThreadAxis, int) {
    internal_error << "evaluate_graph: thread index in a graph";
    return 0;
  }
  Value producer_load(const ir::ProducerLoad& p, const std::vector<int64_t>& idx) {
    auto it = tensors->find(p.producer.get());
    internal_assert(it != tensors->end())
        << "evaluate_graph: " << p.producer->name << " not computed";
    const HostTensor& h = it->second;
    for (size_t d = 0; d < idx.size(); ++d) {
      user_assert(idx[d] >= 0 && idx[d] < h.shape[d])
          << "evaluate_graph: read of tensor '" << p.producer->name << "' out of bounds: index "
          << idx[d] << " in dimension " << d << " of extent " << h.shape[d];
    }
    return read_element(h, h.offset(idx));
  }
  Value reduce(const ir::Reduce& r) {
    const ir::DType t = r.type;
    Value acc = eval_expr(ir::reduce_identity(r.op, t), *this);
    std::vector<int64_t> lo, hi;
    for (auto& a : r.axes) {
      lo.push_back(ir::eval_scalar(a->min, vars));
      hi.push_back(lo.back() + ir::eval_scalar(a->extent, vars));
      if (hi.back() <= lo.back()) return acc;
    }
    std::vector<int64_t> cur = lo;
    for (;;) {
      for (size_t k = 0; k < cur.size(); ++k) vars[r.axes[k]->var.get()] = cur[k];
      Value v = eval_expr(r.source, *this);
      if (t.is_float()) {
        double x = acc.f, y = v.f;
        acc = normalize(t, r.op == ir::ReduceOp::Sum   ? x + y
                           : r.op == ir::ReduceOp::Max ? std::fmax(x, y)
                                                       : std::fmin(x, y));
      } else {
        int64_t x = acc.i, y = v.i;
        acc = Value::of_int(wrap(t, r.op == ir::ReduceOp::Sum   ? x + y
                                    : r.op == ir::ReduceOp::Max ? std::max(x, y)
                                                                : std::min(x, y)));
      }
      int k = static_cast<int>(cur.size()) - 1;
      while (k >= 0 && ++cur[k] == hi[k]) cur[k] = lo[k], --k;
      if (k < 0) break;
    }
    for (auto& a : r.axes) vars.erase(a->var.get());
    return acc;
  }
};

}  // namespace detail

// Computes `outputs` (by operation name) from placeholder values given by name. Symbols are
// bound from the inputs' shapes, or by name from `symbols`.
TensorMap evaluate_graph(const std::vector<ir::Operation>& outputs, const TensorMap& inputs,
                         const SymbolMap& symbols) {
  auto order = ir::topo_order(outputs);
  std::vector<ir::Expr> syms;
  std::vector<std::pair<std::string, std::vector<ir::Expr>>> declared;
  for (auto& op : order) {
    for (auto& e : op->shape) detail::collect_vars(e, syms);
    if (auto* r = op->reduce())
      for (auto& a : r->axes)
        detail::collect_vars(a->min, syms), detail::collect_vars(a->extent, syms);
    if (op->is_placeholder()) declared.push_back({op->name, op->shape});
  }
  detail::GraphCtx ctx;
  std::unordered_map<const ir::OperationNode*, HostTensor> tensors;
  ctx.tensors = &tensors;
  ctx.vars = bind_symbols(declared, inputs, syms, symbols);
  for (auto& op : order) {
    if (op->is_placeholder()) {
      auto it = inputs.find(op->name);
      user_assert(it != inputs.end()) << "evaluate_graph: no value for input '" << op->name << "'";
      user_assert(it->second.dtype == op->type)
          << "evaluate_graph: input '" << op->name << "' is " << it->second.dtype.str()
          << ", expected " << op->type.str();
      tensors[op.get()] = it->second;
      continue;
    }
    std::vector<int64_t> shape;
    for (auto& e : op->shape) shape.push_back(ir::eval_scalar(e, ctx.vars));
    HostTensor out(op->type, shape);
    std::vector<int64_t> idx(shape.size(), 0);
    for (int64_t flat = 0; flat < out.size(); ++flat) {
      for (size_t d = 0; d < idx.size(); ++d) ctx.vars[op->axis[d]->var.get()] = idx[d];
      write_element(out, flat, eval_expr(op->body, ctx));
      for (int d = static_cast<int>(idx.size()) - 1; d >= 0; --d) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
    tensors[op.get()] = std::move(out);
  }
  TensorMap result;
  for (auto& o : outputs) result[o->name] = tensors.at(o.get());
  return result;
}

}  // namespace webtx::eval
