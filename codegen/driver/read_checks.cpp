#include "webtx/codegen/read_checks.hpp"

#include <set>

#include "webtx/ir/op_graph.hpp"
#include "webtx/lower/bound_inference.hpp"
#include "webtx/model/from_ir.hpp"

namespace webtx::codegen {
namespace {

using ir::make_int;
using ir::fold::add;
using ir::fold::sub;
using lowering::const_bounds;
using lowering::RangeMap;
using lowering::simplify;
using lowering::detail::Interval;
using lowering::detail::IntervalMap;

// Every ProducerLoad of an op's body outside a Select (those are clamped by lowering).
struct Reads : ir::IRVisitor {
  std::vector<const ir::ProducerLoad*> loads;
  void visit_Select(const ir::Select& op) override { visit(op.cond); }
  void visit_ProducerLoad(const ir::ProducerLoad& op) override {
    loads.push_back(&op);
    ir::IRVisitor::visit_ProducerLoad(op);
  }
};

class Checker {
 public:
  Checker(const ModelContext& ctx, const ir::Program& p) : ctx_(ctx), p_(p) {
    // Symbols are extents: never negative.
    for (auto& s : p.symbols) ranges_[s.get()] = {0, lowering::kUnknownHi};
  }

  void op(const ir::Operation& op) {
    IntervalMap env;
    for (auto& a : op->axis) env[a->var.get()] = {a->min, a->extent};
    if (auto* r = op->reduce())
      for (auto& a : r->axes) env[a->var.get()] = {a->min, a->extent};
    Reads reads;
    reads.visit(op->body);
    for (const ir::ProducerLoad* load : reads.loads) {
      for (size_t d = 0; d < load->indices.size(); ++d) index(op, *load, d, env);
    }
  }

  std::vector<model::ReadCheck> checks;

 private:
  std::string name_of(const ir::OperationNode& op) const {
    for (auto& [name, o] : ctx_.outputs())
      if (o.get() == &op) return "'" + name + "'";
    return "'" + op.name + "'";
  }

  void index(const ir::Operation& op, const ir::ProducerLoad& load, size_t d,
             const IntervalMap& env) {
    const ir::Expr& idx = load.indices[d];
    if (ir::contains<ir::ProducerLoad>(idx)) return;  // a gather: its range depends on data
    Interval r;
    try {
      r = lowering::detail::eval_interval(simplify(idx), env, "");
    } catch (const UserError&) {
      return;  // an index form interval arithmetic does not cover (i * j): unchecked
    }
    const ir::Expr lo = simplify(r.min, ranges_);
    const ir::Expr end = simplify(add(r.min, r.extent), ranges_);
    const ir::Expr& extent = load.producer->shape[d];
    const std::string what = "stage " + name_of(*op) + " reads " +
                             (load.producer->is_placeholder() ? "input " : "stage ") +
                             name_of(*load.producer) + " axis " + std::to_string(d) +
                             " at indices [" + ir::to_string(lo) + ", " + ir::to_string(end) +
                             ") (index " + ir::to_string(idx) + "), but its extent is " +
                             ir::to_string(extent);
    auto low = const_bounds(lo, ranges_);
    user_assert(!low || low->hi >= 0) << "model " << p_.name << ": " << what;
    if (!low || low->lo < 0) add_check(what, make_int(0), lo);
    const ir::Expr over = simplify(sub(end, extent), ranges_);
    auto high = const_bounds(over, ranges_);
    user_assert(!high || high->lo <= 0) << "model " << p_.name << ": " << what;
    if (!high || high->hi > 0) add_check(what, end, extent);
  }

  void add_check(const std::string& what, const ir::Expr& lhs, const ir::Expr& rhs) {
    const std::string where = "the read check of " + what;
    model::ReadCheck c{what, model::to_extent(lhs, p_.symbols, where),
                       model::to_extent(rhs, p_.symbols, where)};
    // One check per distinct condition (a matmul reads the same extents many times).
    if (seen_.insert(model::to_string(c.lhs) + "<=" + model::to_string(c.rhs)).second)
      checks.push_back(std::move(c));
  }

  const ModelContext& ctx_;
  const ir::Program& p_;
  RangeMap ranges_;
  std::set<std::string> seen_;
};

}  // namespace

std::vector<model::ReadCheck> read_checks(const ModelContext& ctx, const ir::Program& p) {
  if (ctx.has_program()) return {};
  std::vector<ir::Operation> outs;
  for (auto& [name, op] : ctx.outputs()) outs.push_back(op);
  Checker c(ctx, p);
  for (auto& op : ir::topo_order(outs))
    if (!op->is_placeholder()) c.op(op);
  return c.checks;
}

}  // namespace webtx::codegen
