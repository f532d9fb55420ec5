#pragma once
// The typed tensor-expression DSL: dtypes, expressions, tensors, compute and reductions. It
// builds plain ir::Operation graphs; see docs/dsl.md.
#define WEBTX_DSL_INTERNAL
#include "webtx/dsl/compute.hpp"
#include "webtx/dsl/dtype.hpp"
#include "webtx/dsl/expr_base.hpp"
#include "webtx/dsl/math.hpp"
#include "webtx/dsl/ops.hpp"
#include "webtx/dsl/print.hpp"
#include "webtx/dsl/reduce.hpp"
#include "webtx/dsl/tensor.hpp"
#include "webtx/dsl/var.hpp"
#include "webtx/ir.hpp"
#undef WEBTX_DSL_INTERNAL
