// tensorize's SPIR-V (SPV_KHR_cooperative_matrix): every variant validated by spirv-val from
// Debian 13's SPIRV-Tools (scripts/webtx setup; Debian 12's 2023.1 predates the extension), and
// the native runtime's refusal of a device without cooperative matrices (lavapipe has none).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "webtx/codegen/spirv.hpp"
#include "webtx/lower.hpp"
#include "webtx/runtime/vulkan/device.hpp"
#include "webtx/schedule.hpp"

namespace webtx {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const Target kTarget = target_by_name("webgpu-subgroup-matrix");

ir::Program tensorized(int64_t n, bool nt, ir::DType acc, const TensorizeConfig& c,
                       bool symbolic = false) {
  auto ext = [&](const char* s) {
    return symbolic ? ir::Variable::make(ir::DType::i32(), s) : ir::Expr(static_cast<int>(n));
  };
  ir::Expr M = ext("M"), N = ext("N"), K = ext("K");
  auto a = ir::make_placeholder("A", ir::DType::f16(), {M, K});
  auto b = ir::make_placeholder("B", ir::DType::f16(), nt ? std::vector{N, K} : std::vector{K, N});
  auto k = ir::make_iter_var(ir::Variable::make(ir::DType::i32(), "k"), 0, K, ir::IterKind::Reduce);
  auto i =
      ir::make_iter_var(ir::Variable::make(ir::DType::i32(), "i"), 0, M, ir::IterKind::DataPar);
  auto j =
      ir::make_iter_var(ir::Variable::make(ir::DType::i32(), "j"), 0, N, ir::IterKind::DataPar);
  ir::Expr x = ir::ProducerLoad::make(a, {i->var, k->var});
  ir::Expr y = nt ? ir::ProducerLoad::make(b, {j->var, k->var})
                  : ir::ProducerLoad::make(b, {k->var, j->var});
  if (acc == ir::DType::f32()) x = ir::Cast::make(acc, x), y = ir::Cast::make(acc, y);
  auto cop =
      ir::make_compute("C", {i, j}, ir::Reduce::make(ir::ReduceOp::Sum, ir::Mul::make(x, y), {k}));
  auto s = create_schedule({cop});
  auto& st = s[cop];
  st.tensorize(st.axis(0), st.axis(1), st.reduce_axis(0), c);
  LowerOptions lo;
  lo.target = kTarget;
  return lower(s, "mm", {a, b}, {cop}, lo);
}

// spirv-val of Debian 13 on `words`; "" when valid.
std::string khr_validate(const std::vector<uint32_t>& words, const std::string& name) {
  std::filesystem::create_directories(WEBTX_SPV_KHR_DIR);
  std::string path = std::string(WEBTX_SPV_KHR_DIR) + "/" + name + ".spv";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(words.data()),
             static_cast<std::streamsize>(words.size() * 4));
  std::string out = path + ".val.txt";
  std::string cmd =
      std::string(WEBTX_SPIRV_VAL_KHR) + " --target-env vulkan1.1 " + path + " > " + out + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::stringstream msg;
  msg << std::ifstream(out).rdbuf();
  return rc == 0 ? "" : "exit " + std::to_string(rc) + ": " + msg.str();
}

TEST(SpirvTensorize, ValidatorKnowsCooperativeMatrices) {
  ASSERT_TRUE(std::filesystem::exists(WEBTX_SPIRV_VAL_KHR))
      << WEBTX_SPIRV_VAL_KHR << " is missing: run scripts/webtx setup";
}

TEST(SpirvTensorize, EveryVariantValidates) {
  struct V {
    const char* name;
    int64_t n;
    bool nt;
    ir::DType acc;
    TensorizeConfig c;
    bool symbolic;
  };
  TensorizeConfig anchor;  // 128 x 256, 8 subgroups, BK 32, single buffer
  TensorizeConfig db;
  db.block_m = 128, db.block_n = 128, db.subgroups_m = 2, db.subgroups_n = 2;
  db.double_buffer = true;
  TensorizeConfig n8 = db;
  n8.n = 8, n8.k = 8;
  TensorizeConfig big;
  big.block_m = 256, big.block_n = 256;
  std::vector<V> vs = {{"nn_f32", 1024, false, ir::DType::f32(), anchor, false},
                       {"nt_f32", 1024, true, ir::DType::f32(), anchor, false},
                       {"nn_f16", 1024, false, ir::DType::f16(), big, false},
                       {"nt_db", 512, true, ir::DType::f32(), db, false},
                       {"nn_16x8x8", 512, false, ir::DType::f32(), n8, false},
                       {"nn_symbolic", 0, false, ir::DType::f32(), anchor, true}};
  for (auto& v : vs) {
    ir::Program p = tensorized(v.n, v.nt, v.acc, v.c, v.symbolic);
    auto m = codegen::spirv::compile_kernel(p.kernels.at(0), kTarget);
    EXPECT_TRUE(m.cooperative_matrix) << v.name;
    EXPECT_THAT(m.disassembly(), HasSubstr("SPV_KHR_cooperative_matrix")) << v.name;
    EXPECT_EQ(khr_validate(m.words, v.name), "") << v.name;
  }
}

// A broken module must fail, so the check above can fail: a cooperative-matrix load whose
// stride operand is a float constant.
TEST(SpirvTensorize, ValidatorRejectsABrokenModule) {
  ir::Program p = tensorized(256, false, ir::DType::f32(), TensorizeConfig{});
  auto words = codegen::spirv::compile_kernel(p.kernels.at(0), kTarget).words;
  // Drop the OpCapability CooperativeMatrixKHR instruction (opcode 17, word count 2).
  bool dropped = false;
  for (size_t i = 5; i + 1 < words.size(); i += words[i] >> 16) {
    if (words[i] == ((2u << 16) | 17u) && words[i + 1] == 6022u) {
      words.erase(words.begin() + static_cast<long>(i), words.begin() + static_cast<long>(i) + 2);
      dropped = true;
      break;
    }
  }
  ASSERT_TRUE(dropped);
  EXPECT_THAT(khr_validate(words, "broken"), HasSubstr("CooperativeMatrixKHR"));
}

TEST(SpirvTensorize, VulkanRefusesADeviceWithoutCooperativeMatrices) {
  runtime::vulkan::VulkanDevice dev;
  if (dev.info().cooperative_matrix) GTEST_SKIP() << dev.info().name << " has them";
  ir::Program p = tensorized(256, false, ir::DType::f32(), TensorizeConfig{});
  auto m = codegen::spirv::compile_kernel(p.kernels.at(0), kTarget);
  runtime::vulkan::PipelineLayoutDesc d;
  d.name = "mm";
  d.num_storage_buffers = 3;
  d.workgroup_size = {256, 1, 1};
  d.uses_f16 = true;
  d.subgroup_matrix_size = 32;
  try {
    dev.create_pipeline(m.words, d);
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_THAT(std::string(e.what()),
                AllOf(HasSubstr("kernel 'mm'"), HasSubstr("chromium-experimental-subgroup-matrix"),
                      HasSubstr("VK_KHR_cooperative_matrix"), HasSubstr(dev.info().name)));
  }
}

}  // namespace
}  // namespace webtx
