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

// Shape-specialized pipelines (VulkanModel, SpecializeOptions): the second bind with the same
// symbol values runs a pipeline with them fixed, bit for bit the generic one's results; a new
// shape runs the generic pipeline; `most` caps them per kernel; after 0 turns them off.
TEST(SpirvBasic, SpecializedPipelinesForRepeatedShapes) {
  Program p = vector_add();
  auto spirv = compile(p, "vector_add_specialized");
  auto inputs = [](int n) {
    return rt::TensorMap{
        {"in0", rt::tensor_from(DType::f32(), {n}, random_values<float>(n, -10, 10, 1))},
        {"in1", rt::tensor_from(DType::f32(), {n}, random_values<float>(n, -10, 10, 2))}};
  };
  rt::VulkanProgram prog(device(), p, spirv);
  auto t1 = inputs(1000), t2 = inputs(1000);
  prog.run(t1);
  EXPECT_EQ(prog.model().specialization().compiled, 0);
  EXPECT_EQ(prog.model().specialization().generic_dispatches, 1);
  prog.run(t2);
  EXPECT_EQ(prog.model().specialization().compiled, 1);
  EXPECT_EQ(prog.model().specialization().specialized_dispatches, 1);
  EXPECT_EQ(prog.model().specialization().generic_dispatches, 0);
  EXPECT_EQ(t1.at("out").bytes, t2.at("out").bytes);
  auto t3 = inputs(999);
  prog.run(t3);
  EXPECT_EQ(prog.model().specialization().generic_dispatches, 1);
  auto c = rt::tensor_values<float>(t3.at("out"));
  auto a = random_values<float>(999, -10, 10, 1), b = random_values<float>(999, -10, 10, 2);
  for (int i = 0; i < 999; ++i) ASSERT_EQ(c[i], a[i] + b[i]) << "i=" << i;

  rt::VulkanProgram capped(device(), p, spirv, {.after = 1, .most = 1});
  for (int n : {64, 65, 64}) {
    auto t = inputs(n);
    capped.run(t);
  }
  EXPECT_EQ(capped.model().specialization().compiled, 1);  // 64 only
  EXPECT_EQ(capped.model().specialization().specialized_dispatches, 1);
  rt::VulkanProgram off(device(), p, spirv, {.after = 0});
  for (int i = 0; i < 3; ++i) {
    auto t = inputs(64);
    off.run(t);
  }
  EXPECT_EQ(off.model().specialization().compiled, 0);
  EXPECT_EQ(off.model().specialization().generic_dispatches, 1);
}

// A specialized pipeline reads its symbols from the specialization constants, not from the
// uniform block: fixed to n = 10 and given a block that says 64, it adds only 10 elements.
TEST(SpirvBasic, SpecializedPipelineReadsItsConstants) {
  Program p = vector_add();
  auto spirv = compile(p, "vector_add_spec_constants");
  const auto& k = p.kernels[0];
  runtime::vulkan::PipelineLayoutDesc desc;
  desc.name = k.name;
  desc.num_storage_buffers = 3;
  desc.has_uniform = true;
  desc.workgroup_size = {static_cast<uint32_t>(k.workgroup_size[0]), 1, 1};
  auto pipeline = device().create_pipeline(spirv[0], desc, {10});
  std::vector<float> ones(64, 1.0f), zeros(64, 0.0f);
  auto a = device().alloc(256), b = device().alloc(256), out = device().alloc(256);
  device().upload(a, ones.data(), 256);
  device().upload(b, ones.data(), 256);
  device().upload(out, zeros.data(), 256);
  runtime::vulkan::Dispatch d;
  d.pipeline = pipeline.get();
  d.buffers = {&a, &b, &out};
  d.uniforms = {64};
  d.grid = {1, 1, 1};
  device().run({d});
  std::vector<float> got(64);
  device().download(out, got.data(), 256);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(got[i], i < 10 ? 2.0f : 0.0f) << "i=" << i;
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

// The safety net (webtx/lower/constant_index.hpp): an unrolled copy that would store to a
// private array at a constant index past its end goes, even though its guard (on data) is
// undecided; unguarded, it is an internal error. Seed 8510 (tests/fuzz/cases/): NVIDIA's
// compiler crashed in vkCreateComputePipelines on such dead accesses.
ir::Kernel oob_kernel(bool guarded) {
  using namespace ir;
  auto i32 = [](int64_t v) { return IntImm::make(DType::i32(), v); };
  Kernel k;
  k.name = "oob";
  Buffer in = make_buffer("in", DType::f32(), MemScope::Global, {i32(1)});
  Buffer out = make_buffer("out", DType::f32(), MemScope::Global, {i32(1)});
  Buffer cache = make_buffer("cache", DType::f32(), MemScope::Private, {i32(2)});
  k.buffers = {{in, true, false}, {out, false, true}};
  k.grid = {i32(1), i32(1), i32(1)};
  Expr v = Variable::make(DType::i32(), "v");
  Stmt put = Store::make(cache, FloatImm::make(DType::f32(), 1), Add::make(v, i32(1)));
  if (guarded)
    put = IfThenElse::make(LT::make(Load::make(in, i32(0)), FloatImm::make(DType::f32(), 0.5)), put,
                           Stmt());
  k.body = Allocate::make(cache, Seq::make({For::make(v, i32(0), i32(2), ForKind::Unrolled, put),
                                            Store::make(out, Load::make(cache, i32(0)), i32(0))}));
  return k;
}

TEST(SpirvBasic, ConstantOutOfBoundsAccessIsNeverEmitted) {
  auto raw = codegen::spirv::emit_kernel(oob_kernel(true));
  EXPECT_EQ(codegen::spirv::validate(raw), "");
  std::string text = codegen::spirv::disassemble(raw);
  // One guarded store (v = 0) and the copy-out: the v = 1 copy (cache[2]) is gone.
  size_t stores = 0;
  for (size_t p = text.find("OpStore"); p != std::string::npos; p = text.find("OpStore", p + 1))
    ++stores;
  EXPECT_EQ(stores, 2u) << text;
  try {
    codegen::spirv::emit_kernel(oob_kernel(false));
    FAIL();
  } catch (const InternalError& e) {
    EXPECT_NE(std::string(e.what()).find("kernel 'oob'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cache[2] (2 elements)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace webtx::spirv_test
