#pragma once
// A WGSL test case: a kernel, the values of its buffers and uniforms, the expected outputs
// (from a plain C++ reference), written as JSON for the JS runners (run_cases_*.mjs).
#include <map>
#include <string>
#include <vector>

#include "webtx/ir.hpp"

namespace wgsl_test {

struct Tolerance {
  double abs = 0, rel = 0;  // pass if |got - want| <= abs + rel * |want|; 0/0 means exact
};

struct Case {
  std::string name;
  webtx::ir::Kernel kernel;
  std::vector<int64_t> scalars;  // values of kernel.scalars, in order
  // Per buffer (by node): initial contents, and for written buffers the expected contents.
  std::map<const webtx::ir::BufferNode*, std::vector<double>> init, expected;
  Tolerance tol;
  std::vector<std::string> features;  // WebGPU features needed to run it, e.g. "shader-f16"
};

// Writes <dir>/cases.json and <dir>/<name>.wgsl for every case; throws on inconsistent data.
void write_cases(const std::string& dir, const std::vector<Case>& cases);

}  // namespace wgsl_test
