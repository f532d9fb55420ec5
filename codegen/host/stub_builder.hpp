#pragma once
// Builds the LLVM module of a model's host stub: the packed function, the function table and
// the embedded model description (docs/abi.md, "Generated code").
#include <memory>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "webtx/model/model_spec.hpp"
#include "webtx/target.hpp"

namespace webtx::codegen::host {

// The module has no target set; the caller sets triple and data layout before codegen.
// Run-time limit checks use `target`'s limits.
std::unique_ptr<llvm::Module> build_stub_module(llvm::LLVMContext& ctx,
                                                const model::ModelSpec& spec,
                                                const Target& target = {});

}  // namespace webtx::codegen::host
