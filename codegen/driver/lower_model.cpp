// Lowers a model's declared graph with its schedule (or the default one): the step every
// generator, the CPU-reference tool and the generator benchmark share.
#include "rename_tensor.hpp"
#include "webtx/generator.hpp"
#include "webtx/lower.hpp"

namespace webtx {

ir::Program lower_model(const ModelContext& ctx, bool dump_ir, const Target& target) {
  if (ctx.has_program()) return ctx.program();
  user_assert(!ctx.outputs().empty()) << "model " << ctx.name() << " declares no outputs";
  std::vector<ir::Operation> outs;
  for (auto& [name, op] : ctx.outputs()) outs.push_back(op);
  std::unique_ptr<Schedule> own;
  const Schedule* sched = ctx.schedule_if_any();
  if (!sched) {
    // The default schedule: one invocation per output element (an unscheduled stage would
    // otherwise lower to a correct but single-invocation kernel).
    own = std::make_unique<Schedule>(outs);
    parallelize_unscheduled(*own);
    sched = own.get();
  }
  LowerOptions lo;
  lo.dump_ir = dump_ir;
  lo.target = target;
  ir::Program p = webtx::lower(*sched, ctx.name(), ctx.inputs(), outs, lo);
  for (auto& [name, op] : ctx.outputs()) codegen::rename_tensor(p, op->name, name);
  return p;
}

}  // namespace webtx
