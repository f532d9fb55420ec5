// The fast matmul schedule (examples/matmul_fast) through lower(): the IR for shapes that
// divide the tiles is guard-free with vec4 copies; every variant (constant shapes, symbolic
// shapes with tails) matches evaluate_graph on the CPU evaluator and, through SPIR-V, on
// lavapipe. Also the vectorize pass on its own: aligned copies become vector copies, others
// stay scalar.
// clang-format off
#include "tests/lower/test_util.hpp"
#include "webtx/eval.hpp"
#include "webtx/lower.hpp"
#include <examples/matmul_fast/fast_matmul.hpp>
#include <examples/ops/matmul.hpp>
// clang-format on
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <unordered_map>

#include "../spirv/vk_test_util.hpp"

namespace webtx::matmul_fast_test {
namespace {

using spirv_test::rt::RunOptions;

using webtx::testing::random_tensor;  // tests/lower/test_util.hpp

struct Counts {
  int branches = 0, vector_copies = 0, scalar_stores = 0, global_vector_copies = 0;
};
Counts count(const ir::Stmt& body) {
  struct V : ir::IRVisitor {
    Counts c;
    void visit_IfThenElse(const ir::IfThenElse& op) override {
      ++c.branches, ir::IRVisitor::visit_IfThenElse(op);
    }
    void visit_Store(const ir::Store& op) override {
      ++(op.lanes > 1 ? c.vector_copies : c.scalar_stores), ir::IRVisitor::visit_Store(op);
      auto* ld = op.value.as<ir::Load>();
      if (op.lanes > 1 && (op.buffer->scope == ir::MemScope::Global ||
                           (ld && ld->buffer->scope == ir::MemScope::Global)))
        ++c.global_vector_copies;
    }
  } v;
  v.visit(body);
  return v.c;
}

// Stores into private memory under a bounds guard that reads the symbol `name`.
int guarded_private_stores(const ir::Stmt& body, const std::string& name) {
  struct V : ir::IRVisitor {
    std::string name;
    int depth = 0, n = 0;
    void visit_IfThenElse(const ir::IfThenElse& op) override {
      struct R : ir::IRVisitor {
        std::string name;
        bool found = false;
        void visit_Variable(const ir::Variable& v) override { found = found || v.name == name; }
      } r;
      r.name = name;
      // (Not an `if (!interior)` around a whole boundary kernel.)
      if (op.cond.kind() != ir::ExprKind::Not) r.visit(op.cond);
      depth += r.found;
      visit(op.then_case);
      depth -= r.found;
      if (op.else_case.defined()) visit(op.else_case);
    }
    void visit_Store(const ir::Store& op) override {
      n += depth > 0 && op.buffer->scope == ir::MemScope::Private;
      ir::IRVisitor::visit_Store(op);
    }
  } v;
  v.name = name;
  v.visit(body);
  return v.n;
}

struct Case {
  ir::Program program;
  std::vector<ir::Operation> outputs;
  eval::TensorMap inputs;
  eval::SymbolMap symbols;
};

// C = A B with the fast schedule; extents are constants unless `symbolic`; `skinny`: with the
// GEMV-like specializations for M <= 64 (examples::specialize_skinny, symbolic only).
// `general_simple`: the general version one output per invocation instead of the fast
// schedule (whose symbolic versions take lavapipe minutes to compile), for tests of the
// skinny versions alone.
Case fast_matmul(int64_t m, int64_t n, int64_t k, bool symbolic, bool skinny = false,
                 bool general_simple = false) {
  Case c;
  Var M("M"), N("N"), K("K");
  auto A = symbolic ? placeholder<f32>("A", {M, K}) : placeholder<f32>("A", {m, k});
  auto B = symbolic ? placeholder<f32>("B", {K, N}) : placeholder<f32>("B", {k, n});
  auto C = ops::matmul(A, B);
  Schedule s = create_schedule({C.op()});
  if (skinny) examples::specialize_skinny(s[C.op()], M, C.op());
  if (general_simple) {
    parallelize(s, C.op(), 64);
  } else {
    auto& acc = s.cache_write(C.op(), ir::MemScope::Private);
    examples::schedule_fast_matmul(s, s[C.op()], acc, A.op(), B.op());
  }
  c.program = lower(s, "matmul_fast", {A.op(), B.op()}, {C.op()});
  c.outputs = {C.op()};
  c.inputs = {{"A", random_tensor({m, k}, 1)}, {"B", random_tensor({k, n}, 2)}};
  if (symbolic) c.symbols = {{"M", m}, {"N", n}, {"K", k}};
  return c;
}

void expect_close(const eval::TensorMap& got, const Case& c, const std::string& tag) {
  auto want = eval::evaluate_graph(c.outputs, c.inputs, c.symbols);
  const auto &g = got.at("matmul"), &w = want.at("matmul");
  ASSERT_EQ(g.shape, w.shape) << tag;
  int bad = 0;
  for (int64_t i = 0; i < g.size(); ++i) {
    double x = g.get_f(i), y = w.get_f(i);
    if (!(std::abs(x - y) <= 1e-4 * (1 + std::abs(y))) && ++bad <= 5)
      ADD_FAILURE() << tag << " C[" << i << "]: got " << x << ", want " << y;
  }
  EXPECT_EQ(bad, 0) << tag;
}

// "MxNxK", for the tags of the shape loops.
std::string shape_text(int64_t m, int64_t n, int64_t k) {
  return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
}

// The case's program through SPIR-V on lavapipe (its symbols bound), against evaluate_graph.
void expect_on_lavapipe(const Case& c, const std::string& tag) {
  eval::TensorMap t = c.inputs;
  RunOptions o;
  o.symbols = c.symbols;
  spirv_test::run(c.program, "matmul_fast_" + tag, t, o);
  expect_close(t, c, "lavapipe " + tag);
}

TEST(MatmulFast, ConstantShapeIsGuardFreeWithVec4Copies) {
  Case c = fast_matmul(128, 256, 48, false);
  ASSERT_EQ(c.program.kernels.size(), 1u);
  const ir::Kernel& k = c.program.kernels[0];
  EXPECT_EQ(k.workgroup_size, (std::array<int64_t, 3>{16, 16, 1}));
  Counts n = count(k.body);
  EXPECT_EQ(n.branches, 0) << ir::to_string(k);
  // A and B tiles into workgroup memory, A and B slices into registers, C out.
  EXPECT_EQ(n.vector_copies, 5) << ir::to_string(k);
  // A, B, C, both workgroup tiles, both register slices and the accumulators: vec4 arrays.
  EXPECT_EQ(ir::buffer_lanes(k.body).size(), 8u);
}

TEST(MatmulFast, ConstantShapeOnCpu) {
  Case c = fast_matmul(128, 256, 48, false);
  expect_close(eval::run_program(c.program, c.inputs, c.symbols), c, "cpu constant");
}

TEST(MatmulFast, SymbolicTailShapeOnCpu) {
  Case c = fast_matmul(130, 136, 37, true);                     // no extent divides its tile
  EXPECT_GT(count(c.program.kernels.back().body).branches, 0);  // the edge tiles' guards
  // The interior version for any row stride: global copies stay scalar (4-alignment of
  // symbolic strides is unprovable), the workgroup -> register copies are vec4.
  Counts n = count(c.program.kernels.at(1).body);  // `matmul`
  EXPECT_EQ(n.global_vector_copies, 0);
  EXPECT_GT(n.vector_copies, 0);
  expect_close(eval::run_program(c.program, c.inputs, c.symbols), c, "cpu tail");
}

// The branch `if (interior) {fast} else {edge}` that loop partitioning puts around the body of
// a kernel whose workgroups may reach past the tensors' edges.
const ir::IfThenElse* interior_branch(const ir::Stmt& body) {
  const ir::Stmt* s = &body;
  while (auto* let = s->as<ir::LetStmt>()) s = &let->body;
  return s->as<ir::IfThenElse>();
}

// Loop partitioning (webtx/lower/partition_loops.hpp) on the symbolic kernel: four kernels,
// each `if (interior workgroup) {guard-free} else {padded edge tile}`. `matmul_vec4` and
// `matmul` (K divisible by 16; row strides N and K multiples of 4 or not): the interior has
// no guard at all, the first with vec4 global copies; `matmul_tail_vec4` and `matmul_tail` (a
// partial last K step): guards only in the K tail loop. The edge tiles are padded
// (pad_tiles.hpp): their multiply-adds into the private accumulators are guarded only by K
// (the partial last step), never by M or N. Each launch is empty when the shapes do not
// need it.
TEST(MatmulFast, SymbolicShapesGetGuardFreeVersions) {
  Case c = fast_matmul(130, 136, 37, true);
  const auto& ks = c.program.kernels;
  ASSERT_EQ(ks.size(), 4u);
  EXPECT_EQ(ks[0].name, "matmul_vec4");
  EXPECT_EQ(ks[1].name, "matmul");
  EXPECT_EQ(ks[2].name, "matmul_tail_vec4");
  EXPECT_EQ(ks[3].name, "matmul_tail");
  std::vector<const ir::IfThenElse*> branch;
  for (auto& k : ks) {
    branch.push_back(interior_branch(k.body));
    ASSERT_NE(branch.back(), nullptr) << ir::to_string(k);
    ASSERT_TRUE(branch.back()->else_case.defined()) << k.name;
    const ir::Stmt& edge = branch.back()->else_case;
    EXPECT_EQ(guarded_private_stores(edge, "M") + guarded_private_stores(edge, "N"), 0)
        << ir::to_string(k);
    EXPECT_FALSE(k.variant.empty()) << k.name;
  }
  EXPECT_EQ(count(branch[0]->then_case).branches, 0) << ir::to_string(ks[0]);
  EXPECT_GT(count(branch[0]->then_case).global_vector_copies, 0);
  EXPECT_EQ(count(branch[1]->then_case).branches, 0);
  EXPECT_EQ(count(branch[1]->then_case).global_vector_copies, 0);
  EXPECT_EQ(guarded_private_stores(branch[0]->else_case, "K"), 0);  // K divides here
  // A K tail: one loop over every k step whose last step fills the tiles with zeros past K
  // (pad_reduction_tail.hpp): the only K guards are around those copies, chosen per step by
  // `k_outer < split`; the register copies and multiply-adds stay guard-free.
  EXPECT_EQ(guarded_private_stores(branch[3]->then_case, "K"), 0) << ir::to_string(ks[3]);
  EXPECT_EQ(guarded_private_stores(branch[3]->else_case, "K"), 0);
  struct Loops : ir::IRVisitor {
    std::vector<const ir::For*> serial;
    void visit_For(const ir::For& op) override {
      if (op.for_kind == ir::ForKind::Serial) serial.push_back(&op);
      ir::IRVisitor::visit_For(op);
    }
  } loops;
  loops.visit(branch[3]->then_case);
  ASSERT_EQ(loops.serial.size(), 1u);  // no separate tail loop
  struct Steps : ir::IRVisitor {
    const ir::ExprNode* var = nullptr;
    std::vector<const ir::IfThenElse*> step;
    int other = 0;
    void visit_IfThenElse(const ir::IfThenElse& op) override {
      auto* lt = op.cond.as<ir::LT>();
      if (lt && lt->a.get() == var) {
        step.push_back(&op);  // (its sides checked below)
        return;
      }
      ++other, ir::IRVisitor::visit_IfThenElse(op);
    }
  } steps;
  steps.var = loops.serial[0]->var.get();
  steps.visit(loops.serial[0]->body);
  ASSERT_EQ(steps.step.size(), 2u);  // the copies of A and of B
  EXPECT_EQ(steps.other, 0);
  for (auto* b : steps.step) {
    EXPECT_EQ(count(b->then_case).branches, 0);
    EXPECT_GT(count(b->else_case).branches, 0);
  }

  // Which launches are empty, per shape: [vec4, plain, the same two with a K tail].
  auto launched = [&](int64_t m, int64_t n, int64_t k) {
    std::unordered_map<const ir::ExprNode*, int64_t> syms;
    for (auto& s : c.program.symbols) {
      const auto& name = s.as<ir::Variable>()->name;
      syms[s.get()] = name == "M" ? m : name == "N" ? n : k;
    }
    std::array<bool, 4> out{};
    for (size_t i = 0; i < 4; ++i) {
      int64_t g = 1;
      for (auto& e : ks[i].grid) g *= ir::eval_scalar(e, syms);
      out[i] = g > 0;
    }
    return out;
  };
  using L = std::array<bool, 4>;
  EXPECT_EQ(launched(256, 384, 64), (L{true, false, false, false}));
  EXPECT_EQ(launched(256, 384, 68), (L{false, false, true, false}));
  EXPECT_EQ(launched(256, 384, 65), (L{false, false, false, true}));  // K % 4 != 0
  EXPECT_EQ(launched(257, 384, 64), (L{true, false, false, false}));  // edge tiles inside
  EXPECT_EQ(launched(256, 390, 64), (L{false, true, false, false}));  // N % 4 != 0
  EXPECT_EQ(launched(100, 100, 100), (L{false, false, true, false}));
}

// Symbolic shapes that divide every tile (only the interior runs), a size-1 shape (only the
// edge tiles run) and one tile plus one row/column/step.
TEST(MatmulFast, SymbolicShapesOnCpu) {
  for (auto [m, n, k] : {std::array<int64_t, 3>{128, 256, 32}, {1, 1, 1}, {129, 129, 17}}) {
    Case c = fast_matmul(m, n, k, true);
    expect_close(eval::run_program(c.program, c.inputs, c.symbols), c,
                 "cpu " + shape_text(m, n, k));
  }
}

// The skinny specializations (M <= 1, M <= 8, M <= 64): which versions a call launches, and the
// numbers at dividing, non-dividing and size-1 shapes on the CPU evaluator.
TEST(MatmulFast, SkinnySpecializations) {
  Case c = fast_matmul(1, 64, 96, true, true);
  auto launched = [&](int64_t m, int64_t n, int64_t k) {
    std::unordered_map<const ir::ExprNode*, int64_t> syms;
    for (auto& s : c.program.symbols) {
      const auto& name = s.as<ir::Variable>()->name;
      syms[s.get()] = name == "M" ? m : name == "N" ? n : k;
    }
    std::vector<std::string> out;
    for (auto& kern : c.program.kernels) {
      int64_t g = 1;
      for (auto& e : kern.grid) g *= ir::eval_scalar(e, syms);
      if (g > 0) out.push_back(kern.name);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(launched(1, 4096, 4096), (V{"matmul_spec0_vec4"}));
  EXPECT_EQ(launched(8, 4096, 4096), (V{"matmul_spec1_vec4"}));
  EXPECT_EQ(launched(64, 4096, 4096), (V{"matmul_spec2_vec4"}));
  EXPECT_EQ(launched(24, 4096, 4096), (V{"matmul_spec2_vec4", "matmul_spec2_boundary"}));
  EXPECT_EQ(launched(65, 4096, 4096), (V{"matmul_vec4"}));  // one 128-row tile, partly
  EXPECT_EQ(launched(128, 4096, 4096), (V{"matmul_vec4"}));
  for (auto& k : c.program.kernels) {
    if (k.name.find("_spec") != std::string::npos) {
      EXPECT_EQ(k.variant.rfind("where ", 0), 0u) << k.name << ": " << k.variant;
    }
  }
  for (auto [m, n, k] : {std::array<int64_t, 3>{1, 64, 96},
                         {8, 32, 64},
                         {1, 1, 1},
                         {5, 37, 19},
                         {16, 70, 33},
                         {64, 32, 16},
                         {70, 40, 20}}) {
    Case d = fast_matmul(m, n, k, true, true);
    expect_close(eval::run_program(d.program, d.inputs, d.symbols), d,
                 "skinny " + shape_text(m, n, k));
  }
}

TEST(MatmulFast, SkinnyOnLavapipe) {
  // The interior vec4 GEMV (M = 1) and the guarded boundary of the 8-row version (M = 3);
  // the general version kept simple (lavapipe compiles every version).
  for (auto [m, n, k] : {std::array<int64_t, 3>{1, 128, 64}, {3, 37, 19}}) {
    expect_on_lavapipe(fast_matmul(m, n, k, true, true, true), "skinny_" + shape_text(m, n, k));
  }
}

TEST(MatmulFast, ConstantShapeOnLavapipe) {
  expect_on_lavapipe(fast_matmul(256, 128, 64, false), "const");
}

// The symbolic program through SPIR-V on lavapipe at one shape.
void check_symbolic_on_lavapipe(int64_t m, int64_t n, int64_t k, const std::string& tag) {
  expect_on_lavapipe(fast_matmul(m, n, k, true), tag);
}

// The vec4 interior version (every extent a multiple of its tile).
TEST(MatmulFast, SymbolicDividingShapeOnLavapipe) {
  check_symbolic_on_lavapipe(128, 256, 32, "dividing");
}

// The tail versions and the edge tiles.
TEST(MatmulFast, SymbolicTailShapeOnLavapipe) { check_symbolic_on_lavapipe(130, 136, 37, "tail"); }

// C = A B with symbolic M, N, K, scheduled by schedule(s, M, N, C, A, B), at m x n x k.
template <typename F>
Case symbolic_matmul(int64_t m, int64_t n, int64_t k, F&& schedule) {
  Case c;
  Var M("M"), N("N"), K("K");
  auto A = placeholder<f32>("A", {M, K});
  auto B = placeholder<f32>("B", {K, N});
  auto C = ops::matmul(A, B);
  Schedule s = create_schedule({C.op()});
  schedule(s, M, N, C.op(), A.op(), B.op());
  c.program = lower(s, "matmul_fast", {A.op(), B.op()}, {C.op()});
  c.outputs = {C.op()};
  c.inputs = {{"A", random_tensor({m, k}, 1)}, {"B", random_tensor({k, n}, 2)}};
  c.symbols = {{"M", m}, {"N", n}, {"K", k}};
  return c;
}

// C = A B (symbolic M, N, K) with every version of examples::schedule_any_shape.
Case any_shape_matmul(int64_t m, int64_t n, int64_t k, const examples::AnyShapeVersions& v) {
  return symbolic_matmul(m, n, k, [&](Schedule& s, Var M, Var N, auto C, auto A, auto B) {
    examples::schedule_any_shape(s, M, N, C, A, B, v);
  });
}

// The kernels a call launches (a non-empty grid).
std::vector<std::string> launched(const ir::Program& p, int64_t m, int64_t n, int64_t k) {
  std::unordered_map<const ir::ExprNode*, int64_t> syms;
  for (auto& s : p.symbols) {
    const auto& name = s.as<ir::Variable>()->name;
    syms[s.get()] = name == "M" ? m : name == "N" ? n : k;
  }
  std::vector<std::string> out;
  for (auto& kern : p.kernels) {
    int64_t g = 1;
    for (auto& e : kern.grid) g *= ir::eval_scalar(e, syms);
    if (g > 0) out.push_back(kern.name);
  }
  return out;
}

// Each small-problem and 8 < M <= 64 version measured on the GPU (the candidates of
// examples/matmul_fast/CMakeLists.txt): which version a call takes, and numbers against the
// CPU reference at dividing, non-dividing and size-1 shapes. small_below = 4: calls with fewer
// than four 128x128 tiles take the small version, so the CPU reference stays quick.
TEST(MatmulFast, AnyShapeVersionsOnCpu) {
  using examples::MatmulVersion;
  auto tiles = [](int64_t tm, int64_t tn, int64_t bm, int64_t bn, int64_t k) {
    return MatmulVersion{
        .kind = MatmulVersion::Kind::Tiles,
        .tiles = {.tile_m = tm, .tile_n = tn, .block_m = bm, .block_n = bn, .step_k = k}};
  };
  auto gemv = [](int64_t rows, int64_t cols, int64_t kt, int64_t ku) {
    return MatmulVersion{
        .kind = MatmulVersion::Kind::Gemv,
        .gemv = {.rows = rows, .cols = cols, .vec = 4, .k_threads = kt, .k_unroll = ku}};
  };
  const std::vector<std::pair<MatmulVersion, MatmulVersion>> pairs = {
      {tiles(64, 64, 4, 4, 16), tiles(32, 32, 4, 4, 16)},
      {tiles(64, 64, 8, 8, 16), tiles(16, 64, 2, 4, 16)},
      {tiles(64, 128, 8, 8, 16), gemv(8, 32, 16, 4)},
      {tiles(32, 64, 4, 4, 16), tiles(32, 64, 4, 4, 16)},
      {tiles(64, 64, 4, 4, 8), gemv(16, 16, 16, 4)},
      {tiles(64, 64, 4, 4, 16), tiles(64, 32, 4, 4, 16)},
  };
  for (auto& [small, m64] : pairs) {
    examples::AnyShapeVersions v;
    v.small = small, v.m64 = m64, v.small_below = 4;
    const std::string tag =
        "small " + std::to_string(small.tiles.tile_m) + "x" + std::to_string(small.tiles.tile_n) +
        "/" + std::to_string(small.tiles.block_m) + "/k" + std::to_string(small.tiles.step_k);
    Case c = any_shape_matmul(1, 1, 1, v);
    auto takes = [&](int64_t m, int64_t n, int64_t k, const std::string& prefix) {
      auto names = launched(c.program, m, n, k);
      ASSERT_FALSE(names.empty()) << tag;
      for (auto& name : names) {
        EXPECT_TRUE(name.rfind(prefix, 0) == 0 &&
                    (name.size() == prefix.size() || name[prefix.size()] == '_'))
            << tag << " " << m << "x" << n << "x" << k << ": " << name << ", want " << prefix;
      }
    };
    takes(1, 4096, 4096, "matmul_spec0");
    takes(64, 4096, 4096, "matmul_spec2");
    takes(128, 200, 4096, "matmul_spec3");  // 1 x 2 tiles of 128: small
    takes(1024, 1024, 1024, "matmul");      // 64 tiles of 128 >= 4
    takes(65, 512, 8, "matmul");            // 1 x 4 tiles
    for (auto& k : c.program.kernels) {
      if (k.name.rfind("matmul_spec3", 0) == 0) {
        EXPECT_NE(k.variant.find("< 4)"), std::string::npos) << k.name << ": " << k.variant;
      }
    }
    for (auto [m, n, k] : {std::array<int64_t, 3>{128, 128, 32},  // small, dividing
                           {100, 70, 37},                         // small, non-dividing
                           {65, 1, 1},                            // small, size-1 N and K
                           {64, 64, 32},                          // m64, dividing
                           {33, 70, 19},                          // m64, non-dividing
                           {9, 1, 1},                             // m64, size-1
                           {130, 260, 20}}) {                     // general
      Case d = any_shape_matmul(m, n, k, v);
      expect_close(eval::run_program(d.program, d.inputs, d.symbols), d,
                   tag + " " + shape_text(m, n, k));
    }
  }
}

// Split-K (examples::schedule_split_k): C = A B as partial sums over parts of `split_k` k
// values (the fast schedule, parts over workgroup_id.z) and a second kernel summing them.
Case split_k_matmul(int64_t m, int64_t n, int64_t k, int64_t split_k) {
  return symbolic_matmul(m, n, k, [&](Schedule& s, Var, Var, auto C, auto A, auto B) {
    examples::schedule_split_k(s, C, A, B, {.tile_m = 32, .tile_n = 32, .block_m = 4, .block_n = 4},
                               split_k);
  });
}

// The partial sums' tiles keep a constant size with symbolic K (the factored part's reads are
// not clamped); numbers at dividing, non-dividing, size-1 and K < split_k shapes.
TEST(MatmulFast, SplitKOnCpu) {
  for (auto [m, n, k] : {std::array<int64_t, 3>{64, 64, 128},
                         {33, 70, 100},
                         {1, 1, 1},
                         {8, 40, 20},
                         {64, 32, 64 + 16 + 3}}) {
    Case c = split_k_matmul(m, n, k, 32);
    const std::string tag = "split-K " + shape_text(m, n, k);
    EXPECT_EQ(launched(c.program, m, n, k).size(), 2u) << tag;  // partials, then their sum
    expect_close(eval::run_program(c.program, c.inputs, c.symbols), c, tag);
  }
}

TEST(MatmulFast, SplitKOnLavapipe) {
  for (auto [m, n, k] : {std::array<int64_t, 3>{32, 64, 96}, {9, 37, 50}}) {
    expect_on_lavapipe(split_k_matmul(m, n, k, 32), "splitk_" + shape_text(m, n, k));
  }
}

// Split-K as the M <= 8 and M <= 64 versions: the partial sums are a root stage only those
// specializations have, so lowering gives them their own tensor (empty for calls that take
// another version) and kernels, launched before the sum.
TEST(MatmulFast, SplitKVersionsOnCpu) {
  using examples::MatmulVersion;
  examples::AnyShapeVersions v;
  v.m8 = MatmulVersion{.kind = MatmulVersion::Kind::SplitK,
                       .tiles = {.tile_m = 8, .tile_n = 32, .block_m = 2, .block_n = 4},
                       .split_k = 32};
  v.m64 = MatmulVersion{.kind = MatmulVersion::Kind::SplitK,
                        .tiles = {.tile_m = 32, .tile_n = 32, .block_m = 4, .block_n = 4},
                        .split_k = 64};
  v.small_below = 4;
  Case c = any_shape_matmul(1, 1, 1, v);
  using V = std::vector<std::string>;
  EXPECT_EQ(launched(c.program, 64, 4096, 4096),
            (V{"matmul_spec2_rf_vec4", "matmul_spec2"}));  // partials, then their sum
  EXPECT_EQ(launched(c.program, 64, 4095, 4096), (V{"matmul_spec2_rf", "matmul_spec2"}));
  EXPECT_FALSE(launched(c.program, 8, 4096, 4096).empty());
  for (auto& name : launched(c.program, 8, 4096, 4096))
    EXPECT_EQ(name.rfind("matmul_spec1", 0), 0u) << name;
  EXPECT_EQ(launched(c.program, 1, 4096, 4096)[0].rfind("matmul_spec0", 0), 0u);
  // One partial-sum tensor per split-K version, sized only when its version runs.
  std::unordered_map<const ir::ExprNode*, int64_t> syms;
  for (auto& sym : c.program.symbols) {
    const auto& name = sym.as<ir::Variable>()->name;
    syms[sym.get()] = name == "M" ? 64 : 4096;
  }
  int partials = 0;
  for (auto& t : c.program.tensors) {
    if (t.role != ir::TensorRole::Intermediate) continue;
    ++partials;
    int64_t first = ir::eval_scalar(t.buffer->shape[0], syms);
    EXPECT_EQ(first, t.buffer->name == "matmul.rf" ? 0 : 4096 / 64) << t.buffer->name;
  }
  EXPECT_EQ(partials, 2);
  for (auto [m, n, k] : {std::array<int64_t, 3>{64, 64, 128},  // m64, dividing
                         {33, 70, 100},                        // m64, non-dividing
                         {9, 1, 1},                            // m64, size-1
                         {8, 64, 64},                          // m8, dividing
                         {5, 37, 40},                          // m8, non-dividing
                         {2, 1, 1},                            // m8, size-1
                         {1, 40, 33}}) {                       // m1 (GEMV)
    Case d = any_shape_matmul(m, n, k, v);
    expect_close(eval::run_program(d.program, d.inputs, d.symbols), d,
                 "split-K versions " + shape_text(m, n, k));
  }
}

// y = x copied with a split by 4 and the inner loop vectorized.
ir::Program vector_copy(int64_t n, int64_t offset) {
  auto x = placeholder<f32>("x", {n + offset});
  auto y = compute(
      {n}, [&](Var i) { return x(i + offset); }, "y");
  Schedule s = create_schedule({y.op()});
  auto& st = s[y.op()];
  auto [o, v] = st.split(st.axis(0), 4);
  st.bind(o, ir::ThreadAxis::LocalId, 0).vectorize(v);
  return lower(s, "copy", {x.op()}, {y.op()});
}
ir::Kernel vector_copy_kernel(int64_t n, int64_t offset) {
  return vector_copy(n, offset).kernels.at(0);
}

TEST(MatmulFast, VectorizeOnlyProvablyAlignedCopies) {
  EXPECT_EQ(count(vector_copy_kernel(16, 0).body).vector_copies, 1);
  EXPECT_EQ(count(vector_copy_kernel(16, 4).body).vector_copies, 1);
  EXPECT_EQ(count(vector_copy_kernel(18, 0).body).vector_copies, 0);  // y has 18 elements
  // x[i + 1] is misaligned: y's store is still one vector, of four scalar loads of x.
  auto k = vector_copy_kernel(16, 1);
  EXPECT_EQ(count(k.body).vector_copies, 1);
  auto lanes = ir::buffer_lanes(k.body);
  EXPECT_EQ(lanes.size(), 1u);
  EXPECT_EQ(lanes.begin()->first->name, "y");
  // And every version copies: run_program against the input shifted by the offset.
  for (auto [n, off] : {std::pair<int64_t, int64_t>{16, 0}, {16, 1}, {16, 4}, {18, 0}}) {
    auto x = random_tensor({n + off}, 3);
    auto got = eval::run_program(vector_copy(n, off), {{"x", x}});
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ(got.at("y").get_f(i), x.get_f(i + off)) << "n " << n << " offset " << off;
  }
}

}  // namespace
}  // namespace webtx::matmul_fast_test
