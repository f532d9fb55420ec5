// Native tests of the host-stub emitter, Program -> ModelSpec and the generator driver. The
// stub's run-time behaviour is tested from Node (host_stub_test.mjs).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rename_tensor.hpp"
#include "webtx/codegen/describe_program.hpp"
#include "webtx/codegen/host.hpp"
#include "webtx/generator.hpp"
#include "webtx/ir.hpp"

namespace ir = webtx::ir;
namespace fs = std::filesystem;
using webtx::codegen::compile_host_stub;
using webtx::codegen::describe_program;
using webtx::codegen::host_stub_llvm_ir;

namespace {

ir::Buffer global(const std::string& name, std::vector<ir::Expr> shape,
                  ir::DType t = ir::DType::f32()) {
  return ir::make_buffer(name, t, ir::MemScope::Global, std::move(shape));
}

// out[i] = in[i] over n, one kernel.
ir::Program copy_program(ir::Expr n, std::vector<ir::Expr> in_shape,
                         std::vector<ir::Expr> out_shape) {
  ir::Buffer in = global("in", std::move(in_shape)), out = global("out", std::move(out_shape));
  ir::Expr i = ir::ThreadIndex::make(ir::ThreadAxis::WorkgroupId, 0);
  ir::Kernel k;
  k.name = "copy";
  k.buffers = {{in, true, false}, {out, false, true}};
  k.scalars = {n};
  k.grid = {n, ir::Expr(1), ir::Expr(1)};
  k.body = ir::Store::make(out, ir::Load::make(in, i), i);
  ir::Program p;
  p.name = "copy";
  p.tensors = {{in, ir::TensorRole::Input}, {out, ir::TensorRole::Output}};
  p.symbols = {n};
  p.kernels = {k};
  return p;
}

std::string user_error_of(const ir::Program& p) {
  try {
    compile_host_stub(describe_program(p), {});
  } catch (const webtx::UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(HostCodegen, ObjectIsWasmWithTableAndManifest) {
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  auto p = copy_program(n, {n}, {n});
  std::string ll;
  webtx::codegen::HostStubOptions o;
  o.llvm_ir_out = &ll;
  std::vector<char> obj = compile_host_stub(describe_program(p), o);
  ASSERT_GE(obj.size(), 8u);
  EXPECT_EQ(std::string(obj.data(), 4), std::string("\0asm", 4));
  EXPECT_NE(ll.find("target triple = \"wasm32-unknown-emscripten\""), std::string::npos);
  EXPECT_NE(ll.find("define internal i32 @webtx_model_copy(i8* %args, i32 %nargs)"),
            std::string::npos);
  EXPECT_NE(ll.find("@webtx_generated_functions = constant"), std::string::npos);
  EXPECT_NE(ll.find("@webtx_generated_function_count = constant i32 1"), std::string::npos);
  // The model description's JSON, NUL-terminated.
  EXPECT_NE(ll.find("\\22model\\22: \\22copy\\22"), std::string::npos);
  EXPECT_NE(ll.find("]\\0A}\\0A\\00"), std::string::npos);
  EXPECT_NE(ll.find("call i32 @webtx_rt_dispatch(i32 0"), std::string::npos);
  EXPECT_EQ(ll, host_stub_llvm_ir(describe_program(p), o));
}

TEST(HostCodegen, SymbolBoundByNoArgumentIsAUserError) {
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  ir::Expr m = ir::Variable::make(ir::DType::i32(), "m");
  auto p = copy_program(n, {n}, {n});
  p.symbols.push_back(m);
  EXPECT_NE(user_error_of(p).find("symbol 'm' is not an extent of any input or output"),
            std::string::npos);
  // ...also when only a grid uses it.
  auto q = copy_program(n, {n}, {n});
  q.kernels[0].grid[1] = m;
  EXPECT_NE(user_error_of(q).find("symbol 'm' in grid y of kernel 'copy' is not bound"),
            std::string::npos);
}

TEST(HostCodegen, ProgramsTheAbiCannotCarryAreUserErrors) {
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  std::vector<ir::Expr> rank7(7, ir::Expr(2));
  rank7[0] = n;
  EXPECT_NE(
      user_error_of(copy_program(n, rank7, {n})).find("tensor 'in' has rank 7, more than the 6"),
      std::string::npos);

  auto dup = copy_program(n, {n}, {n});
  dup.tensors[1].buffer = global("in", {n});
  dup.kernels[0].buffers[1].buffer = dup.tensors[1].buffer;
  EXPECT_NE(user_error_of(dup).find("two tensors are named 'in'"), std::string::npos);

  auto stray = copy_program(n, {n}, {n});
  stray.kernels[0].buffers.push_back({global("stray", {n}), true, false});
  EXPECT_NE(user_error_of(stray).find("kernel 'copy' binds buffer 'stray', which is not one"),
            std::string::npos);

  auto flt = copy_program(n, {n}, {n});
  flt.kernels[0].grid[0] =
      ir::Cast::make(ir::DType::i32(), ir::FloatImm::make(ir::DType::f32(), 2.5));
  EXPECT_NE(user_error_of(flt).find("grid x of kernel 'copy'"), std::string::npos);
}

TEST(HostCodegen, ExtentExpressionsAreCheckedNotBound) {
  // out's extent n + 1 is an expression: checked against n from `in` (deferred), not bound.
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  auto p = copy_program(n, {n}, {ir::Add::make(n, ir::Expr(1))});
  std::string ll = host_stub_llvm_ir(describe_program(p), {});
  EXPECT_NE(ll.find("tensor 'out' axis 0 has extent {0}, expected (n + 1) = {1}"),
            std::string::npos);
}

TEST(HostCodegen, RunTimeLimitsComeFromTheTarget) {
  // Symbolic grids and tensor sizes are checked per call against the target's limits.
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  auto p = copy_program(n, {n}, {n});
  webtx::codegen::HostStubOptions o;
  o.target.name = "small";
  o.target.limits.maxComputeWorkgroupsPerDimension = 1000;
  o.target.limits.maxStorageBufferBindingSize = 4096;
  std::string ll = host_stub_llvm_ir(describe_program(p), o);
  EXPECT_NE(ll.find("grid x of kernel 'copy' is {0} workgroups, outside [0, 1000] "
                    "(maxComputeWorkgroupsPerDimension of target 'small')"),
            std::string::npos);
  EXPECT_NE(ll.find("tensor 'in' needs {0} bytes (target 'small' allows {1}: "
                    "maxStorageBufferBindingSize)"),
            std::string::npos);
  EXPECT_NE(ll.find("icmp sle i64 %"), std::string::npos);
  EXPECT_NE(ll.find(", 4096"), std::string::npos);
  // The default target: WebGPU's guaranteed limits.
  ll = host_stub_llvm_ir(describe_program(p), {});
  EXPECT_NE(ll.find("outside [0, 65535] (maxComputeWorkgroupsPerDimension of target 'webgpu')"),
            std::string::npos);
  EXPECT_NE(ll.find("i64 134217728"), std::string::npos);
}

TEST(ModelSpec, DescribesTensorsKernelsAndEscapes) {
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  auto p = copy_program(n, {n, 3}, {n});
  p.kernels[0].workgroup_size = {8, 4, 2};
  p.kernels[0].workgroup_bytes = 1024;
  p.kernels[0].grid[0] = ir::Div::make(ir::Add::make(n, ir::Expr(7)), ir::Expr(8));
  webtx::codegen::KernelArtifacts art{
      {{"wgsl", "fn main() {\n \"q\" }"}, {"spirv", "copy_0.spv"}, {"msl", "copy_0.metal"}}};
  auto spec = describe_program(p, {art}, webtx::target_by_name("webgpu-large"));
  EXPECT_EQ(spec.symbols.at(0).tensor, "in");
  EXPECT_EQ(spec.symbols.at(0).axis, 0);
  EXPECT_EQ(webtx::model::to_string(spec.kernels[0].grid[0]), "((n + 7) / 8)");
  std::string m = webtx::model::to_json(spec);
  for (const char* want :
       {"\"model\": \"copy\"", "\"generator\": \"webtx 0.", "\"name\": \"n\"", "\"tensor\": \"in\"",
        "\"role\": \"input\"", "\"args\": [\n    \"in\",\n    \"out\"\n  ]",
        "\"maxComputeWorkgroupStorageSize\": 1024", "\"maxComputeInvocationsPerWorkgroup\": 64",
        "\"access\": \"read_write\"", "\"uniform_binding\": 2", "\"spirv\": \"copy_0.spv\"",
        "\"wgsl\": \"fn main() {\\n \\\"q\\\" }\"", "\"target\": \"webgpu-large\"",
        "\"maxComputeWorkgroupSizeZ\": 2", "\"features\": []",
        "\"artifacts\": {\n        \"msl\": \"copy_0.metal\""}) {
    EXPECT_NE(m.find(want), std::string::npos) << want << "\n" << m;
  }
  // The JSON reads back into the same description.
  EXPECT_EQ(webtx::model::to_json(webtx::model::from_json(m)), m);
}

// ctx.weight: role weight, arguments after the outputs, constant extents, no bool; the host
// stub accepts it (a tensor argument like any other).
TEST(Driver, WeightsAreDescribedAfterTheOutputs) {
  webtx::ModelContext ctx("scale");
  webtx::Var n("n");
  auto x = ctx.input<webtx::f32>("x", {n, 4});
  auto w = ctx.weight<webtx::f32>("w", {4});
  ctx.output("y",
             webtx::compute(
                 {n, 4}, [&](webtx::Var i, webtx::Var j) { return x(i, j) * w(j); }, "scaled"));
  EXPECT_EQ(ctx.weights(), std::vector<std::string>{"w"});
  EXPECT_TRUE(ctx.is_weight("w") && !ctx.is_weight("x"));
  auto spec = describe_program(webtx::lower_model(ctx), {}, {}, ctx.weights());
  EXPECT_EQ(spec.args, (std::vector<std::string>{"x", "y", "w"}));
  EXPECT_EQ(spec.tensor("w")->role, webtx::model::TensorRole::Weight);
  EXPECT_EQ(spec.symbols.at(0).tensor, "x");
  EXPECT_FALSE(compile_host_stub(spec, {}).empty());
  std::string ll = host_stub_llvm_ir(spec, {});
  EXPECT_NE(ll.find("tensor 'w' axis 0 must have extent 4"), std::string::npos)
      << "weights are checked";

  auto err = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const webtx::UserError& e) {
      return e.what();
    }
    return "(no error)";
  };
  webtx::ModelContext bad("bad");
  EXPECT_NE(
      err([&] {
        bad.weight<webtx::f32>("conv.weight", {n, 3});
      }).find("model bad: weight 'conv.weight' axis 0 is n: weight extents must be constants"),
      std::string::npos);
  EXPECT_NE(err([&] {
              bad.weight("mask", ir::DType::boolean(), {ir::Expr(3)});
            }).find("weight 'mask' is bool, which safetensors stores in one byte: declare it u32"),
            std::string::npos);
}

// ctx.param: given text parsed as the type asked for, defaults otherwise, every read recorded;
// a bad value or a parameter never read is a user error naming the model and the parameter.
TEST(Driver, ParamsParseRecordAndCheck) {
  auto err = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const webtx::UserError& e) {
      return e.what();
    }
    return "(no error)";
  };
  webtx::ModelContext ctx("mm");
  ctx.set_params(
      {{"N", "4096"}, {"tile", "64"}, {"alpha", "0.5"}, {"relu", "on"}, {"act", "gelu"}});
  EXPECT_EQ(ctx.param<int>("N", 128), 4096);
  EXPECT_EQ(ctx.param<int64_t>("tile", 128), 64);
  EXPECT_EQ(ctx.param("alpha", 1.0f), 0.5f);
  EXPECT_TRUE(ctx.param("relu", false));
  EXPECT_EQ(ctx.param<std::string>("act", "none"), "gelu");
  EXPECT_EQ(ctx.param<int>("unroll", 4), 4);  // not given: the default, recorded
  EXPECT_NO_THROW(ctx.check_params());
  EXPECT_EQ(ctx.params_used(), (std::map<std::string, std::string>{{"N", "4096"},
                                                                   {"act", "gelu"},
                                                                   {"alpha", "0.5"},
                                                                   {"relu", "true"},
                                                                   {"tile", "64"},
                                                                   {"unroll", "4"}}));
  webtx::ModelContext bad("mm");
  bad.set_params({{"N", "4k"}, {"small", "300"}, {"flag", "yes"}, {"tlie", "8"}});
  EXPECT_EQ(
      err([&] { bad.param<int>("N", 1); }),
      "model mm: parameter 'N' is '4k', which is not an integer in [-2147483648, 2147483647]");
  EXPECT_NE(err([&] {
              bad.param<int8_t>("small", 1);
            }).find("'300', which is not an integer in [-128, 127]"),
            std::string::npos);
  EXPECT_NE(
      err([&] { bad.param("flag", false); }).find("parameter 'flag' is 'yes', which is not a bool"),
      std::string::npos);
  EXPECT_EQ(err([&] { bad.check_params(); }),
            "model mm: unknown parameter 'tlie' (given tlie=8); the model reads N, flag, small");
}

