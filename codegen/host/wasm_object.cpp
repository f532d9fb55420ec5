// Compiles the stub module to a wasm32 object in memory with LLVM's WebAssembly target.
#include <mutex>

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#include "stub_builder.hpp"
#include "webtx/codegen/host.hpp"
#include "webtx/error.hpp"

namespace webtx::codegen {
namespace {

constexpr const char* kTriple = "wasm32-unknown-emscripten";

std::unique_ptr<llvm::TargetMachine> make_target_machine() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeWebAssemblyTargetInfo();
    LLVMInitializeWebAssemblyTarget();
    LLVMInitializeWebAssemblyTargetMC();
    LLVMInitializeWebAssemblyAsmPrinter();
  });
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(kTriple, err);
  internal_assert(target) << "LLVM has no WebAssembly target: " << err;
  llvm::TargetOptions opts;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      kTriple, "generic", "", opts, llvm::Reloc::Static, llvm::None, llvm::CodeGenOpt::Default));
  internal_assert(tm) << "could not create a wasm32 target machine";
  return tm;
}

std::unique_ptr<llvm::Module> build(llvm::LLVMContext& ctx, llvm::TargetMachine& tm,
                                    const model::ModelSpec& program,
                                    const HostStubOptions& options) {
  auto m = host::build_stub_module(ctx, program, options.target);
  m->setTargetTriple(kTriple);
  m->setDataLayout(tm.createDataLayout());
  return m;
}

std::string print(const llvm::Module& m) {
  std::string s;
  llvm::raw_string_ostream os(s);
  m.print(os, nullptr);
  return os.str();
}

}  // namespace

std::string host_stub_llvm_ir(const model::ModelSpec& program, const HostStubOptions& options) {
  llvm::LLVMContext ctx;
  auto tm = make_target_machine();
  return print(*build(ctx, *tm, program, options));
}

std::vector<char> compile_host_stub(const model::ModelSpec& program,
                                    const HostStubOptions& options) {
  llvm::LLVMContext ctx;
  auto tm = make_target_machine();
  auto m = build(ctx, *tm, program, options);
  if (options.llvm_ir_out) *options.llvm_ir_out = print(*m);
  llvm::SmallVector<char, 0> buf;
  llvm::raw_svector_ostream os(buf);
  llvm::legacy::PassManager pm;
  internal_assert(!tm->addPassesToEmitFile(pm, os, nullptr, llvm::CGFT_ObjectFile))
      << "the wasm32 target cannot emit object files";
  pm.run(*m);
  return std::vector<char>(buf.begin(), buf.end());
}

}  // namespace webtx::codegen
