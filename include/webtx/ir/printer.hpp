#pragma once
// Human-readable text of the IR, for debugging, docs and golden tests. Variables and buffers
// print with their names; distinct nodes sharing a name get a numeric suffix.
#include <string>

#include "webtx/ir/kernel.hpp"

namespace webtx::ir {

std::string to_string(const Expr& e);
std::string to_string(const Stmt& s);
std::string to_string(const Kernel& k);

}  // namespace webtx::ir