TEST(Driver, RenameTensorReplacesEveryUse) {
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  auto p = copy_program(n, {n}, {n});
  webtx::codegen::rename_tensor(p, "out", "result");
  EXPECT_EQ(p.tensors[1].buffer->name, "result");
  EXPECT_EQ(p.kernels[0].buffers[1].buffer, p.tensors[1].buffer);
  EXPECT_EQ(p.kernels[0].body.as<ir::Store>()->buffer, p.tensors[1].buffer);
  EXPECT_THROW(webtx::codegen::rename_tensor(p, "result", "in"), webtx::UserError);
}

// The generator rewrites outputs only when their content changes; the stamp always.
TEST(Driver, GeneratorRewritesOnlyChangedFiles) {
  fs::path dir = fs::temp_directory_path() / "webtx_host_gen_test";
  fs::remove_all(dir);
  std::string cmd = std::string(WEBTX_TEST_GENERATOR) + " -o " + dir.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  fs::path obj = dir / "host_test_model.host.o", stamp = dir / "host_test_model.stamp";
  ASSERT_TRUE(fs::exists(obj));
  auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(obj, old_time);
  fs::last_write_time(stamp, old_time);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(fs::last_write_time(obj), old_time) << "unchanged object rewritten";
  EXPECT_GT(fs::last_write_time(stamp), old_time) << "stamp not touched";
  // Bad command lines are errors with a usage line, not crashes.
  EXPECT_NE(std::system((std::string(WEBTX_TEST_GENERATOR) + " --bogus 2>/dev/null").c_str()), 0);
  EXPECT_NE(std::system((cmd + " --model nope 2>/dev/null").c_str()), 0);
  fs::remove_all(dir);
}
