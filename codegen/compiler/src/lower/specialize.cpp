// Lowering of specialized stages (webtx/lower/specialize.hpp).
#include "webtx/lower/specialize.hpp"

#include "webtx/ir/functor.hpp"
#include "webtx/ir/operators.hpp"
#include "webtx/ir/printer.hpp"

namespace webtx::lowering {

namespace detail {
LowerContext make_context(const Schedule& s, const std::vector<ir::Operation>& inputs,
                          const std::vector<ir::Operation>& outputs);
}

namespace {
ir::Expr int_const(int64_t v) { return ir::IntImm::make(ir::DType::i32(), v); }
ir::Expr clamp01(const ir::Expr& e) {
  if (auto c = ir::as_const(e)) return int_const(*c > 0 ? 1 : 0);
  return ir::Max::make(ir::Min::make(e, int_const(1)), int_const(0));
}
// 1 where a < b.
ir::Expr less(const ir::Expr& a, const ir::Expr& b) { return clamp01(ir::fold::sub(b, a)); }
ir::Expr less_eq(const ir::Expr& a, const ir::Expr& b) {
  return clamp01(ir::fold::add(ir::fold::sub(b, a), int_const(1)));
}
ir::Expr negate(const ir::Expr& c) { return ir::fold::sub(int_const(1), c); }

class SymbolsByName : public ir::IRMutator {
 public:
  SymbolsByName(const std::vector<ir::Expr>& symbols, const std::string& stage)
      : symbols_(symbols), stage_(stage) {}
  using ir::IRMutator::mutate;

 protected:
  ir::Expr mutate_Variable(const ir::Expr&, const ir::Variable& v) override {
    for (auto& s : symbols_)
      if (s.as<ir::Variable>()->name == v.name) return s;
    std::string names;
    for (auto& s : symbols_) names += (names.empty() ? "" : ", ") + s.as<ir::Variable>()->name;
    user_error << "specialize of stage '" << stage_ << "': its condition uses '" << v.name
               << "', which is not a symbol of the model's shapes ("
               << (names.empty() ? "it has none: every shape is constant" : names) << ")";
    return {};
  }

 private:
  const std::vector<ir::Expr>& symbols_;
  const std::string& stage_;
};

ir::Expr count(const ir::Expr& c, const std::string& stage) {
  if (auto* b = c.as_binary()) {
    const ir::Expr &x = b->a, &y = b->b;
    switch (c.kind()) {
      case ir::ExprKind::LT:
        return less(x, y);
      case ir::ExprKind::LE:
        return less_eq(x, y);
      case ir::ExprKind::GT:
        return less(y, x);
      case ir::ExprKind::GE:
        return less_eq(y, x);
      case ir::ExprKind::EQ:
        return ir::fold::mul(less_eq(x, y), less_eq(y, x));
      case ir::ExprKind::NE:
        return negate(ir::fold::mul(less_eq(x, y), less_eq(y, x)));
      case ir::ExprKind::And:
        return ir::fold::mul(count(x, stage), count(y, stage));
      case ir::ExprKind::Or:
        return clamp01(ir::fold::add(count(x, stage), count(y, stage)));
      default:
        break;
    }
  }
  if (auto* n = c.as<ir::Not>()) return negate(count(n->a, stage));
  if (auto v = ir::as_const(c)) return int_const(*v ? 1 : 0);
  user_error << "specialize of stage '" << stage << "': cannot test " << ir::to_string(c)
             << " at run time (use comparisons of symbols joined by && and ||)";
  return {};
}

class ReadsWithoutTensor : public ir::IRVisitor {
 public:
  explicit ReadsWithoutTensor(LowerContext& ctx) : ctx_(ctx) {}
  using ir::IRVisitor::visit;
  std::string missing;

 protected:
  void visit_ProducerLoad(const ir::ProducerLoad& op) override {
    StageInfo& si = ctx_.info(op.producer);
    if (si.is_root() && !si.buffer && missing.empty()) missing = si.op->name;
    ir::IRVisitor::visit_ProducerLoad(op);
  }

