// Builds hand-made kernels, computes their expected outputs with plain C++ and writes both
// (WGSL + JSON) for the JS runners. Usage: webtx_wgsl_cases <out-dir>
#include <cstdio>
#include <exception>
#include <filesystem>

#include "cases.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <out-dir>\n", argv[0]);
    return 2;
  }
  try {
    std::filesystem::create_directories(argv[1]);
    std::vector<wgsl_test::Case> cases;
    wgsl_test::add_basic_cases(cases);
    wgsl_test::add_dtype_cases(cases);
    wgsl_test::add_intrinsic_cases(cases);
    wgsl_test::write_cases(argv[1], cases);
    std::printf("wrote %zu cases to %s\n", cases.size(), argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "webtx_wgsl_cases: %s\n", e.what());
    return 1;
  }
  return 0;
}
