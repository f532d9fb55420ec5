// examples/mlp_f16_tc on the CPU reference: the model built for webgpu-subgroup-matrix (both
// matmuls tensorized) and for its fallback webgpu-large-f16, lowered as the generator lowers
// it, then run by run_program (MatrixOps evaluated exactly, 32-invocation subgroups) against
// the unscheduled graph; a batch the tile does not divide is refused naming the axis.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <webtx/eval.hpp>
#include <webtx/generator.hpp>
#include <webtx/generator_target.hpp>
#include <webtx/ir/printer.hpp>
#include <webtx/ir/scalar_eval.hpp>

namespace webtx {
namespace {

struct Built {
  std::unique_ptr<ModelContext> ctx;
  ir::Program program;
};

// The model for `target`, by default at small sizes (in 64, hidden 128, out 128; tiles of
// 128 x 128).
Built build(const std::string& target, const std::map<std::string, std::string>& params = {
                                           {"in", "64"}, {"hidden", "128"}, {"out", "128"}}) {
  const Target t = target_by_name(target);
  set_generator_target(t);
  Built b;
  b.ctx = std::make_unique<ModelContext>("mlp_f16_tc");
  b.ctx->set_params(params);
  for (auto& m : registered_models())
    if (m.name == "mlp_f16_tc") m.fn(*b.ctx);
  b.program = lower_model(*b.ctx, false, t);
  set_generator_target(target_by_name("webgpu"));
  return b;
}

// Inputs and weights on a 1/64 grid in [-1, 1) (exact in f16), from a fixed seed.
eval::TensorMap inputs(const ModelContext& ctx, int64_t batch) {
  eval::TensorMap in;
  uint32_t s = 12345;
  for (auto& op : ctx.inputs()) {
    std::vector<int64_t> shape;
    for (auto& e : op->shape) shape.push_back(ir::as_const(e) ? *ir::as_const(e) : batch);
    eval::HostTensor t(op->type, shape);
    for (int64_t i = 0; i < t.size(); ++i) {
      s = s * 1664525u + 1013904223u;
      t.set_f(i, static_cast<double>(static_cast<int>(s >> 25) - 64) / 64.0);
    }
    in[op->name] = std::move(t);
  }
  return in;
}

// run_program's y against evaluate_graph's: layer 2 sums f16 products of layer 1's rounded
// outputs in a different order (exact in double then rounded, vs f32 steps), which may move
// an f16 result by one ulp.
void check_against_graph(const Built& b, int64_t batch) {
  auto in = inputs(*b.ctx, batch);
  auto got = eval::run_program(b.program, in, {{"batch", batch}});
  std::vector<ir::Operation> outs;
  for (auto& [name, op] : b.ctx->outputs()) outs.push_back(op);
  auto want = eval::evaluate_graph(outs, in, {{"batch", batch}});
  const auto& y = got.at("y");
  const auto& r = want.at(outs[0]->name);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{batch, 128}));
  ASSERT_EQ(r.shape, y.shape);
  int nonzero = 0;
  for (int64_t i = 0; i < y.size(); ++i) {
    const double e = std::abs(y.get_f(i) - r.get_f(i));
    ASSERT_LE(e, 1e-3 * std::max(1.0, std::abs(r.get_f(i)))) << "element " << i;
    nonzero += r.get_f(i) != 0;
  }
  EXPECT_GT(nonzero, y.size() / 8);  // relu leaves enough to compare
}

int tensorized_kernels(const ir::Program& p) {
  int n = 0;
  for (auto& k : p.kernels) n += k.subgroup_matrix_size == 32;
  return n;
}

TEST(MlpF16Tc, TensorizedMatchesTheGraph) {
  Built b = build("webgpu-subgroup-matrix");
  EXPECT_EQ(tensorized_kernels(b.program), 2);  // each layer's matmul; bias + relu elsewhere
  EXPECT_EQ(b.program.kernels.size(), 4u);
  check_against_graph(b, 256);
}

TEST(MlpF16Tc, FallbackMatchesTheGraph) {
  Built b = build("webgpu-large-f16");
  EXPECT_EQ(tensorized_kernels(b.program), 0);
  check_against_graph(b, 5);
}

TEST(MlpF16Tc, BatchNotAMultipleOfTheTileIsRefused) {
  Built b = build("webgpu-subgroup-matrix");
  try {
    eval::run_program(b.program, inputs(*b.ctx, 100), {{"batch", 100}});
    FAIL() << "batch 100 accepted";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("layer1_matmul"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("multiple of block_m 128"));
  }
}

// The model at its default sizes (in 1024, hidden 4096, out 1024), lowered only: every
// kernel's grid, as the manifest carries it, evaluated for batches up to 16384 (one 1-D grid
// of 256 invocations over layer 1's batch x 4096 outputs would be 65536 workgroups at 4096,
// which the runtimes refuse) fits the target's limit per dimension, and each bias + relu
// kernel's grid covers its outputs.
TEST(MlpF16Tc, GridsFitTheLimitAtLargeBatches) {
  const Target t = target_by_name("webgpu-subgroup-matrix");
  Built b = build("webgpu-subgroup-matrix", {});
  EXPECT_EQ(tensorized_kernels(b.program), 2);
  int relu = 0;
  for (int64_t batch : {128, 4096, 8192, 16384}) {
    for (auto& k : b.program.kernels) {
      ir::ScalarBindings syms;
      for (auto& v : k.scalars)
        if (ir::to_string(v) == "batch") syms[v.get()] = batch;
      int64_t groups = 1;
      for (int d = 0; d < 3; ++d) {
        const int64_t g = ir::eval_scalar(k.grid[d], syms);
        EXPECT_GE(g, 1) << k.name << " grid " << d << " at batch " << batch;
        EXPECT_LE(g, t.limits.maxComputeWorkgroupsPerDimension)
            << k.name << " grid " << d << " = " << ir::to_string(k.grid[d]) << " at batch "
            << batch;
        groups *= g * k.workgroup_size[d];
      }
      if (k.name == "layer1_relu" || k.name == "layer2_relu") {
        relu += batch == 8192;
        EXPECT_GE(groups, batch * (k.name == "layer1_relu" ? 4096 : 1024)) << k.name;
      }
    }
  }
  EXPECT_EQ(relu, 2);  // both bias + relu kernels, one version each
}

}  // namespace
}  // namespace webtx
