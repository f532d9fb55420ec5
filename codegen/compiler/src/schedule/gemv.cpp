// Definitions for webtx/schedule/gemv.hpp.
#include "webtx/schedule/gemv.hpp"

#include <algorithm>

#include "locate_errors.hpp"
#include "webtx/ir/functor.hpp"
#include "webtx/ir/op_graph.hpp"

namespace webtx {

namespace {

// The input of a reduction read with `col` (the last output axis) as its last index.
class ColumnInput : public ir::IRVisitor {
 public:
  explicit ColumnInput(const ir::Expr& col) : col_(col) {}
  using ir::IRVisitor::visit;
  ir::Operation found;

 protected:
  void visit_ProducerLoad(const ir::ProducerLoad& l) override {
    if (!found && !l.indices.empty() && l.indices.back().same_as(col_)) found = l.producer;
    ir::IRVisitor::visit_ProducerLoad(l);
  }

 private:
  ir::Expr col_;
};

}  // namespace

ir::Operation gemv_column_input(const ir::Operation& op) {
  if (op->ndim() < 1) return {};
  ColumnInput c(op->axis.back()->var);
  c.visit(op->body);
  return c.found;
}

void gemv_schedule(Schedule& s, Stage& out, Stage& acc, const ir::Operation& b_input,
                   const Gemv& cfg, Where where) {
  const int nd = out.op()->ndim();
  using ir::ThreadAxis;
  auto [mo, mi] = out.split(out.axis(nd - 2), cfg.rows, where);
  auto [no, nin] = out.split(out.axis(nd - 1), cfg.cols, where);
  auto [tx, nv] = out.split(nin, cfg.vec, where);
  out.reorder({mo, no, tx, mi, nv}, where);
  out.bind(no, ThreadAxis::WorkgroupId, 0, where).bind(mo, ThreadAxis::WorkgroupId, 1, where);
  out.bind(tx, ThreadAxis::LocalId, 0, where);
  out.unroll(mi, where).vectorize(nv, where);
  if (nd > 2) {
    ir::IterVar b = out.axis(0);
    for (int i = 1; i < nd - 2; ++i) b = out.fuse(b, out.axis(i), where);
    out.bind(b, ThreadAxis::WorkgroupId, 2, where);
  }

  acc.compute_at(out, tx, where);
  // Split by the region's size first: constant inner axes to unroll even for symbolic shapes.
  auto am = acc.split(acc.axis(nd - 2), cfg.rows, where).second;
  auto an = acc.split(acc.axis(nd - 1), cfg.vec, where).second;
  auto [ko, kt] = acc.split(acc.reduce_axis(0), cfg.k_threads, where);
  auto [koo, kou] = acc.split(ko, cfg.k_unroll, where);
  acc.reorder({kt, koo, kou, am, an}, where);
  acc.bind(kt, ThreadAxis::LocalId, 1, where);
  acc.unroll(kou, where).unroll(am, where).unroll(an, where);
  if (b_input) {
    // B's row slice of `vec` columns into registers per k step: one vec4 load where aligned.
    Stage& br = s.cache_read(b_input, ir::MemScope::Private, {acc.op()});
    br.compute_at(acc, kou, where);
    auto bv = br.split(br.axis(br.op()->ndim() - 1), cfg.vec, where).second;
    br.vectorize(bv, where);
  }
}

namespace {

GemvStages gemv_impl(Schedule& s, const ir::Operation& op, const Gemv& cfg,
                     const std::vector<ir::Operation>& epilogue, const Where& where) {
  Stage& orig = s[op];
  const std::string name = orig.name();
  const int nd = orig.op()->ndim();
  auto* red = orig.op()->reduce();
  user_assert(nd >= 2 && red && red->axes.size() == 1)
      << "gemv_2d: stage '" << name << "' must be a reduction over one axis with 2+ output axes";
  user_assert(cfg.rows > 0 && cfg.vec > 0 && cfg.k_threads > 0 && cfg.k_unroll > 0 &&
              cfg.cols % cfg.vec == 0)
      << "gemv_2d: stage '" << name << "': rows, vec, k_threads and k_unroll must be positive "
      << "and cols (" << cfg.cols << ") a multiple of vec (" << cfg.vec << ")";
  const ir::Operation b_input = gemv_column_input(orig.op());
  GemvStages r;
  if (!epilogue.empty()) {
    user_assert(!orig.is_output())
        << "gemv_2d: stage '" << name << "' is a model output: its "
        << "epilogue ('" << epilogue.front()->name << "') could not be fused after it";
    ir::Operation prev = op;
    for (auto& e : epilogue) {
      Stage& st = s[e];
      const auto reads = ir::op_inputs(st.op());
      user_assert(!st.is_placeholder() && !st.op()->reduce() && st.op()->ndim() == nd &&
                  std::find(reads.begin(), reads.end(), s[prev].op()) != reads.end())
          << "gemv_2d: epilogue stage '" << st.name() << "' of '" << name << "' must be "
          << "elementwise with " << nd << " axes and read '" << s[prev].name() << "'";
      prev = e;
    }
    for (size_t i = 0; i + 1 < epilogue.size(); ++i)
      r.inlined.push_back(&s[epilogue[i]].compute_inline(where));
    r.accumulator = &s[op];
    r.accumulator->set_scope(ir::MemScope::Private);
    r.out = &s[epilogue.back()];
  } else {
    r.accumulator = &s.cache_write(op, ir::MemScope::Private);
    r.out = &s[op];
  }
  gemv_schedule(s, *r.out, *r.accumulator, b_input, cfg, where);
  return r;
}

}  // namespace

GemvStages gemv_2d(Schedule& s, const ir::Operation& op, const Gemv& cfg,
                   const std::vector<ir::Operation>& epilogue, Where where) {
  return detail::locate_errors(where, [&] { return gemv_impl(s, op, cfg, epilogue, where); });
}

}  // namespace webtx
