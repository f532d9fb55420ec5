#pragma once
// Text of an operation graph, producers first, one line per operation:
//   placeholder A: f32[M, K]
//   compute C: f32[M, N] (i0, i1) = sum((A(i0, k) * B(k, i1)), axes=[k in [0, +K)])
// One printer for the whole graph keeps variable names consistent across lines.
#ifndef WEBTX_DSL_INTERNAL
#error "include <webtx/dsl.hpp> or <webtx/webtx.hpp>, not the DSL's internal headers"
#endif
#include <string>
#include <vector>

#include "webtx/dsl/tensor.hpp"
#include "webtx/ir/operation.hpp"

namespace webtx {

// Defined with the IR printer in the compiler library (codegen/compiler/src/ir/printer.cpp).
std::string graph_to_string(const std::vector<ir::Operation>& outputs);

template <typename T, std::size_t Rank>
std::string to_string(const Tensor<T, Rank>& t) {
  return graph_to_string({t.op()});
}

}  // namespace webtx
