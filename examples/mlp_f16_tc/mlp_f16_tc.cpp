// mlp_f16_tc: the MLP of examples/mlp (y = relu(relu(x W1 + b1) W2 + b2)) at sizes where tensor
// cores matter, with the same tensor names. One source, three builds (examples/CMakeLists.txt):
//   mlp_f16_tc     f16 storage, f32 sums, for TARGETS webgpu-subgroup-matrix webgpu-large-f16:
//                  on a target with subgroup matrices each layer's matmul is tensorized
//                  (Stage::tensorize) and its bias + relu is a kernel of its own;
//                  elsewhere (the fallback variant) both layers take the tiled schedule of
//                  examples/mlp with bias and relu fused
//   mlp_f32_wide   dtype=f32, target webgpu-large: the f32 model the f16 one is measured against
//   mlp_f16_tc_small  small sizes for the CI checks (Tint on Dawn's null backend, spirv-val)
// PARAMS: in, hidden, out (features; multiples of the tile, 128 by default), dtype=f16|f32,
// bm, bn, bk, sgm, sgn (the tensorized layers' TensorizeConfig). batch is symbolic; the
// tensorized variant needs it to be a multiple of bm (checked per call, naming the axis).
#include <string>

#include <webtx/generator.hpp>
#include <webtx/generator_target.hpp>

#include "matmul/tiled_matmul.hpp"
#include "ops/mlp.hpp"

using namespace webtx;

namespace {

template <typename T>
void build(ModelContext& ctx, int64_t in, int64_t hidden, int64_t out, bool tensor_cores,
           const TensorizeConfig& cfg) {
  Var batch("batch");
  auto x = ctx.input<T>("x", {batch, in});
  auto w1 = ctx.weight<T>("w1", {in, hidden});
  auto b1 = ctx.weight<T>("b1", {hidden});
  auto w2 = ctx.weight<T>("w2", {hidden, out});
  auto b2 = ctx.weight<T>("b2", {out});
  auto y = ops::mlp<T, f32>(x, w1, b1, w2, b2);
  auto& s = ctx.schedule(y);
  if (tensor_cores) {
    // Each "<layer>_matmul" (sum of f32 products of f16 reads) on subgroup matrices. Each
    // "<layer>_relu" (bias, relu, rounding to f16) is left to auto_schedule: tensorized kernels
    // fuse no epilogue, so it is a kernel of its own (auto_schedule does not inline an operand
    // of a tensorized stage into it), its injective rule putting the symbolic batch on grid y
    // (batch * hidden elements overflow a 1-D grid of 65535 workgroups from batch 4096 on).
    for (auto& st : s.stages())
      if (st->name() == "layer1_matmul" || st->name() == "layer2_matmul")
        st->tensorize(st->axis(0), st->axis(1), st->reduce_axis(0), cfg);
  } else {
    examples::schedule_dense_layers(s, {"layer1", "layer2"}, &batch);
  }
  ctx.output("y", y);
}

}  // namespace

WEBTX_MODEL(mlp_f16_tc, ctx) {
  const int64_t in = ctx.param<int64_t>("in", 1024);
  const int64_t hidden = ctx.param<int64_t>("hidden", 4096);
  const int64_t out = ctx.param<int64_t>("out", 1024);
  const std::string dtype = ctx.param<std::string>("dtype", "f16");
  user_assert(dtype == "f16" || dtype == "f32")
      << "model mlp_f16_tc: parameter 'dtype' is '" << dtype << "': expected f16 or f32";
  TensorizeConfig c;  // 128 x 128 tiles of 2 x 2 subgroups: the best f32-accumulation tile at 4096
  c.block_m = ctx.param<int64_t>("bm", 128);
  c.block_n = ctx.param<int64_t>("bn", 128);
  c.block_k = ctx.param<int64_t>("bk", c.block_k);
  c.subgroups_m = static_cast<int>(ctx.param<int64_t>("sgm", 2));
  c.subgroups_n = static_cast<int>(ctx.param<int64_t>("sgn", 2));
  if (dtype == "f32") return build<f32>(ctx, in, hidden, out, false, c);
  build<f16>(ctx, in, hidden, out, generator_target().has(Feature::SubgroupMatrix), c);
}
