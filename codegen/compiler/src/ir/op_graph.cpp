// Definitions for webtx/ir/op_graph.hpp.
#include "webtx/ir/op_graph.hpp"

#include <unordered_set>

#include "webtx/ir/functor.hpp"

namespace webtx::ir {

// Operations that `op` reads directly, each once, in first-use order.
std::vector<Operation> op_inputs(const Operation& op) {
  struct Collect : IRVisitor {
    std::vector<Operation> found;
    std::unordered_set<const OperationNode*> seen;
    void visit_ProducerLoad(const ProducerLoad& p) override {
      if (seen.insert(p.producer.get()).second) found.push_back(p.producer);
      IRVisitor::visit_ProducerLoad(p);
    }
  } c;
  if (op->body.defined()) c.visit(op->body);
  return c.found;
}

// Every operation reachable from `outputs`, producers before consumers.
std::vector<Operation> topo_order(const std::vector<Operation>& outputs) {
  std::vector<Operation> order;
  std::unordered_set<const OperationNode*> done;
  auto dfs = [&](auto&& self, const Operation& op) -> void {
    if (done.count(op.get())) return;
    done.insert(op.get());
    for (auto& in : op_inputs(op)) self(self, in);
    order.push_back(op);
  };
  for (auto& o : outputs) dfs(dfs, o);
  return order;
}

}  // namespace webtx::ir
