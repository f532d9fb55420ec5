#pragma once
// The generator's internals, shared by generate.cpp (tensors and expressions) and
// generate_schedule.cpp (schedules).
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "generate.hpp"

namespace webtx::fuzz::gen {

inline constexpr double kUlp = 1.0 / (1 << 23);  // f32 ulp at 1

struct Info {
  double lo = -1, hi = 1;  // value range (floats and integers)
  bool special = false;    // NaN or +-Inf may occur
  bool exact = true;       // bit-identical on every engine
  bool wide = false;       // integers: any 32-bit value (wrapping arithmetic)
  double err = 0;          // abs error bound against the reference
  double mag() const { return std::max(std::abs(lo), std::abs(hi)); }
};

struct Ex {
  std::string s;
  Info in;
};

inline std::string num(double v) {
  std::ostringstream o;
  o.precision(9);
  o << v;
  return o.str();
}

class Gen {
 public:
  Gen(uint64_t seed, const GenOptions& o)
      : g_(seed),
        rows_g_(seed ^ 0x9e3779b97f4a7c15ULL),
        vec_g_(seed ^ 0xc2b2ae3d27d4eb4fULL),
        opt_(o) {
    r_.seed = seed;
  }

  Recipe run();

 private:
  int rnd(int n) { return std::uniform_int_distribution<int>(0, n - 1)(g_); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(g_) < p; }

  int new_dim(int64_t lo, int64_t hi, bool allow_sym = true) {
    Dim d;
    d.value = std::uniform_int_distribution<int64_t>(lo, hi)(g_);
    if (allow_sym && chance(0.3)) d.sym = "n" + std::to_string(r_.dims.size());
    r_.dims.push_back(d);
    return static_cast<int>(r_.dims.size()) - 1;
  }
  int64_t ext(const DimRef& d) const { return extent_value(r_, d); }
  int add_node(Node n, Info i) {
    n.name = (n.kind == NodeKind::Input ? "in" : "t") + std::to_string(r_.nodes.size());
    n.tol_abs = i.exact ? 0 : i.err;
    r_.nodes.push_back(std::move(n));
    info_.push_back(i);
    return static_cast<int>(r_.nodes.size()) - 1;
  }
  int new_input(std::vector<DimRef> shape, ir::DType t, std::string fill = "");

  // Expressions of dtype t over the operands `ops` (indices into nodes), read with `read`.
  Ex leaf_f32(const std::vector<int>& ops, const std::vector<std::string>& reads);
  Ex leaf_int(ir::DType t, const std::vector<int>& ops, const std::vector<std::string>& reads);
  Ex expr_f32(int depth, const std::vector<int>& ops, const std::vector<std::string>& reads);
  Ex expr_int(ir::DType t, int depth, const std::vector<int>& ops,
              const std::vector<std::string>& reads);
  Ex expr_bool(int depth, const std::vector<int>& ops, const std::vector<std::string>& reads);
  Ex bounded(Ex e);

  void elementwise();
  void reduce();
  void matmul();
  void stencil();
  void row_op();
  void schedule();

  std::mt19937_64 g_;
  std::mt19937_64 rows_g_;  // row_op's own stream (generate.cpp)
  // auto_schedule's vector width (its own stream: the programs of a seed stay as they were)
  std::mt19937_64 vec_g_;
  std::vector<std::string> row_nodes_;  // the nodes row_op made (names survive drop_unused)
  GenOptions opt_;
  Recipe r_;
  std::vector<Info> info_;
};

}  // namespace webtx::fuzz::gen
