// What the emitted modules must avoid because a real driver gets it wrong, though lavapipe runs
// it right (docs/spirv.md, "Driver portability"): checked on the words of the module, before
// and after spirv-opt. The numbers behind each rule are checked on the NVIDIA H100 by the
// SpirvDtypes and SpirvLowered tests; lavapipe cannot show the difference.
#include <spirv/unified1/spirv.hpp11>

#include <map>
#include <set>

#include "hand_kernels.hpp"
#include "vk_test_util.hpp"

namespace webtx::spirv_test {
namespace {

// One instruction of a module: opcode and operand words.
struct Inst {
  ::spv::Op op;
  std::vector<uint32_t> w;
};

std::vector<Inst> instructions(const std::vector<uint32_t>& words) {
  std::vector<Inst> out;
  for (size_t i = 5; i < words.size();) {  // after the 5-word header
    uint32_t count = words[i] >> ::spv::WordCountShift;
    EXPECT_GT(count, 0u) << "malformed module at word " << i;
    if (count == 0 || i + count > words.size()) break;
    out.push_back({static_cast<::spv::Op>(words[i] & ::spv::OpCodeMask),
                   std::vector<uint32_t>(words.begin() + static_cast<long>(i) + 1,
                                         words.begin() + static_cast<long>(i + count))});
    i += count;
  }
  return out;
}

// Both forms of a kernel's module: as emitted, and validated + optimised.
std::vector<std::pair<std::string, std::vector<uint32_t>>> both_forms(const Kernel& k) {
  return {{"emitted", codegen::spirv::emit_kernel(k, test_target())},
          {"optimised", codegen::spirv::compile_kernel(k, test_target()).words}};
}

// A NonWritable storage buffer that shares its Block struct type with a writable one makes the
// NVIDIA driver (580) read the writable buffer through its read-only path: a kernel that
// accumulates into a buffer reads stale values. Every storage buffer gets its own block type.
TEST(SpirvPortability, EachStorageBufferHasItsOwnBlockType) {
  // Two read-only inputs and the written output, all arrays of f32: one layout, three types.
  for (auto& [form, words] : both_forms(vector_add().kernels[0])) {
    std::map<uint32_t, uint32_t> pointee;             // pointer type -> pointee type
    std::set<uint32_t> non_writable;                  // variables
    std::vector<std::pair<uint32_t, uint32_t>> vars;  // (variable, pointer type)
    for (auto& in : instructions(words)) {
      if (in.op == ::spv::Op::OpTypePointer &&
          in.w[1] == static_cast<uint32_t>(::spv::StorageClass::StorageBuffer)) {
        pointee[in.w[0]] = in.w[2];
      } else if (in.op == ::spv::Op::OpVariable &&
                 in.w[2] == static_cast<uint32_t>(::spv::StorageClass::StorageBuffer)) {
        vars.emplace_back(in.w[1], in.w[0]);
      } else if (in.op == ::spv::Op::OpDecorate &&
                 in.w[1] == static_cast<uint32_t>(::spv::Decoration::NonWritable)) {
        non_writable.insert(in.w[0]);
      }
    }
    ASSERT_EQ(vars.size(), 3u) << form;
    EXPECT_EQ(non_writable.size(), 2u) << form;
    std::set<uint32_t> blocks;
    for (auto& [var, ptr] : vars) {
      ASSERT_TRUE(pointee.count(ptr)) << form << ": no pointer type for variable %" << var;
      EXPECT_TRUE(blocks.insert(pointee.at(ptr)).second)
          << form << ": variable %" << var << " shares block type %" << pointee.at(ptr)
          << " with another storage buffer";
    }
  }
}

// Vulkan leaves OpSRem and OpSMod undefined for negative operands (the NVIDIA driver computes an
// unsigned remainder); i32 Mod is a - b * (a / b) with OpSDiv. u32 Mod stays OpUMod.
TEST(SpirvPortability, SignedModAvoidsOpSRem) {
  for (DType t : {DType::i32(), DType::u32()}) {
    Program p = elementwise("mod_" + t.str(), {t, t}, t,
                            [](const std::vector<Expr>& v) { return v[0] % v[1]; });
    for (auto& [form, words] : both_forms(p.kernels[0])) {
      std::map<::spv::Op, int> count;
      for (auto& in : instructions(words)) ++count[in.op];
      EXPECT_EQ(count[::spv::Op::OpSRem], 0) << t.str() << " " << form;
      EXPECT_EQ(count[::spv::Op::OpSMod], 0) << t.str() << " " << form;
      if (t.is_int()) {
        EXPECT_EQ(count[::spv::Op::OpSDiv], 1) << form;
        EXPECT_EQ(count[::spv::Op::OpUMod], 0) << form;
      } else {
        EXPECT_EQ(count[::spv::Op::OpUMod], 1) << form;
      }
    }
  }
}

// f32 abs clears the sign bit (OpBitwiseAnd on the bits), never GLSL.std.450 FAbs: the NVIDIA
// driver dropped the FAbs of abs(max(abs(a), b)), whose operand it took to be non-negative,
// which max gives b (negative) for a NaN `a` (GPU fuzz seed 34456). The numbers: lavapipe here,
// the fuzz pack's NVIDIA engine there (tests/fuzz/cases/nvidia_abs_of_max_with_nan_seed34456.json).
TEST(SpirvPortability, FloatAbsClearsTheSignBit) {
  Program p = elementwise("abs_max_abs", {DType::f32(), DType::f32()}, DType::f32(),
                          [](const std::vector<Expr>& v) {
                            auto abs = [](Expr x) { return Call::make(Intrinsic::Abs, {x}); };
                            return abs(Max::make(abs(v[0]), v[1]));
                          });
  constexpr uint32_t kFAbs = 4;  // GLSLstd450FAbs
  for (auto& [form, words] : both_forms(p.kernels[0])) {
    int fabs = 0, ands = 0;
    for (auto& in : instructions(words)) {
      fabs += in.op == ::spv::Op::OpExtInst && in.w.size() > 3 && in.w[3] == kFAbs;
      ands += in.op == ::spv::Op::OpBitwiseAnd;
    }
    EXPECT_EQ(fabs, 0) << form;
    EXPECT_GE(ands, 2) << form;
  }
  const float nan = std::nanf(""), inf = INFINITY;
  std::vector<float> a = {nan, nan, -2.0f, 3.0f, -0.0f, -inf},
                     b = {-0.5f, -inf, 1.0f, -7.0f, -0.0f, 2.0f};
  rt::TensorMap tm{{"in0", rt::tensor_from(DType::f32(), {6}, a)},
                   {"in1", rt::tensor_from(DType::f32(), {6}, b)}};
  run(p, "abs_max_abs", tm);
  auto y = rt::tensor_values<float>(tm.at("out"));
  const std::vector<float> want = {0.5f, inf, 2.0f, 3.0f, 0.0f, inf};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(y[i], want[i]) << i;
    EXPECT_FALSE(std::signbit(y[i])) << i;
  }
}

}  // namespace
}  // namespace webtx::spirv_test
