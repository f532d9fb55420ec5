#pragma once
// The loop IR: everything a backend needs, and nothing about the DSL's static types.
#include "webtx/error.hpp"
#include "webtx/ir/dtype.hpp"
#include "webtx/ir/expr.hpp"
#include "webtx/ir/functor.hpp"
#include "webtx/ir/kernel.hpp"
#include "webtx/ir/op_graph.hpp"
#include "webtx/ir/operation.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/ir/program.hpp"
#include "webtx/ir/scalar_eval.hpp"
#include "webtx/ir/stmt.hpp"
#include "webtx/ir/vector_access.hpp"
