// lower(): the one place that orders the lowering passes (declared in webtx/lower.hpp).
#include "webtx/lower.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unordered_set>

#include "webtx/lower/bind_threads.hpp"
#include "webtx/lower/bound_inference.hpp"
#include "webtx/lower/context.hpp"
#include "webtx/lower/cse.hpp"
#include "webtx/lower/extract_kernel.hpp"
#include "webtx/lower/hoist_guards.hpp"
#include "webtx/lower/inline_ops.hpp"
#include "webtx/lower/insert_barriers.hpp"
#include "webtx/lower/legalize_intrinsics.hpp"
#include "webtx/lower/merge_guards.hpp"
#include "webtx/lower/partition_loops.hpp"
#include "webtx/lower/schedule_ops.hpp"
#include "webtx/lower/simplify.hpp"
#include "webtx/lower/specialize.hpp"
#include "webtx/lower/storage_flatten.hpp"
#include "webtx/lower/tensorize.hpp"
#include "webtx/lower/vectorize.hpp"
#include "webtx/lower/verify.hpp"
#include "webtx/schedule.hpp"
#include "webtx/target_check.hpp"

namespace webtx {

namespace lowering::detail {

void collect_symbols(const ir::Expr& e, std::vector<ir::Expr>& out) {
  for (auto& v : free_vars(ir::Seq::make({}), {e})) {
    if (std::none_of(out.begin(), out.end(), [&](auto& s) { return s.same_as(v); }))
      out.push_back(v);
  }
}

LowerContext make_context(const Schedule& s, const std::vector<ir::Operation>& inputs,
                          const std::vector<ir::Operation>& outputs) {
  LowerContext ctx;
  ctx.sched = &s;
  for (auto& st : s.stages()) {
    StageInfo si;
    si.stage = st.get(), si.op = st->op();
    if (st->attach() == AttachKind::ComputeAt) {
      si.scope = st->scope().value_or(ir::MemScope::Private);
      user_assert(st->attach_stage()->attach() != AttachKind::Inline)
          << "stage '" << st->name() << "' is computed at stage '" << st->attach_stage()->name()
          << "', which is inlined";
    }
    ctx.index[si.op.get()] = static_cast<int>(ctx.stages.size());
    ctx.stages.push_back(std::move(si));
  }
  std::unordered_set<const ir::OperationNode*> in_set, out_set;
  for (auto& i : inputs) {
    user_assert(i && i->is_placeholder())
        << "lower: input '" << (i ? i->name : "null") << "' is not a placeholder";
    user_assert(in_set.insert(i.get()).second) << "lower: input '" << i->name << "' listed twice";
    user_assert(s.has_stage(i)) << "lower: input '" << i->name
                                << "' is not read by any output (remove it from the inputs)";
  }
  for (auto& o : outputs) {
    user_assert(o && s.has_stage(o))
        << "lower: output '" << (o ? o->name : "null") << "' is not in the schedule";
    const Stage& st = s[o];
    user_assert(st.attach() == AttachKind::Root && !st.is_placeholder())
        << "lower: output '" << st.name() << "' must be a computed root stage";
    out_set.insert(st.op().get());
  }
  for (auto& si : ctx.stages) {
    if (si.op->is_placeholder()) {
      user_assert(in_set.count(si.op.get()))
          << "lower: placeholder '" << si.op->name << "' is read but not listed in the inputs";
    }
  }
  return ctx;
}

}  // namespace lowering::detail

namespace {
// Lowers one root stage into its kernel versions: first one set per specialization of the
// stage (from the specialization's schedule, recursively), then the general one. `launch` is
// 1 or 0 per call: the product of the conditions that select this schedule (tested in order,
// first match wins), a factor of every version's grid.
struct RootLowering {
  const LowerOptions& opt;
  bool dump;
  std::ostream& os;
  ir::Program& prog;
  std::unordered_set<std::string>& kernel_names;
  std::unordered_set<std::string>& tensor_names;
  const std::vector<ir::Operation>& inputs;
  const std::vector<ir::Operation>& outputs;

  // A global tensor for root stage `si` (named as its stage, or with a "_<k>" suffix); `first`:
  // its first extent when not the stage's (a specialization's own tensor is empty for the
  // calls that do not select it).
  void add_tensor(lowering::StageInfo& si, ir::TensorRole role, bool exact,
                  const ir::Expr& first = {}) {
    std::string n = si.op->name;
    if (exact) {
      user_assert(tensor_names.insert(n).second) << "lower: two tensors are named '" << n << "'";
    } else {
      for (int k = 1; !tensor_names.insert(n).second; ++k)
        n = si.op->name + "_" + std::to_string(k);
    }
    std::vector<ir::Expr> shape = si.op->shape;
    if (first.defined()) shape.at(0) = first;
    si.buffer = ir::make_buffer(n, si.op->type, ir::MemScope::Global, shape);
    prog.tensors.push_back({si.buffer, role});
  }

