// Lowers a model's declared graph with its schedule (or the default one): the step every
// generator, the CPU-reference tool and the generator benchmark share.
#include "rename_tensor.hpp"
#include "webtx/generator.hpp"
#include "webtx/lower.hpp"

#include <algorithm>
#include <iostream>

namespace webtx {

ir::Program lower_model(const ModelContext& ctx, bool dump_ir, const Target& target) {
  if (ctx.has_program()) return ctx.program();
  user_assert(!ctx.outputs().empty()) << "model " << ctx.name() << " declares no outputs";
  std::vector<ir::Operation> outs;
  for (auto& [name, op] : ctx.outputs()) outs.push_back(op);
  // The author's schedule, or an empty one; auto_schedule fills in every stage nobody
  // scheduled (fusion + a rule per fused group) and leaves the author's stages alone.
  std::unique_ptr<Schedule> own;
  Schedule* sched = ctx.schedule_if_any();
  if (!sched) {
    own = std::make_unique<Schedule>(outs);
    sched = own.get();
  }
  AutoScheduleOptions ao;  // the row rule may use as many invocations as the Target allows
  ao.max_invocations = std::min(target.limits.maxComputeInvocationsPerWorkgroup,
                                target.limits.maxComputeWorkgroupSizeX);
  const auto groups = auto_schedule(*sched, ao);
  if (dump_ir && !groups.empty())
    std::cerr << "// auto_schedule of model " << ctx.name() << ":\n" << to_string(groups);
  LowerOptions lo;
  lo.dump_ir = dump_ir;
  lo.target = target;
  ir::Program p = webtx::lower(*sched, ctx.name(), ctx.inputs(), outs, lo);
  for (auto& [name, op] : ctx.outputs()) codegen::rename_tensor(p, op->name, name);
  return p;
}

}  // namespace webtx
