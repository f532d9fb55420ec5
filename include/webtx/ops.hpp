#pragma once
// The op library for whole networks (namespace webtx::ops): plain functions that build DSL
// compute stages, one concept per header under webtx/ops/. See docs/ops.md.
#include "webtx/ops/activation.hpp"
#include "webtx/ops/add.hpp"
#include "webtx/ops/batch_norm.hpp"
#include "webtx/ops/bias_add.hpp"
#include "webtx/ops/conv2d.hpp"
#include "webtx/ops/dense.hpp"
#include "webtx/ops/extents.hpp"
#include "webtx/ops/layernorm.hpp"
#include "webtx/ops/pool.hpp"
#include "webtx/ops/reshape.hpp"
#include "webtx/ops/softmax.hpp"
