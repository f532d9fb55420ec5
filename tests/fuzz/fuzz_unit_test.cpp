// The fuzzer's own parts: recipes round-trip through JSON, generation is deterministic and
// mostly legal, and the shrinker reduces a failing recipe to a minimal one.
#include <gtest/gtest.h>

#include <regex>

#include "engines.hpp"
#include "generate.hpp"
#include "shrink.hpp"
#include "webtx/codegen/wgsl.hpp"
#include "webtx/ir/scalar_eval.hpp"
#include "webtx/lower/arith.hpp"
#include "webtx/lower/constant_index.hpp"

namespace webtx::fuzz {
namespace {

TEST(FuzzRecipe, JsonRoundTripAndDeterminism) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Recipe r = generate(seed);
    std::string j = to_json(r);
    EXPECT_EQ(to_json(recipe_from_json(j)), j) << "seed " << seed;
    EXPECT_EQ(to_json(generate(seed)), j) << "seed " << seed << ": not deterministic";
  }
}

TEST(FuzzRecipe, GeneratedProgramsLowerAndMatchTheReferenceOnTheCpu) {
  int ok = 0, trimmed = 0;
  for (uint64_t seed = 1000; seed < 1040; ++seed) {
    Recipe r = generate(seed);
    size_t steps = r.steps.size();
    std::string why;
    ASSERT_TRUE(legalize(r, &why)) << "seed " << seed << ": " << why;
    trimmed += r.steps.size() != steps;
    auto p = prepare(r);
    run_native(*p, nullptr);
    for (auto& f : p->findings)
      ADD_FAILURE() << "seed " << seed << ": " << f.engine << " " << f.kind << ": " << f.detail;
    ok += p->findings.empty();
    EXPECT_FALSE(p->program.kernels.empty());
  }
  EXPECT_GT(ok, 35);
  EXPECT_LT(trimmed, 30) << "most random schedules should lower as generated";
}

// Seed 8064's schedule gives each invocation an 18 KB private array (NVIDIA's driver fails the
// pipeline, WGSL allows 8 KB): lowering rejects it by name, and the generator trims the step
// like any other rejected schedule, never an engine error.
TEST(FuzzRecipe, PrivateMemoryOverTheLimitIsARejectedSchedule) {
  Recipe r = generate(8064);
  // The generated steps up to the one that puts the private cache inside the copy-out (the
  // later ones are rejected for other reasons and trimmed first).
  auto at = std::find_if(r.steps.begin(), r.steps.end(), [](const Step& s) {
    return s.op == "compute_at" && s.stage == "t4_private";
  });
  ASSERT_NE(at, r.steps.end());
  r.steps.erase(at + 1, r.steps.end());
  try {
    prepare(r);
    ADD_FAILURE() << "seed 8064 lowers";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("stage 't4_private': 18432); target 'webgpu' allows 8192 "
                                         "(maxPrivateStorageSize)"),
              std::string::npos)
        << e.what();
  }
  const size_t steps = r.steps.size();
  ASSERT_TRUE(legalize(r));
  EXPECT_EQ(r.steps.size(), steps - 1);
  auto p = prepare(r);
  run_native(*p, nullptr);
  EXPECT_TRUE(p->findings.empty()) << p->findings[0].detail;
  // The case file's field round-trips.
  r.rejected = "maxPrivateStorageSize";
  EXPECT_EQ(recipe_from_json(to_json(r)).rejected, r.rejected);
}

