#pragma once
// Builds the LLVM module of a model's host stub: the packed function, the function table and
// the embedded manifest (docs/abi.md, "Generated code").
#include <memory>
#include <string>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "webtx/ir/program.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen::host {

// The module has no target set; the caller sets triple and data layout before codegen.
// Run-time limit checks use `target`'s limits.
std::unique_ptr<llvm::Module> build_stub_module(llvm::LLVMContext& ctx, const ir::Program& p,
                                                const std::string& manifest_json,
                                                const Target& target = {});

}  // namespace webtx::codegen::host