 private:
  LowerContext& ctx_;
};
}  // namespace

ir::Expr condition_as_count(const ir::Expr& cond, const std::vector<ir::Expr>& symbols,
                            const std::string& stage) {
  SymbolsByName by_name(symbols, stage);
  return count(by_name.mutate(cond), stage);
}

void add_facts(const ir::Expr& cond, std::unordered_map<std::string, ConstRange>& facts) {
  std::vector<ir::Expr> parts;
  split_conjuncts(cond, parts);
  for (auto& p : parts) {
    auto* b = p.as_binary();
    if (!b) continue;
    auto kind = p.kind();
    const ir::Variable* v = b->a.as<ir::Variable>();
    auto c = as_const(b->b);
    if (!v || !c) {  // constant on the left: c < v is v > c
      v = b->b.as<ir::Variable>(), c = as_const(b->a);
      if (!v || !c) continue;
      using K = ir::ExprKind;
      kind = kind == K::LT   ? K::GT
             : kind == K::LE ? K::GE
             : kind == K::GT ? K::LT
             : kind == K::GE ? K::LE
                             : kind;
    }
    auto [it, fresh] = facts.try_emplace(v->name, ConstRange{0, kUnknownHi});
    ConstRange& r = it->second;
    switch (kind) {
      case ir::ExprKind::LT:
        r.hi = std::min(r.hi, *c - 1);
        break;
      case ir::ExprKind::LE:
        r.hi = std::min(r.hi, *c);
        break;
      case ir::ExprKind::GT:
        r.lo = std::max(r.lo, *c + 1);
        break;
      case ir::ExprKind::GE:
        r.lo = std::max(r.lo, *c);
        break;
      case ir::ExprKind::EQ:
        r = {std::max(r.lo, *c), std::min(r.hi, *c)};
        break;
      default:
        if (fresh) facts.erase(it);
        break;
    }
  }
}

LowerContext specialization_context(const Schedule& spec, LowerContext& general,
                                    const std::vector<ir::Operation>& inputs,
                                    const std::vector<ir::Operation>& outputs,
                                    const ir::Expr& condition) {
  LowerContext ctx = detail::make_context(spec, inputs, outputs);
  ctx.target = general.target;
  ctx.facts = general.facts;
  add_facts(condition, ctx.facts);
  for (auto& si : ctx.stages) {
    const ir::Operation& origin = si.stage->origin_op();
    if (!general.sched->has_stage(origin)) continue;
    StageInfo& g = general.info(origin);
    if (g.buffer && g.is_root() == si.is_root()) si.buffer = g.buffer;
  }
  return ctx;
}

void check_specialized_roots(LowerContext& ctx) {
  for (auto& sp : ctx.sched->specializations()) {
    user_assert(sp.stage->attach() == AttachKind::Root)
        << "stage '" << sp.stage->name() << "' is specialized" << sp.where << " but its "
        << "general schedule "
        << (sp.stage->attach() == AttachKind::Inline
                ? std::string("inlines it")
                : "computes it at stage '" + sp.stage->attach_stage()->name() + "'")
        << "; a specialized stage must be a root stage (a kernel of its own) in every version";
    const Stage& copy = (*sp.schedule)[sp.stage->origin_op()];
    user_assert(copy.attach() == AttachKind::Root)
        << "stage '" << sp.stage->name() << "' is specialized" << sp.where << " but the "
        << "specialization computes it "
        << (copy.attach() == AttachKind::Inline ? std::string("inline")
                                                : "at stage '" + copy.attach_stage()->name() + "'")
        << "; a specialized stage must be a root stage (a kernel of its own) in every version";
  }
}

void check_specialized_reads(const ir::Stmt& body, LowerContext& ctx, const std::string& stage,
                             const std::string& where) {
  ReadsWithoutTensor r(ctx);
  r.visit(body);
  user_assert(r.missing.empty())
      << "stage '" << stage << "' is specialized" << where << ": the specialization reads "
      << "stage '" << r.missing << "' from global memory, but the general schedule does not "
      << "write it there (it is inlined or computed inside another stage); schedule '" << r.missing
      << "' the same way in both, or inline it in the specialization too";
}

}  // namespace webtx::lowering
