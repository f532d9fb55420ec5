#pragma once
// The one public header: the loop IR and the typed DSL that builds operation graphs.
#include "webtx/dsl.hpp"
#include "webtx/eval.hpp"
#include "webtx/ir.hpp"
#include "webtx/lower.hpp"
#include "webtx/schedule.hpp"
