#include "stub_builder.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "expr_emitter.hpp"
#include "rt_functions.hpp"
#include "webtx/error.hpp"
#include "webtx/wasm_abi.h"

namespace webtx::codegen::host {
namespace {

// Handles and sizes cross the ABI as i32: no buffer can be larger, whatever the target.
constexpr int64_t kMaxBufferBytes = 0x7fffffff;

// The wasm ABI's code of a dtype (WEBTX_DTYPE_*).
int dtype_code(const std::string& dtype) {
  if (dtype == "f32") return WEBTX_DTYPE_F32;
  if (dtype == "i32") return WEBTX_DTYPE_I32;
  if (dtype == "u32") return WEBTX_DTYPE_U32;
  if (dtype == "f16") return WEBTX_DTYPE_F16;
  user_assert(dtype == "bool") << "the wasm ABI has no dtype '" << dtype << "'";
  return WEBTX_DTYPE_BOOL;
}

std::string c_identifier(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

class StubBuilder {
 public:
  StubBuilder(llvm::LLVMContext& ctx, llvm::Module& m, const model::ModelSpec& spec,
              const Target& t)
      : ctx_(ctx), m_(m), p_(spec), b_(ctx), ex_(b_, [this](llvm::Value* ok, const std::string& w) {
          check(ok, prefix_ + w);
        }) {
    prefix_ = spec.name + ": ";
    max_groups_ = t.limits.maxComputeWorkgroupsPerDimension;
    max_binding_ = std::min(kMaxBufferBytes, t.limits.maxStorageBufferBindingSize);
    limit_of_ = " (target '" + t.name + "' allows ";
    target_name_ = t.name;
  }

  llvm::Function* build();

 private:
  struct Arg {
    size_t tensor;  // index into p_.tensors
    std::string name;
  };

  void declare_runtime();
  // Continues in a fresh block when `ok` holds; otherwise reports `fmt` with {0}/{1} replaced
  // by a and b and returns 1.
  void check(llvm::Value* ok, const std::string& fmt, llvm::Value* a = nullptr,
             llvm::Value* b = nullptr);
  llvm::Value* str(const std::string& s);
  llvm::Value* load_i32(llvm::Value* base, int offset);
  llvm::Value* i64(llvm::Value* v) { return b_.CreateSExt(v, b_.getInt64Ty()); }
  // Element count * element size, exact up to 2^53 bytes (messages print the true size of a
  // 17 GB tensor), saturated there so it cannot overflow.
  llvm::Value* byte_size(const std::vector<llvm::Value*>& extents, const std::string& dtype);

  void check_args(llvm::Value* args, llvm::Value* nargs);
  void emit_planned_buffers();
  void emit_kernels();

  llvm::LLVMContext& ctx_;
  llvm::Module& m_;
  const model::ModelSpec& p_;
  llvm::IRBuilder<> b_;
  ExprEmitter ex_;
  std::string prefix_;

  llvm::Function* fn_ = nullptr;
  llvm::BasicBlock* fail_ = nullptr;
  llvm::FunctionCallee rt_error_, rt_planned_, rt_dispatch_;
  std::vector<Arg> args_;
  std::vector<llvm::Value*> planned_;  // planned buffer (ModelSpec::memory) -> its i32 handle
  std::unordered_map<std::string, size_t> tensor_of_;
  std::unordered_map<size_t, llvm::Value*> arg_handle_;      // tensor index -> loaded handle
  std::unordered_map<std::string, std::string> bound_from_;  // symbol -> "tensor 'x' axis 0"
  llvm::Value* handles_ = nullptr;
  llvm::Value* uniforms_ = nullptr;
  int64_t max_groups_ = 0, max_binding_ = 0;  // the target's limits
  std::string limit_of_;                      // " (target 'T' allows "
  std::string target_name_;
};

void StubBuilder::declare_runtime() {
  // Types from the C prototypes in wasm_abi.h, which the runtime defines.
  rt_error_ = WEBTX_DECLARE_RT(m_, webtx_rt_error);
  rt_planned_ = WEBTX_DECLARE_RT(m_, webtx_rt_planned_buffer);
  rt_dispatch_ = WEBTX_DECLARE_RT(m_, webtx_rt_dispatch);
}

llvm::Value* StubBuilder::str(const std::string& s) {
  return b_.CreateGlobalStringPtr(s, ".str", 0, &m_);
}

void StubBuilder::check(llvm::Value* ok, const std::string& fmt, llvm::Value* a, llvm::Value* b) {
  auto* err = llvm::BasicBlock::Create(ctx_, "err", fn_);
  auto* cont = llvm::BasicBlock::Create(ctx_, "ok", fn_);
  b_.CreateCondBr(ok, cont, err);
  b_.SetInsertPoint(err);
  auto widen = [&](llvm::Value* v) -> llvm::Value* {
    if (!v) return b_.getInt64(0);
    return v->getType()->isIntegerTy(64) ? v : i64(v);
  };
  b_.CreateCall(rt_error_, {str(fmt), widen(a), widen(b)});
  b_.CreateBr(fail_);
  b_.SetInsertPoint(cont);
}

llvm::Value* StubBuilder::load_i32(llvm::Value* base, int offset) {
  llvm::Value* p = b_.CreateConstInBoundsGEP1_32(b_.getInt8Ty(), base, offset);
  p = b_.CreateBitCast(p, b_.getInt32Ty()->getPointerTo());
  return b_.CreateLoad(b_.getInt32Ty(), p);
}

llvm::Value* StubBuilder::byte_size(const std::vector<llvm::Value*>& extents,
                                    const std::string& dtype) {
  // n * e would pass the cap exactly when n > cap / e (e = 0 cannot overflow).
  const int64_t cap = int64_t{1} << 53;
  llvm::Value* n = b_.getInt64(1);
  for (auto* e : extents) {
    llvm::Value* e64 = b_.CreateZExt(e, b_.getInt64Ty());
    llvm::Value* safe_e =
        b_.CreateSelect(b_.CreateICmpEQ(e64, b_.getInt64(0)), b_.getInt64(1), e64);
    llvm::Value* fits = b_.CreateICmpULE(n, b_.CreateUDiv(b_.getInt64(cap), safe_e));
    n = b_.CreateSelect(fits, b_.CreateMul(n, e64), b_.getInt64(cap));
  }
  llvm::Value* bytes = b_.getInt64(model::dtype_bytes(dtype));
  llvm::Value* fits = b_.CreateICmpULE(n, b_.getInt64(cap / 8));
  return b_.CreateSelect(fits, b_.CreateMul(n, bytes), b_.getInt64(cap));
}

void StubBuilder::check_args(llvm::Value* args, llvm::Value* nargs) {
  std::string names;
  for (auto& a : p_.args) {
    auto it = tensor_of_.find(a);
    user_assert(it != tensor_of_.end() &&
                p_.tensors[it->second].role != model::TensorRole::Intermediate)
        << "model " << p_.name << ": argument '" << a << "' is not an input, output or weight";
    args_.push_back({it->second, a});
    names += (names.empty() ? "" : ", ") + a;
  }
  const int n = static_cast<int>(args_.size());
  check(b_.CreateICmpEQ(nargs, b_.getInt32(n)),
        prefix_ + "expected " + std::to_string(n) + " arguments (" + names + "), got {0}", nargs);

  struct Deferred {
    std::string where;
    llvm::Value* extent;
    model::Extent expected;
  };
  std::vector<Deferred> deferred;
  for (int i = 0; i < n; ++i) {
    const auto& buf = p_.tensors[args_[i].tensor];
    const std::string tname = "tensor '" + buf.name + "'";
    const std::string argname = "argument " + std::to_string(i) + " ('" + buf.name + "')";
    user_assert(buf.shape.size() <= WEBTX_MAX_NDIM)
        << "model " << p_.name << ": " << tname << " has rank " << buf.shape.size()
        << ", more than the " << WEBTX_MAX_NDIM << " the wasm ABI carries";
    llvm::Value* v = b_.CreateConstInBoundsGEP1_32(b_.getInt8Ty(), args, i * sizeof(WebtxValue));
    llvm::Value* tc = load_i32(v, offsetof(WebtxValue, type_code));
    check(b_.CreateICmpEQ(tc, b_.getInt32(WEBTX_TYPE_TENSOR)),
          prefix_ + argname + " must be a tensor (type code 2), got type code {0}", tc);
    llvm::Value* tp = load_i32(v, offsetof(WebtxValue, v_ptr));
    check(b_.CreateICmpNE(tp, b_.getInt32(0)), prefix_ + argname + " is a null tensor pointer");
    llvm::Value* t = b_.CreateIntToPtr(tp, b_.getInt8PtrTy());
    llvm::Value* handle = load_i32(t, offsetof(WebtxTensor, handle));
    check(b_.CreateICmpNE(handle, b_.getInt32(0)),
          prefix_ + tname + " has no GPU buffer (handle 0)");
    arg_handle_[args_[i].tensor] = handle;
    llvm::Value* dt = load_i32(t, offsetof(WebtxTensor, dtype));
    const int code = dtype_code(buf.dtype);
    check(b_.CreateICmpEQ(dt, b_.getInt32(code)),
          prefix_ + tname + " must have dtype " + buf.dtype + " (code " + std::to_string(code) +
              "), got dtype code {0}",
          dt);
    const int rank = static_cast<int>(buf.shape.size());
    llvm::Value* nd = load_i32(t, offsetof(WebtxTensor, ndim));
    check(b_.CreateICmpEQ(nd, b_.getInt32(rank)),
          prefix_ + tname + " must have rank " + std::to_string(rank) + ", got rank {0}", nd);
    std::vector<llvm::Value*> extents;
    for (int k = 0; k < rank; ++k) {
      const std::string where = tname + " axis " + std::to_string(k);
      llvm::Value* ext = load_i32(t, offsetof(WebtxTensor, shape) + sizeof(int32_t) * k);
      extents.push_back(ext);
      check(b_.CreateICmpSGE(ext, b_.getInt32(0)), prefix_ + where + " has negative extent {0}",
            ext);
      const model::Extent& want = buf.shape[k];
      if (want.is_const()) {
        check(b_.CreateICmpEQ(ext, b_.getInt32(static_cast<uint32_t>(want.value))),
              prefix_ + where + " must have extent " + std::to_string(want.value) + ", got {0}",
              ext);
      } else if (want.is_symbol() && !ex_.is_bound(want.symbol)) {
        ex_.bind(want.symbol, ext);
        bound_from_[want.symbol] = where;
      } else if (want.is_symbol()) {
        llvm::Value* bound = ex_.value_of(want.symbol, where);
        check(b_.CreateICmpEQ(ext, bound),
              prefix_ + where + " has extent {0}, but symbol '" + want.symbol + "' = {1} (from " +
                  bound_from_[want.symbol] + ")",
              ext, bound);
      } else {
        deferred.push_back({where, ext, want});
      }
    }
    llvm::Value* need = byte_size(extents, buf.dtype);
    llvm::Value* have = i64(load_i32(t, offsetof(WebtxTensor, nbytes)));
    check(b_.CreateICmpSGE(have, need),
          prefix_ + tname + " buffer has {0} bytes, needs {1} for its shape", have, need);
    check(b_.CreateICmpSLE(need, b_.getInt64(max_binding_)),
          prefix_ + tname + " needs {0} bytes" + limit_of_ + "{1}: maxStorageBufferBindingSize)",
          need, b_.getInt64(max_binding_));
  }
  // Extents given by expressions over symbols: checked once every symbol is bound.
  for (auto& d : deferred) {
    llvm::Value* want = ex_.emit(d.expected, d.where);
    check(
        b_.CreateICmpEQ(d.extent, want),
        prefix_ + d.where + " has extent {0}, expected " + model::to_string(d.expected) + " = {1}",
        d.extent, want);
  }
  for (auto& s : p_.symbols) {
    user_assert(!s.from_caller() && ex_.is_bound(s.name))
        << "model " << p_.name << ": symbol '" << s.name
        << "' is not an extent of any input or output, so a call cannot determine it";
  }
  // Reads the generator could not prove inside their tensor (docs/lowering.md).
  for (auto& c : p_.read_checks) {
    llvm::Value* l = ex_.emit(c.lhs, c.what);
    llvm::Value* r = ex_.emit(c.rhs, c.what);
    check(b_.CreateICmpSLE(l, r),
          prefix_ + c.what + ": needs " + model::to_string(c.lhs) +
              " <= " + model::to_string(c.rhs) + ", got {0} > {1}",
          l, r);
  }
}

void StubBuilder::emit_planned_buffers() {
  // Intermediates live in the planned buffers of the description's memory plan: each is asked
  // for once per call, sized for this call's extents (the max over its tenants); the runtime
  // keeps it across calls and grows it only when a call needs more (docs/abi.md).
  const model::MemoryPlan& plan = p_.memory;
  for (auto& kern : p_.kernels) {
    for (auto& kb : kern.bindings) {
      const model::TensorSpec* t = p_.tensor(kb.tensor);
      user_assert(!t || t->role != model::TensorRole::Intermediate || plan.tensors.count(t->name))
          << "model " << p_.name << ": intermediate '" << kb.tensor
          << "' has no buffer in the memory plan (codegen::plan_memory makes it)";
    }
  }
  for (size_t pb = 0; pb < plan.buffers.size(); ++pb) {
    const std::vector<std::string> tenants = plan.tenants(static_cast<int>(pb));
    std::string names;
    llvm::Value* bytes = b_.getInt64(0);
    for (auto& name : tenants) {
      const model::TensorSpec& buf = p_.tensors[tensor_of_.at(name)];
      const std::string tname = "intermediate '" + buf.name + "'";
      names += (names.empty() ? "" : ", ") + buf.name;
      std::vector<llvm::Value*> extents;
      for (size_t a = 0; a < buf.shape.size(); ++a) {
        const std::string where = tname + " axis " + std::to_string(a);
        llvm::Value* e = ex_.emit(buf.shape[a], where);
        check(b_.CreateICmpSGE(e, b_.getInt32(0)), prefix_ + where + " has negative extent {0}", e);
        extents.push_back(e);
      }
      llvm::Value* need = byte_size(extents, buf.dtype);
      check(b_.CreateICmpULE(need, b_.getInt64(max_binding_)),
            prefix_ + tname + " needs {0} bytes" + limit_of_ + "{1}: maxStorageBufferBindingSize)",
            need, b_.getInt64(max_binding_));
      bytes = b_.CreateSelect(b_.CreateICmpUGT(need, bytes), need, bytes);
    }
    // Storage bindings must be non-empty and 4-byte sized.
    bytes = b_.CreateAnd(b_.CreateAdd(bytes, b_.getInt64(3)), b_.getInt64(~int64_t{3}));
    bytes = b_.CreateSelect(b_.CreateICmpEQ(bytes, b_.getInt64(0)), b_.getInt64(4), bytes);
    llvm::Value* nb = b_.CreateTrunc(bytes, b_.getInt32Ty());
    llvm::Value* h = b_.CreateCall(rt_planned_, {b_.getInt32(pb), nb});
    check(b_.CreateICmpNE(h, b_.getInt32(0)),
          prefix_ + "could not allocate {0} bytes for planned buffer " + std::to_string(pb) +
              " (intermediates " + names + "; out of GPU memory or device lost)",
          nb);
    planned_.push_back(h);
  }
}

void StubBuilder::emit_kernels() {
  size_t max_handles = 1, max_uniform_words = 4;
  for (size_t k = 0; k < p_.kernels.size(); ++k) {
    const auto& kern = p_.kernels[k];
    max_handles = std::max(max_handles, kern.bindings.size());
    max_uniform_words = std::max(max_uniform_words, (kern.uniforms.size() + 3) / 4 * 4);
    for (size_t i = 0; i < kern.bindings.size(); ++i) {
      const auto& kb = kern.bindings[i];
      auto it = tensor_of_.find(kb.tensor);
      user_assert(it != tensor_of_.end())
          << "model " << p_.name << ": kernel '" << kern.name << "' binds buffer '" << kb.tensor
          << "', which is not one of the program's tensors";
      user_assert(kb.binding == static_cast<int>(i))
          << "model " << p_.name << ": kernel '" << kern.name << "' binding " << i
          << " is numbered " << kb.binding << "; host stubs pass buffers in binding order";
    }
  }
  {
    llvm::IRBuilder<>::InsertPointGuard g(b_);
    b_.SetInsertPoint(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    handles_ = b_.CreateAlloca(b_.getInt32Ty(), b_.getInt32(max_handles), "handles");
    uniforms_ = b_.CreateAlloca(b_.getInt32Ty(), b_.getInt32(max_uniform_words), "uniforms");
  }
  emit_planned_buffers();
  const char* axes = "xyz";
  for (size_t k = 0; k < p_.kernels.size(); ++k) {
    const auto& kern = p_.kernels[k];
    const std::string kname = "kernel '" + kern.name + "'";
    llvm::Value* grid[3];
    llvm::Value* nonempty = b_.getTrue();
    for (int d = 0; d < 3; ++d) {
      const std::string where = "grid " + std::string(1, axes[d]) + " of " + kname;
      grid[d] = ex_.emit(kern.grid[d], where);
      // Name what makes the grid: its extent, the kernel's outputs and the first symbol (with
      // the tensor axis it came from), whose value is printed too.
      std::string writes, cause;
      for (auto& kb : kern.bindings)
        if (kb.access == model::Access::ReadWrite)
          writes += (writes.empty() ? "" : ", ") + ("'" + kb.tensor + "'");
      llvm::Value* sym_value = nullptr;
      if (auto syms = model::symbols_of(kern.grid[d]); !syms.empty()) {
        sym_value = ex_.value_of(syms[0], where);
        auto from = bound_from_.find(syms[0]);
        cause = "; symbol '" + syms[0] + "' = {1}" +
                (from != bound_from_.end() ? " (from " + from->second + ")" : "");
      }
      check(b_.CreateICmpULE(grid[d], b_.getInt32(static_cast<uint32_t>(max_groups_))),
            prefix_ + where + " is {0} workgroups, outside [0, " + std::to_string(max_groups_) +
                "] (maxComputeWorkgroupsPerDimension of target '" + target_name_ + "'): " +
                model::to_string(kern.grid[d]) + (writes.empty() ? "" : " for " + writes) + cause,
            grid[d], sym_value);
      nonempty = b_.CreateAnd(nonempty, b_.CreateICmpNE(grid[d], b_.getInt32(0)));
    }
    for (size_t i = 0; i < kern.bindings.size(); ++i) {
      size_t t = tensor_of_.at(kern.bindings[i].tensor);
      llvm::Value* h = p_.tensors[t].role == model::TensorRole::Intermediate
                           ? planned_.at(p_.memory.tensors.at(p_.tensors[t].name))
                           : arg_handle_.at(t);
      b_.CreateStore(h, b_.CreateConstInBoundsGEP1_32(b_.getInt32Ty(), handles_, i));
    }
    const size_t words = (kern.uniforms.size() + 3) / 4 * 4;
    for (size_t i = 0; i < words; ++i) {
      llvm::Value* v =
          i < kern.uniforms.size()
              ? ex_.value_of(kern.uniforms[i], "uniform " + std::to_string(i) + " of " + kname)
              : b_.getInt32(0);
      b_.CreateStore(v, b_.CreateConstInBoundsGEP1_32(b_.getInt32Ty(), uniforms_, i));
    }
    // An empty grid (a zero extent) is a successful no-op, not a dispatch.
    auto* do_bb = llvm::BasicBlock::Create(ctx_, "dispatch", fn_);
    auto* after = llvm::BasicBlock::Create(ctx_, "after", fn_);
    b_.CreateCondBr(nonempty, do_bb, after);
    b_.SetInsertPoint(do_bb);
    llvm::Value* rc = b_.CreateCall(
        rt_dispatch_,
        {b_.getInt32(k), grid[0], grid[1], grid[2], handles_, b_.getInt32(kern.bindings.size()),
         b_.CreateBitCast(uniforms_, b_.getInt8PtrTy()), b_.getInt32(words * 4)});
    check(b_.CreateICmpEQ(rc, b_.getInt32(0)),
          prefix_ + "dispatch of " + kname + " failed (code {0}); device lost?", rc);
    b_.CreateBr(after);
    b_.SetInsertPoint(after);
  }
}

llvm::Function* StubBuilder::build() {
  declare_runtime();
  for (size_t i = 0; i < p_.tensors.size(); ++i) {
    user_assert(tensor_of_.emplace(p_.tensors[i].name, i).second)
        << "model " << p_.name << ": two tensors are named '" << p_.tensors[i].name << "'";
  }
  auto* fty = llvm::FunctionType::get(b_.getInt32Ty(), {b_.getInt8PtrTy(), b_.getInt32Ty()}, false);
  fn_ = llvm::Function::Create(fty, llvm::Function::InternalLinkage,
                               "webtx_model_" + c_identifier(p_.function), m_);
  llvm::Value* args = fn_->getArg(0);
  llvm::Value* nargs = fn_->getArg(1);
  args->setName("args"), nargs->setName("nargs");
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_));
  fail_ = llvm::BasicBlock::Create(ctx_, "fail", fn_);
  check_args(args, nargs);
  emit_kernels();
  b_.CreateRet(b_.getInt32(0));
  b_.SetInsertPoint(fail_);  // nothing to free: planned buffers stay with the runtime
  b_.CreateRet(b_.getInt32(1));
  return fn_;
}

}  // namespace

std::unique_ptr<llvm::Module> build_stub_module(llvm::LLVMContext& ctx, const model::ModelSpec& p,
                                                const Target& target) {
  user_assert(!p.name.empty()) << "a model needs a name";
  const std::string manifest_json = model::to_json(p);
  auto m = std::make_unique<llvm::Module>("webtx_model_" + c_identifier(p.name), ctx);
  StubBuilder sb(ctx, *m, p, target);
  llvm::Function* fn = sb.build();

  // The table the runtime's registry reads: {const char* name; WebtxPackedFn fn;}[].
  llvm::IRBuilder<> b(ctx);
  auto* name_init = llvm::ConstantDataArray::getString(ctx, p.function);
  auto* name_gv = new llvm::GlobalVariable(*m, name_init->getType(), true,
                                           llvm::GlobalValue::PrivateLinkage, name_init, ".name");
  auto* entry_ty = llvm::StructType::get(ctx, {b.getInt8PtrTy(), fn->getType()});
  auto* entry = llvm::ConstantStruct::get(
      entry_ty, {llvm::ConstantExpr::getPointerCast(name_gv, b.getInt8PtrTy()), fn});
  auto* table_ty = llvm::ArrayType::get(entry_ty, 1);
  new llvm::GlobalVariable(*m, table_ty, true, llvm::GlobalValue::ExternalLinkage,
                           llvm::ConstantArray::get(table_ty, {entry}),
                           "webtx_generated_functions");
  new llvm::GlobalVariable(*m, b.getInt32Ty(), true, llvm::GlobalValue::ExternalLinkage,
                           b.getInt32(1), "webtx_generated_function_count");
  auto* man = llvm::ConstantDataArray::getString(ctx, manifest_json);
  new llvm::GlobalVariable(*m, man->getType(), true, llvm::GlobalValue::ExternalLinkage, man,
                           "webtx_generated_manifest");

  std::string err;
  llvm::raw_string_ostream os(err);
  internal_assert(!llvm::verifyModule(*m, &os))
      << "host stub of " << p.name << " is invalid: " << os.str();
  return m;
}

}  // namespace webtx::codegen::host
