#pragma once
// CPU reference paths: evaluate_graph (the op graph, unscheduled) and run_program (a lowered
// ir::Program, every invocation of every workgroup).
#include "webtx/eval/evaluate_graph.hpp"
#include "webtx/eval/host_tensor.hpp"
#include "webtx/eval/run_program.hpp"
