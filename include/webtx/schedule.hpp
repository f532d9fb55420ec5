#pragma once
// Schedules: TVM-style primitives over an operation graph (see docs/lowering.md).
#include "webtx/schedule/auto_schedule.hpp"
#include "webtx/schedule/gemv.hpp"
#include "webtx/schedule/helpers.hpp"
#include "webtx/schedule/schedule.hpp"
#include "webtx/schedule/stage.hpp"
