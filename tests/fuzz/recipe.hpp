#pragma once
// A fuzz program as data (docs/testing.md, "Program fuzzing"): dimensions (constant or
// symbolic), tensors defined by operations over earlier tensors, and schedule steps. The
// generator writes recipes, build() turns one into an operation graph and a schedule, the
// shrinker edits them, and a failing one is kept as a JSON case file that the replay test runs.
#include <cstdint>
#include <string>
#include <vector>

#include "webtx/eval.hpp"
#include "webtx/schedule.hpp"

namespace webtx::fuzz {

// One dimension: a constant, or a symbol bound at run time (always from an input's shape).
struct Dim {
  std::string sym;  // "" for a constant
  int64_t value = 1;
};

// An axis extent: dims[dim] + offset (stencil outputs are narrower than their input).
struct DimRef {
  int dim = 0;
  int64_t offset = 0;
};

enum class NodeKind { Input, Elementwise, Reduce, Matmul, Stencil };
const char* kind_name(NodeKind k);

// One tensor. Operand reads in `expr` (an s-expression, see build.cpp) are written (in k):
//  Elementwise: operand k at the output index (a lower-rank operand is broadcast along the
//    leading axes); (sh k o): at the last index + o (halo reads; operand k is wider);
//    (row k): at the leading indices (operand k's shape a prefix of the output's: a row's
//    reduction broadcast along the row, as softmax and layernorm read it).
//  Reduce: operand 0 at the full index, reduced over `reduce_axes` with `reduce_op`.
//  Matmul: (in 0) = A[..., m, r], (in 1) = B[r, n], summed over r < dims[window].
//  Stencil: (in 0) = A[..., i + r] (1-D window) or A[..., i + r, j + s] (window_dims 2),
//    (in 1) = W[r] or W[r, s]; reduced with reduce_op over the window.
struct Node {
  std::string name;
  NodeKind kind = NodeKind::Input;
  ir::DType dtype = ir::DType::f32();
  std::vector<DimRef> shape;
  std::vector<int> operands;
  std::string expr;  // body (Elementwise) or per-element source (Reduce, Matmul, Stencil)
  ir::ReduceOp reduce_op = ir::ReduceOp::Sum;
  std::vector<int> reduce_axes;  // Reduce
  int window = 0;                // Stencil: window extent; Matmul: the dim index of K
  int window_dims = 1;           // Stencil: 1 or 2
  std::string fill;              // Input: float, exact, special, int, uint, bool, wide
  // Elements compare with |got - want| <= tol_abs + tol_rel * |want| (floats; integers and
  // bools exactly); the generator derives these from the ops (docs/testing.md).
  double tol_abs = 0, tol_rel = 0;
};

// One schedule primitive; axes are indices into the stage's leaf axes when it is applied.
//  split {leaf, factor}  tile {leaf_x, leaf_y, fx, fy}  fuse {leaf} (with leaf + 1)
//  reorder {permutation}  bind {leaf, 0 workgroup | 1 local, dim}  unroll {leaf}
//  vectorize {leaf}  compute_at {parent leaf} of stage `other`  compute_inline {}
//  set_scope {1 workgroup | 2 private}  cache_read {scope} for readers `other` (comma list)
//  cache_write {scope}  parallelize {threads}  auto_schedule {threads, block} (stage "")
struct Step {
  std::string op, stage, other;
  std::vector<int64_t> args;
};

struct Recipe {
  uint64_t seed = 0;  // input data
  std::vector<Dim> dims;
  std::vector<Node> nodes;
  std::vector<int> outputs;
  std::vector<Step> steps;
  std::string note;  // what a case file guards against (free text)
  // A case the compiler must reject: a substring of the UserError it gives (e.g. a target
  // limit's name). Replay passes when prepare() throws that error, fails when it accepts.
  std::string rejected;
};

std::string to_json(const Recipe& r);
Recipe recipe_from_json(const std::string& text);

// A recipe turned into IR: one operation per node, symbols by name.
struct Built {
  std::vector<ir::Operation> ops;
  std::vector<ir::Operation> inputs, outputs;
  eval::SymbolMap symbols;
};
Built build_graph(const Recipe& r);

// Applies r.steps to a fresh schedule of `b`; a step the primitives reject (UserError) is
// skipped and its index appended to `skipped` when given.
Schedule build_schedule(const Recipe& r, const Built& b, std::vector<int>* skipped = nullptr);

// Applies one step to `s` (UserError when the primitive rejects it).
void apply_step(Schedule& s, const Step& st);

// Input tensors of the recipe (deterministic from r.seed and each input's fill).
eval::TensorMap make_inputs(const Recipe& r, const Built& b);

int64_t extent_value(const Recipe& r, const DimRef& d);

}  // namespace webtx::fuzz
