#pragma once
// Text of an operation graph, producers first, one line per operation:
//   placeholder A: f32[M, K]
//   compute C: f32[M, N] (i0, i1) = sum((A(i0, k) * B(k, i1)), axes=[k in [0, +K)])
// One printer for the whole graph keeps variable names consistent across lines.
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <sstream>
#include <string>
#include <vector>

#include "webtx/dsl/tensor.hpp"
#include "webtx/ir/op_graph.hpp"
#include "webtx/ir/printer.hpp"

namespace webtx {

inline std::string graph_to_string(const std::vector<ir::Operation>& outputs) {
  std::ostringstream os;
  ir::IRPrinter p(os);
  for (auto& op : ir::topo_order(outputs)) {
    os << (op->is_placeholder() ? "placeholder " : "compute ") << p.name_of(op.get(), op->name)
       << ": " << op->type.str() << "[";
    for (int i = 0; i < op->ndim(); ++i) {
      if (i) os << ", ";
      p.print(op->shape[i]);
    }
    os << "]";
    if (!op->is_placeholder()) {
      os << " (";
      for (size_t i = 0; i < op->axis.size(); ++i) {
        if (i) os << ", ";
        p.print(op->axis[i]->var);
      }
      os << ") = ";
      p.print(op->body);
    }
    os << "\n";
  }
  return os.str();
}

template <typename T, std::size_t Rank>
std::string to_string(const Tensor<T, Rank>& t) {
  return graph_to_string({t.op()});
}

}  // namespace webtx