// The accesses to fixed-size private/workgroup buffers whose index may leave the buffer for
// some value of the enclosing loops, lets and thread indices, guards ignored.
class MayLeave : public ir::IRVisitor {
 public:
  explicit MayLeave(const ir::Kernel& k) {
    for (int d = 0; d < 3; ++d) threads_[d] = k.workgroup_size[d];
  }
  std::vector<std::string> found;
  void visit_For(const ir::For& op) override {
    auto mn = lowering::const_bounds(op.min, ranges_, &threads_),
         ex = lowering::const_bounds(op.extent, ranges_, &threads_);
    if (mn && ex) ranges_[op.var.get()] = {mn->lo, mn->hi + ex->hi - 1};
    ir::IRVisitor::visit_For(op);
  }
  void visit_LetStmt(const ir::LetStmt& op) override {
    if (auto b = lowering::const_bounds(op.value, ranges_, &threads_)) ranges_[op.var.get()] = *b;
    ir::IRVisitor::visit_LetStmt(op);
  }
  void visit_Load(const ir::Load& op) override {
    check(*op.buffer, op.index, op.lanes);
    ir::IRVisitor::visit_Load(op);
  }
  void visit_Store(const ir::Store& op) override {
    check(*op.buffer, op.index, op.lanes);
    ir::IRVisitor::visit_Store(op);
  }

 private:
  void check(const ir::BufferNode& b, const ir::Expr& index, int lanes) {
    auto n = lowering::fixed_size(b);
    auto r = n ? lowering::const_bounds(index, ranges_, &threads_) : std::nullopt;
    if (n && (!r || r->lo < 0 || r->hi + lanes > *n))
      found.push_back(b.name + " (" + std::to_string(*n) + " elements): index in [" +
                      (r ? std::to_string(r->lo) + ", " + std::to_string(r->hi) : "?") + "]");
  }
  lowering::RangeMap ranges_;
  std::array<int64_t, 6> threads_{0, 0, 0, 0, 0, 0};
};

// Seed 8510 crashed NVIDIA's shader compiler (SIGSEGV in vkCreateComputePipelines, driver 580)
// on kernel t3: a 5-iteration loop over a tile row, all but its first iteration dead behind
// `t3_0 + i < t3_0 + 1`, indexed the 3-element private cache up to 13; the driver unrolled it
// into constant out-of-bounds accesses. The simplifier now cancels the common term and shrinks
// the loop to the iterations its guard lets run: every index is in bounds by its loops alone.
TEST(FuzzRecipe, Seed8510PrivateCacheIndicesInBoundsWithoutGuards) {
  Recipe r = generate(8510);
  ASSERT_TRUE(legalize(r));
  auto p = prepare(r);
  ASSERT_TRUE(p->findings.empty()) << p->findings[0].detail;
  int t3 = 0;
  for (auto& k : p->program.kernels) {
    if (k.name != "t3") continue;  // (t7 indexes a workgroup cache by a guarded local id)
    ++t3;
    MayLeave m(k);
    m.visit(k.body);
    EXPECT_TRUE(m.found.empty()) << m.found[0];
    // No constant index of 3 or more into the private cache in the WGSL either.
    std::string w = codegen::emit_wgsl(k);
    std::regex lit(R"(t3_private\[(\d+)i\])");
    for (std::sregex_iterator i(w.begin(), w.end(), lit), e; i != e; ++i)
      EXPECT_LT(std::stoi((*i)[1]), 3) << w;
    EXPECT_EQ(w.find("t3_0_inner"), std::string::npos) << w;
  }
  EXPECT_EQ(t3, 1);
  run_native(*p, nullptr);
  EXPECT_TRUE(p->findings.empty()) << p->findings[0].detail;
}