  // Root stages that only specialization `sctx` has (split-K's partial sums: rfactor in the
  // specialization): an intermediate tensor each, its first extent times the selection count
  // (0 or 1: no memory for the calls that take another version), and its kernels, launched
  // where `launch` selects the specialization, before the specialized stage's. Kernel names:
  // the specialization's, then the stage's ("matmul_spec2_rf" for "matmul.rf").
  void lower_own_roots(lowering::LowerContext& sctx, const lowering::StageInfo& ssi,
                       const std::string& sname, const ir::Expr& launch,
                       const std::string& selected, const std::string& where) {
    for (auto& r : sctx.stages) {
      if (!r.is_root() || r.op->is_placeholder() || r.buffer || &r == &ssi) continue;
      internal_assert(!r.op->shape.empty()) << "stage '" << r.op->name << "' has no dimensions";
      add_tensor(r, ir::TensorRole::Intermediate, false, ir::fold::mul(r.op->shape[0], launch));
      for (auto& e : r.buffer->shape) lowering::detail::collect_symbols(e, prog.symbols);
      std::string tag = r.op->name;
      if (tag.rfind(ssi.op->name + ".", 0) == 0) tag = tag.substr(ssi.op->name.size() + 1);
      std::replace(tag.begin(), tag.end(), '.', '_');
      std::string rname = sname + "_" + tag;
      for (int k = 1; !kernel_names.insert(rname).second; ++k)
        rname = sname + "_" + tag + "_" + std::to_string(k);
      lower_root(sctx, r, rname, launch, selected, where);
    }
  }

  // `selected`: the conditions that select this schedule, for the kernels' variant text;
  // `where`: the specialize call of a specialization ("" for the general schedule).
  void lower_root(lowering::LowerContext& ctx, lowering::StageInfo& si, const std::string& kname,
                  const ir::Expr& launch, const std::string& selected,
                  const std::string& where = "") {
    using namespace lowering;
    const ir::Expr one = ir::IntImm::make(ir::DType::i32(), 1);
    ir::Expr none_before = one;
    std::string not_before;
    int n = 0;
    auto join = [](const std::string& a, const std::string& b) {
      return a.empty() ? b : b.empty() ? a : a + " && " + b;
    };
    for (auto& sp : ctx.sched->specializations()) {
      if (sp.stage != si.stage) continue;
      ir::Expr c = condition_as_count(sp.condition, prog.symbols, si.op->name);
      const std::string text = ir::to_string(sp.condition);
      LowerContext sctx = specialization_context(*sp.schedule, ctx, inputs, outputs, sp.condition);
      inline_ops(sctx);
      infer_bounds(sctx);
      check_specialized_roots(sctx);
      StageInfo& ssi = sctx.info(&(*sp.schedule)[si.stage->origin_op()]);
      ssi.buffer = si.buffer;
      std::string sname = kname + "_spec" + std::to_string(n++);
      for (int k = 1; !kernel_names.insert(sname).second; ++k)
        sname = kname + "_spec" + std::to_string(n - 1) + "_" + std::to_string(k);
      const ir::Expr chosen = ir::fold::mul(launch, ir::fold::mul(none_before, c));
      lower_own_roots(sctx, ssi, sname, chosen, join(selected, join(not_before, text)), sp.where);
      lower_root(sctx, ssi, sname, chosen, join(selected, join(not_before, text)), sp.where);
      none_before = ir::fold::mul(none_before, ir::fold::sub(one, c));
      not_before = join(not_before, text.front() == '(' ? "!" + text : "!(" + text + ")");
    }
    lower_versions(ctx, si, kname, ir::fold::mul(launch, none_before), join(selected, not_before),
                   where);
  }

