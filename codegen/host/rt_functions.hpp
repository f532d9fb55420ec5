#pragma once
// LLVM declarations of the webtx_rt_* functions, derived from their C prototypes in
// wasm_abi.h (the runtime's definitions in runtime/wasm/src/exports.cpp must match those
// prototypes, or it does not compile): the prototypes exist once.
#include <cstdint>
#include <type_traits>

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Module.h>

namespace webtx::codegen::host {

// The wasm32 LLVM type of a C parameter or result type of the runtime's ABI.
template <typename T>
llvm::Type* llvm_type_of(llvm::LLVMContext& c) {
  if constexpr (std::is_void_v<T>) {
    return llvm::Type::getVoidTy(c);
  } else if constexpr (std::is_pointer_v<T>) {
    using P = std::remove_cv_t<std::remove_pointer_t<T>>;
    if constexpr (std::is_same_v<P, int32_t>) return llvm::Type::getInt32PtrTy(c);
    return llvm::Type::getInt8PtrTy(c);
  } else {
    static_assert(std::is_integral_v<T>, "the runtime ABI passes integers and pointers only");
    return llvm::Type::getIntNTy(c, sizeof(T) * 8);
  }
}

template <typename R, typename... A>
llvm::FunctionType* llvm_function_type(R (*)(A...), llvm::LLVMContext& c) {
  return llvm::FunctionType::get(llvm_type_of<R>(c), {llvm_type_of<A>(c)...}, false);
}

// Declares the C function `fn` (a webtx_rt_* prototype) in module `m`. Only fn's type is used
// (a null pointer of it): taking &fn would make the generator itself need the runtime's
// definition at link time (it does in unoptimised and sanitizer builds).
#define WEBTX_DECLARE_RT(m, fn)                                            \
  (m).getOrInsertFunction(#fn, ::webtx::codegen::host::llvm_function_type( \
                                   static_cast<decltype(&fn)>(nullptr), (m).getContext()))

}  // namespace webtx::codegen::host