TEST(FuzzShrink, ReducesToTheNodeThatFails) {
  // "Fails" while the program still has a stencil reading a symbolic dimension: the shrinker
  // must drop everything else.
  Recipe r;
  for (uint64_t seed = 1;; ++seed) {
    r = generate(seed, {6, false});
    legalize(r);
    bool stencil = false;
    for (auto& n : r.nodes) stencil = stencil || n.kind == NodeKind::Stencil;
    if (stencil && r.nodes.size() >= 6 && !r.steps.empty()) break;
  }
  auto fails = [](const std::vector<Recipe>& cands) {
    std::vector<bool> out;
    for (auto& c : cands) {
      bool f = false;
      try {
        auto p = prepare(c);
        for (auto& n : c.nodes) f = f || n.kind == NodeKind::Stencil;
      } catch (const std::exception&) {
      }
      out.push_back(f);
    }
    return out;
  };
  Recipe small = shrink(r, fails);
  int stencils = 0;
  for (auto& n : small.nodes) stencils += n.kind == NodeKind::Stencil;
  EXPECT_EQ(stencils, 1) << to_json(small);
  EXPECT_TRUE(small.steps.empty()) << to_json(small);
  EXPECT_LE(small.nodes.size(), 3u) << to_json(small);  // the stencil, its input and weights
  for (auto& d : small.dims) EXPECT_TRUE(d.sym.empty()) << to_json(small);
}

// Row ops (generate.cpp, row_op): an elementwise op reading its input and that input's row
// reductions along the row, left to auto_schedule. Among the seeds CI runs, some reach the
// row rule with rows shared out over two workgroups (row_groups): a kernel whose grid has
// more than one workgroup along y for one row, each reducing the whole row itself.
TEST(FuzzRecipe, RowOpsReachRowsSharedOutOverWorkgroups) {
  int row_ops = 0, shared = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    Recipe r = generate(seed);
    ASSERT_TRUE(legalize(r)) << "seed " << seed;
    bool row_read = false, groups = false;
    for (auto& n : r.nodes) row_read = row_read || n.expr.find("(row ") != std::string::npos;
    for (auto& st : r.steps) groups = groups || (st.op == "auto_schedule" && st.args.size() > 3);
    row_ops += row_read;
    if (!row_read || !groups) continue;
    auto p = prepare(r);
    for (auto& k : p->program.kernels) {
      ir::ScalarBindings b;
      for (auto& v : k.scalars) b[v.get()] = p->built.symbols.at(v.as<ir::Variable>()->name);
      if (k.grid[1].defined() && ir::eval_scalar(k.grid[1], b) > 1) {
        ++shared;
        break;
      }
    }
    run_native(*p, nullptr);
    EXPECT_TRUE(p->findings.empty()) << "seed " << seed << ": " << p->findings[0].detail;
  }
  EXPECT_GE(row_ops, 20);
  EXPECT_GE(shared, 3);
}

// (row k) reads are renumbered like (in k) when an operand goes.
TEST(FuzzShrink, DropUnusedRenumbersRowReads) {
  Recipe r;
  r.dims = {{"", 3}, {"", 5}};
  Node x, y, red, out;
  x.name = "in0", y.name = "in1";
  x.shape = y.shape = {{0, 0}, {1, 0}};
  red.name = "t2", red.kind = NodeKind::Reduce, red.shape = {{0, 0}}, red.operands = {0};
  red.reduce_axes = {1}, red.expr = "(in 0)";
  out.name = "t3", out.kind = NodeKind::Elementwise, out.shape = x.shape;
  out.operands = {1, 0, 2}, out.expr = "(sub (in 1) (row 2))";
  r.nodes = {x, y, red, out};
  r.outputs = {3};
  Recipe d = drop_unused(r);
  ASSERT_EQ(d.nodes.size(), 3u);
  EXPECT_EQ(d.nodes[2].expr, "(sub (in 0) (row 1))");
  EXPECT_EQ(d.nodes[2].operands, (std::vector<int>{0, 1}));
  auto p = prepare(d);
  run_native(*p, nullptr);
  EXPECT_TRUE(p->findings.empty()) << p->findings[0].detail;
}

TEST(FuzzShrink, DropUnusedRenumbers) {
  Recipe r = generate(7);
  r.outputs = {r.outputs.back()};
  Recipe d = drop_unused(r);
  for (auto& n : d.nodes)
    for (int o : n.operands) EXPECT_LT(o, static_cast<int>(d.nodes.size()));
  EXPECT_NO_THROW(build_graph(d));
}

}  // namespace
}  // namespace webtx::fuzz
