// End-to-end: hand-built kernels -> SPIR-V (validated, optimised) -> lavapipe, compared with
// plain C++ loops.
#include "hand_kernels.hpp"
#include "vk_test_util.hpp"

namespace webtx::spirv_test {
namespace {

TEST(SpirvBasic, VectorAddSymbolicN) {
  Program p = vector_add();
  auto spirv = compile(p, "vector_add");
  rt::VulkanProgram prog(device(), p, spirv);
  for (int n : {1, 63, 64, 1000}) {  // partial and whole workgroups
    auto a = random_values<float>(n, -10, 10, 1), b = random_values<float>(n, -10, 10, 2);
    rt::TensorMap t{{"in0", rt::tensor_from(DType::f32(), {n}, a)},
                    {"in1", rt::tensor_from(DType::f32(), {n}, b)}};
    auto r = prog.run(t);
    EXPECT_EQ(r.symbols.at("n"), n);
    auto c = rt::tensor_values<float>(t.at("out"));
    ASSERT_EQ(c.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) ASSERT_EQ(c[i], a[i] + b[i]) << "i=" << i;  // exact in f32
  }
}

TEST(SpirvBasic, ModuleIsValidAndDisassembles) {
  auto m = codegen::spirv::compile_kernel(vector_add().kernels[0]);
  EXPECT_EQ(codegen::spirv::validate(m.words), "");
  std::string text = m.disassembly();
  EXPECT_NE(text.find("OpEntryPoint GLCompute"), std::string::npos);
  EXPECT_NE(text.find("LocalSize 64 1 1"), std::string::npos);
  EXPECT_NE(text.find("NonWritable"), std::string::npos);
  // Unoptimised emission is valid on its own, too.
  auto raw = codegen::spirv::emit_kernel(vector_add().kernels[0]);
  EXPECT_EQ(codegen::spirv::validate(raw), "");
}

}  // namespace
}  // namespace webtx::spirv_test