  void lower_versions(lowering::LowerContext& ctx, lowering::StageInfo& si,
                      const std::string& kname, const ir::Expr& launch, const std::string& selected,
                      const std::string& where) {
    using namespace lowering;
    auto step = [&](const char* pass, const ir::Stmt& st) {
      if (dump) os << "// ---- " << kname << " after " << pass << "\n" << ir::to_string(st);
    };
    if (si.stage->tensorized()) {
      // The whole kernel comes from the tensorize template (lower/tensorize.hpp).
      TensorizedBody tb = lower_tensorized(ctx, si);
      step("tensorize", tb.body);
      prog.checks.insert(prog.checks.end(), tb.checks.begin(), tb.checks.end());
      for (auto& fv : free_vars(tb.body)) lowering::detail::collect_symbols(fv, prog.symbols);
      // A specialization's version launches only where its condition selects it.
      tb.launch.grid[0] = ir::fold::mul(tb.launch.grid[0], launch);
      for (auto& g : tb.launch.grid) lowering::detail::collect_symbols(g, prog.symbols);
      ir::Kernel k = make_kernel(kname, tb.body, tb.launch, prog.tensors, prog.symbols);
      k.variant = selected;
      verify_kernel(k);
      check_kernel_target(k, opt.target);
      if (dump) os << ir::to_string(k);
      prog.kernels.push_back(std::move(k));
      return;
    }
    ir::Stmt body = schedule_ops(ctx, si);
    if (!where.empty()) check_specialized_reads(body, ctx, si.op->name, where);
    step("schedule_ops", body);
    LaunchConfig lc;
    body = bind_threads(body, ctx, lc, opt.target);
    for (auto& g : lc.grid) g = simplify(g);
    step("bind_threads", body);
    body = storage_flatten(body, ctx);
    step("storage_flatten", body);
    SimplifyOptions so = thread_ranges(lc);
    body = simplify(body, so);
    step("simplify", body);
    body = insert_barriers(body);
    step("insert_barriers", body);
    // After the barriers: every version keeps the barriers of the code it came from, under
    // conditions that are uniform over the workgroup.
    std::vector<KernelVersion> versions;
    if (opt.partition_loops)
      versions = partition_kernel(body, lc);
    else
      versions.push_back({"", "", body, lc.grid});
    for (auto& v : versions) {
      std::string vname = kname + v.suffix;
      for (int k = 1; !v.suffix.empty() && !kernel_names.insert(vname).second; ++k)
        vname = kname + v.suffix + "_" + std::to_string(k);
      auto vstep = [&](const char* pass, const ir::Stmt& st) {
        if (dump) os << "// ---- " << vname << " after " << pass << "\n" << ir::to_string(st);
      };
      ir::Stmt b = v.body;
      if (versions.size() > 1) vstep("partition_loops", b);
      b = lowering::hoist_invariant_guards(b);
      vstep("hoist_invariant_guards", b);
      b = legalize_intrinsics(b);
      vstep("legalize_intrinsics", b);
      b = simplify(b, so);
      vstep("simplify", b);
      if (opt.vectorize) {
        b = vectorize(b, v.aligned);
        vstep("vectorize", b);
      }
      b = merge_adjacent_guards(b), vstep("merge_adjacent_guards", b);
      b = common_subexpressions(b), vstep("common_subexpressions", b);
      for (auto& fv : free_vars(b)) lowering::detail::collect_symbols(fv, prog.symbols);
      LaunchConfig vlc = lc;
      vlc.grid = v.grid;
      // Specializations: launched (non-empty) only for the calls their condition selects.
      if (!ir::is_const(launch, 1)) vlc.grid[0] = simplify(ir::fold::mul(vlc.grid[0], launch));
      for (auto& g : vlc.grid) lowering::detail::collect_symbols(g, prog.symbols);
      ir::Kernel k = make_kernel(vname, b, vlc, prog.tensors, prog.symbols);
      const std::string sel = selected.empty() ? "" : "where " + selected;
      k.variant = sel.empty() ? v.variant : v.variant.empty() ? sel : sel + "; " + v.variant;
      verify_kernel(k);
      check_kernel_target(k, opt.target);
      if (dump) os << ir::to_string(k);
      prog.kernels.push_back(std::move(k));
    }
  }
};
}  // namespace

ir::Program lower(const Schedule& s, std::string name, std::vector<ir::Operation> inputs,
                  std::vector<ir::Operation> outputs, const LowerOptions& opt) {
  using namespace lowering;
  LowerContext ctx = lowering::detail::make_context(s, inputs, outputs);
  ctx.target = &opt.target;
  const bool dump = opt.dump_ir || std::getenv("WEBTX_DUMP_IR") != nullptr;
  std::ostream& os = opt.dump ? *opt.dump : std::cerr;

  ir::Program prog;
  prog.name = std::move(name);
  std::unordered_set<std::string> names, kernel_names;
  RootLowering rl{opt, dump, os, prog, kernel_names, names, inputs, outputs};
  for (auto& i : inputs) rl.add_tensor(ctx.info(i), ir::TensorRole::Input, true);
  for (auto& o : outputs) rl.add_tensor(ctx.info(o), ir::TensorRole::Output, true);
  for (auto& si : ctx.stages) {
    if (!si.buffer && si.is_root() && !si.op->is_placeholder())
      rl.add_tensor(si, ir::TensorRole::Intermediate, false);
  }
  for (auto& t : prog.tensors)
    for (auto& e : t.buffer->shape) lowering::detail::collect_symbols(e, prog.symbols);
  for (auto& si : ctx.stages)
    if (auto* r = si.op->body.as<ir::Reduce>())
      for (auto& a : r->axes)
        lowering::detail::collect_symbols(a->min, prog.symbols),
            lowering::detail::collect_symbols(a->extent, prog.symbols);

  inline_ops(ctx);
  infer_bounds(ctx);
  check_specialized_roots(ctx);

  for (auto& si : ctx.stages) {
    if (!si.is_root() || si.op->is_placeholder()) continue;
    std::string kname = si.op->name;
    for (int k = 1; !kernel_names.insert(kname).second; ++k)
      kname = si.op->name + "_" + std::to_string(k);
    rl.lower_root(ctx, si, kname, ir::IntImm::make(ir::DType::i32(), 1), "");
  }
  return prog;
}

}  // namespace webtx
