// Bad input is refused before dispatch with a UserError naming the tensor/axis/kernel/feature.
#include "hand_kernels.hpp"
#include "vk_test_util.hpp"
#include "webtx/codegen/describe_program.hpp"

#include <filesystem>
#include <fstream>

namespace webtx::spirv_test {
namespace {

// Runs `f` and checks it throws E whose message contains every one of `parts`.
template <typename E, typename F>
void expect_error(F&& f, std::vector<std::string> parts) {
  try {
    f();
    FAIL() << "expected an error mentioning '" << parts[0] << "'";
  } catch (const E& e) {
    std::string msg = e.what();
    for (auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "message: " << msg;
  }
}

rt::HostTensor vec(int n, DType t = DType::f32()) { return rt::HostTensor(t, {n}); }

class VulkanErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prog = std::make_unique<rt::VulkanProgram>(device(), p, compile(p, "errors_add"));
  }
  // Pipelines must go before the process-wide device does.
  static void TearDownTestSuite() { prog.reset(); }
  static inline Program p = vector_add();
  static inline std::unique_ptr<rt::VulkanProgram> prog;
};

TEST_F(VulkanErrors, MissingInput) {
  rt::TensorMap t{{"in0", vec(4)}};
  expect_error<UserError>([&] { prog->run(t); }, {"missing input tensor 'in1'"});
}

TEST_F(VulkanErrors, WrongDtype) {
  rt::TensorMap t{{"in0", vec(4)}, {"in1", vec(4, DType::i32())}};
  expect_error<UserError>([&] { prog->run(t); }, {"tensor 'in1'", "dtype i32", "expected f32"});
}

TEST_F(VulkanErrors, WrongRank) {
  rt::TensorMap t{{"in0", vec(4)}, {"in1", rt::HostTensor(DType::f32(), {2, 2})}};
  expect_error<UserError>([&] { prog->run(t); },
                          {"tensor 'in1'", "must have rank 1", "got rank 2"});
}

TEST_F(VulkanErrors, SymbolBoundToTwoValues) {
  rt::TensorMap t{{"in0", vec(4)}, {"in1", vec(5)}};
  expect_error<UserError>([&] { prog->run(t); }, {"tensor 'in1' axis 0", "extent 5",
                                                  "symbol 'n' = 4", "tensor 'in0' axis 0"});
}

TEST_F(VulkanErrors, ExplicitSymbolContradictsTensor) {
  rt::TensorMap t{{"in0", vec(4)}, {"in1", vec(4)}};
  rt::RunOptions o;
  o.symbols["n"] = 8;
  expect_error<UserError>([&] { prog->run(t, o); }, {"tensor 'in0' axis 0", "symbol 'n' = 8"});
  o.symbols = {{"m", 3}};
  expect_error<UserError>([&] { prog->run(t, o); }, {"no symbol 'm'"});
}

TEST_F(VulkanErrors, BufferOfWrongSize) {
  rt::TensorMap t{{"in0", vec(4)}, {"in1", vec(4)}};
  t["in1"].bytes.resize(12);
  expect_error<UserError>([&] { prog->run(t); }, {"tensor 'in1'", "needs 16 bytes", "holds 12"});
}

TEST_F(VulkanErrors, OutputOfWrongShape) {
  rt::TensorMap t{{"in0", vec(4)}, {"in1", vec(4)}, {"out", vec(3)}};
  expect_error<UserError>([&] { prog->run(t); }, {"tensor 'out' axis 0", "extent 3"});
}

TEST(VulkanErrorsStandalone, UnboundSymbol) {
  Expr n = i32v("n"), g = i32v("groups");
  Buffer x = global("x", DType::f32(), {n});
  Buffer y = global("y", DType::f32(), {g});
  Kernel k;
  k.name = "unbound";
  k.buffers = {{x, true, false}, {y, false, true}};
  k.scalars = {n, g};
  k.grid = {g, Expr(1), Expr(1)};
  k.body = IfThenElse::make(EQ::make(lid(0), 0), store(y, wid(0), load(x, wid(0))));
  Program p = single_kernel_program(k, {n, g});
  rt::TensorMap t{{"x", vec(4)}};
  expect_error<UserError>([&] { run(p, "unbound", t); }, {"symbol 'groups'", "not bound"});
}

TEST(VulkanErrorsStandalone, TooManyInvocations) {
  Program p = vector_add();
  p.kernels[0].workgroup_size = {32, 32, 2};  // 2048 > lavapipe's 1024
  expect_error<UserError>(
      [&] { rt::VulkanProgram(device(), p, compile(p, "too_big", unlimited_target())); },
      {"kernel 'vector_add'", "maxComputeWorkGroupInvocations"});
  // Built for a WebGPU target, the backend refuses it first, naming the target's limit.
  expect_error<UserError>(
      [&] { compile(p, "too_big"); },
      {"kernel 'vector_add' has 2048 invocations per workgroup (32x32x2)",
       "target 'webgpu-large-f16' allows 1024", "(maxComputeInvocationsPerWorkgroup)"});
}

TEST(VulkanErrorsStandalone, TooMuchWorkgroupMemory) {
  Program p = vector_add();
  p.kernels[0].workgroup_bytes = int64_t{device().info().max_shared_memory} + 4;
  expect_error<UserError>(
      [&] { rt::VulkanProgram(device(), p, compile(p, "too_much_shared", unlimited_target())); },
      {"kernel 'vector_add'", "maxComputeSharedMemorySize"});
}

TEST(VulkanErrorsStandalone, F16WithoutOptIn) {
  Program p = elementwise("half_not_enabled", {DType::f16()}, DType::f16(),
                          [](const std::vector<Expr>& v) { return v[0]; });
  expect_error<UserError>([&] { codegen::spirv::compile_kernel(p.kernels[0]); },
                          {"kernel 'half_not_enabled'", "f16", "uses_f16"});
}

TEST(VulkanErrorsStandalone, ErfMustBeLegalizedFirst) {
  Program p = elementwise("erf", {DType::f32()}, DType::f32(), [](const std::vector<Expr>& v) {
    return Call::make(Intrinsic::Erf, {v[0]});
  });
  expect_error<InternalError>([&] { codegen::spirv::compile_kernel(p.kernels[0]); },
                              {"erf", "legalize_intrinsics"});
}

TEST(VulkanErrorsStandalone, StoreToReadOnlyBinding) {
  Program p = vector_add();
  p.kernels[0].buffers[2].written = false;  // out is stored to, but would be bound NonWritable
  expect_error<InternalError>([&] { codegen::spirv::compile_kernel(p.kernels[0]); },
                              {"kernel 'vector_add'", "buffer 'out'", "not written"});
}

TEST(VulkanErrorsStandalone, ValidatorReportsBrokenModules) {
  auto words = codegen::spirv::emit_kernel(vector_add().kernels[0]);
  ASSERT_EQ(codegen::spirv::validate(words), "");
  words.pop_back();  // drop OpFunctionEnd's word
  EXPECT_NE(codegen::spirv::validate(words), "");
}

// Loading what a generator ships: a missing description or module is named by path.
TEST(VulkanErrorsStandalone, LoadMissingFiles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(WEBTX_SPV_DIR) / "load_missing";
  fs::create_directories(dir);
  expect_error<UserError>([&] { rt::VulkanModel::load(device(), dir / "nope.manifest.json"); },
                          {"cannot read model description", "nope.manifest.json"});
  model::ModelSpec spec = codegen::describe_program(vector_add(), {{{{"spirv", "absent.spv"}}}});
  std::ofstream(dir / "m.manifest.json") << model::to_json(spec);
  expect_error<UserError>([&] { rt::VulkanModel::load(device(), dir / "m.manifest.json"); },
                          {"SPIR-V module of kernel 'vector_add'", "absent.spv"});
  spec.kernels[0].spirv = "";
  std::ofstream(dir / "m.manifest.json") << model::to_json(spec);
  expect_error<UserError>([&] { rt::VulkanModel::load(device(), dir / "m.manifest.json"); },
                          {"kernel 'vector_add' has no SPIR-V"});
  // Truncated module: not a whole number of words.
  spec.kernels[0].spirv = "short.spv";
  std::ofstream(dir / "m.manifest.json") << model::to_json(spec);
  std::ofstream(dir / "short.spv") << "abcdef";
  expect_error<UserError>([&] { rt::VulkanModel::load(device(), dir / "m.manifest.json"); },
                          {"short.spv", "6 bytes"});
}

TEST(VulkanErrorsStandalone, NoMatchingDevice) {
  expect_error<UserError>([] { rt::VulkanDevice d("no-such-device-xyz"); },
                          {"no Vulkan 1.1 device matching 'no-such-device-xyz'"});
}

}  // namespace
}  // namespace webtx::spirv_test
