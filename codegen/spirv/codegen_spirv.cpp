// The IR visitor that emits one kernel as a GLCompute entry point through SpvBuilder.
// Each expression visit leaves its SSA id in value_; statements emit structured control flow
// (OpSelectionMerge / OpLoopMerge) so that every module passes the Vulkan validator.
#include <spirv/unified1/GLSL.std.450.h>

#include <bit>
#include <cmath>
#include <unordered_map>

#include "spv_builder.hpp"
#include "webtx/codegen/spirv.hpp"
#include "webtx/half.hpp"
#include "webtx/ir/functor.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/ir/vector_access.hpp"
#include "webtx/lower/prune_guards.hpp"
#include "webtx/model/model_spec.hpp"
#include "webtx/target_check.hpp"

namespace webtx::codegen::spirv {
namespace {

using namespace webtx::ir;
using ::spv::Op;
using SC = ::spv::StorageClass;

class CodeGenSpirv : public IRVisitor {
 public:
  CodeGenSpirv(const Kernel& k, const Target& target)
      : k_(k), target_(target), scope_(k.workgroup_size, k.name) {}
  std::vector<uint32_t> run();

 protected:
  using IRVisitor::visit;
  void visit_IntImm(const IntImm& op) override;
  void visit_FloatImm(const FloatImm& op) override;
  void visit_Variable(const Variable& op) override;
  void visit_Add(const Add& op) override { arith(op, Op::OpIAdd, Op::OpIAdd, Op::OpFAdd); }
  void visit_Sub(const Sub& op) override { arith(op, Op::OpISub, Op::OpISub, Op::OpFSub); }
  void visit_Mul(const Mul& op) override { arith(op, Op::OpIMul, Op::OpIMul, Op::OpFMul); }
  void visit_Div(const Div& op) override { arith(op, Op::OpSDiv, Op::OpUDiv, Op::OpFDiv); }
  void visit_Mod(const Mod& op) override;
  void visit_Min(const Min& op) override {
    ext_binary(op, GLSLstd450SMin, GLSLstd450UMin, GLSLstd450FMin);
  }
  void visit_Max(const Max& op) override {
    ext_binary(op, GLSLstd450SMax, GLSLstd450UMax, GLSLstd450FMax);
  }
  void visit_EQ(const EQ& op) override {
    compare(op, Op::OpIEqual, Op::OpIEqual, Op::OpFOrdEqual, Op::OpLogicalEqual);
  }
  // C semantics: NaN != x is true, hence the unordered float comparison.
  void visit_NE(const NE& op) override {
    compare(op, Op::OpINotEqual, Op::OpINotEqual, Op::OpFUnordNotEqual, Op::OpLogicalNotEqual);
  }
  void visit_LT(const LT& op) override {
    compare(op, Op::OpSLessThan, Op::OpULessThan, Op::OpFOrdLessThan, Op::OpNop);
  }
  void visit_LE(const LE& op) override {
    compare(op, Op::OpSLessThanEqual, Op::OpULessThanEqual, Op::OpFOrdLessThanEqual, Op::OpNop);
  }
  void visit_GT(const GT& op) override {
    compare(op, Op::OpSGreaterThan, Op::OpUGreaterThan, Op::OpFOrdGreaterThan, Op::OpNop);
  }
  void visit_GE(const GE& op) override {
    compare(op, Op::OpSGreaterThanEqual, Op::OpUGreaterThanEqual, Op::OpFOrdGreaterThanEqual,
            Op::OpNop);
  }
  void visit_And(const And& op) override { logic(op, Op::OpLogicalAnd, Op::OpBitwiseAnd); }
  void visit_Or(const Or& op) override { logic(op, Op::OpLogicalOr, Op::OpBitwiseOr); }
  void visit_Not(const Not& op) override;
  void visit_Select(const Select& op) override;
  void visit_Cast(const Cast& op) override;
  void visit_Call(const Call& op) override;
  void visit_Load(const Load& op) override;
  void visit_ProducerLoad(const ProducerLoad& op) override { not_lowered(op.producer->name); }
  void visit_Reduce(const Reduce&) override { not_lowered("a reduction"); }
  void visit_ThreadIndex(const ThreadIndex& op) override;
  void visit_Subgroup(const Subgroup& op) override;
  void visit_VectorLane(const VectorLane& op) override;
  void visit_MakeVector(const MakeVector& op) override;

  void visit_LetStmt(const LetStmt& op) override;
  void visit_For(const For& op) override;
  void visit_Store(const Store& op) override;
  void visit_ProducerStore(const ProducerStore& op) override { not_lowered(op.producer->name); }
  void visit_IfThenElse(const IfThenElse& op) override;
  void visit_Allocate(const Allocate& op) override;
  void visit_Barrier(const Barrier& op) override;
  void visit_MatrixOp(const MatrixOp& op) override;

 private:
  Id matrix_type(const BufferNode& f);
  struct BufferVar {
    Id var;
    SC storage;
    bool writable;
    uint32_t lanes = 1;  // > 1: an array of vectors (vector copies; ir/vector_access.hpp)
  };
  uint32_t lanes_of(const BufferNode* b) const {
    auto it = lanes_.find(b);
    return it == lanes_.end() ? 1 : static_cast<uint32_t>(it->second);
  }
  // 8 halves (16 bytes) are a uvec4: vectors of more than 4 need the Vector16 capability,
  // which Vulkan does not have.
  Id elem_type(DType t, uint32_t lanes) {
    if (lanes == 8) return b_.type_vector(b_.type_int(32, false), 4);
    return lanes == 1 ? mem_type(t) : b_.type_vector(mem_type(t), lanes);
  }

  Id eval(const Expr& e) {
    value_ = 0;
    visit(e);
    internal_assert(value_ != 0) << "no value emitted for " << to_string(e);
    return value_;
  }
  // The SSA type of a value (bool is OpTypeBool) and its type in memory (bool is u32).
  Id value_type(DType t);
  Id mem_type(DType t) { return t.is_bool() ? b_.type_int(32, false) : value_type(t); }
  Id glsl(GLSLstd450 inst, Id type, std::vector<uint32_t> args);
  Id pointer_to(const Buffer& buf, const Expr& index, int lanes = 1);
  void bind(const Expr& var, Id value);
  void emit_loop(const For& op, uint32_t loop_control);
  [[noreturn]] void not_lowered(const std::string& what) {
    internal_error << "kernel '" << k_.name << "' still contains " << what
                   << " (unlowered tensor access) at SPIR-V emission";
  }

  template <typename N>
  void arith(const N& op, Op si, Op ui, Op f);
  template <typename N>
  void ext_binary(const N& op, GLSLstd450 si, GLSLstd450 ui, GLSLstd450 f);
  template <typename N>
  void compare(const N& op, Op si, Op ui, Op f, Op b);
  template <typename N>
  void logic(const N& op, Op on_bool, Op on_int);

  const Kernel& k_;
  const Target& target_;
  lowering::GuardScope scope_;  // ranges in scope, for pruning unrolled iterations
  SpvBuilder b_;
  Id value_ = 0;
  std::unordered_map<const ExprNode*, Id> vars_;
  std::unordered_map<const BufferNode*, BufferVar> buffers_;
  std::unordered_map<const BufferNode*, int> lanes_;
  std::unordered_map<const BufferNode*, Id> workgroup_vars_;
  std::unordered_map<uint32_t, Id> builtins_;  // BuiltIn -> Input variable
  std::vector<uint32_t> interface_;
};

Id CodeGenSpirv::value_type(DType t) {
  switch (t.code) {
    case TypeCode::Bool:
      return b_.type_bool();
    case TypeCode::Int:
    case TypeCode::UInt:
      internal_assert(t.bits == 32) << "unsupported integer width " << t.str();
      return b_.type_int(32, t.is_int());
    case TypeCode::Float:
      if (t.bits == 16) {
        user_assert(k_.uses_f16)
            << "kernel '" << k_.name << "' computes with f16 but was not compiled with f16 "
            << "enabled (Kernel::uses_f16 is false); f16 needs the Vulkan shaderFloat16 and "
            << "storageBuffer16BitAccess features";
        return b_.type_float(16);
      }
      internal_assert(t.bits == 32) << "unsupported float width " << t.str();
      return b_.type_float(32);
  }
  internal_error << "unknown dtype";
}

Id CodeGenSpirv::glsl(GLSLstd450 inst, Id type, std::vector<uint32_t> args) {
  args.insert(args.begin(), {b_.ext_inst_import("GLSL.std.450"), static_cast<uint32_t>(inst)});
  return b_.op(Op::OpExtInst, type, args);
}

void CodeGenSpirv::bind(const Expr& var, Id value) { vars_[var.get()] = value; }

std::vector<uint32_t> CodeGenSpirv::run() {
  user_assert(k_.body.defined()) << "kernel '" << k_.name << "' has no body";
  b_.capability(::spv::Capability::Shader);
  if (k_.uses_subgroups) {
    b_.capability(::spv::Capability::GroupNonUniform);
    b_.capability(::spv::Capability::GroupNonUniformArithmetic);
  }
  if (k_.subgroup_matrix_size > 0) {
    b_.capability(static_cast<::spv::Capability>(6022));  // CooperativeMatrixKHR
    b_.extension("SPV_KHR_cooperative_matrix");
  }
  if (k_.uses_f16) {
    b_.capability(::spv::Capability::Float16);
    b_.capability(::spv::Capability::StorageBuffer16BitAccess);
    b_.extension("SPV_KHR_16bit_storage");
  }
  b_.emit(SpvBuilder::kMemoryModel, Op::OpMemoryModel,
          {static_cast<uint32_t>(::spv::AddressingModel::Logical),
           static_cast<uint32_t>(::spv::MemoryModel::GLSL450)});

  // Storage buffers: binding i, set 0, a Block struct holding one runtime array.
  lanes_ = ir::buffer_lanes(k_.body);
  for (uint32_t i = 0; i < k_.buffers.size(); ++i) {
    const Buffer& buf = k_.buffers[i].buffer;
    internal_assert(buf && buf->scope == MemScope::Global)
        << "kernel '" << k_.name << "' binding " << i << " is not a global buffer";
    uint32_t lanes = lanes_of(buf.get());
    Id rta = b_.type_runtime_array(elem_type(buf->type, lanes),
                                   static_cast<uint32_t>(buf->type.bytes()) * lanes);
    Id block = b_.new_block_struct({rta}, {0});  // one block type per binding (see builder)
    Id var = b_.global_variable(b_.type_pointer(SC::StorageBuffer, block), SC::StorageBuffer);
    b_.decorate(var, ::spv::Decoration::DescriptorSet, {0});
    b_.decorate(var, ::spv::Decoration::Binding, {i});
    if (!k_.buffers[i].written) b_.decorate(var, ::spv::Decoration::NonWritable);
    b_.name(var, buf->name);
    buffers_[buf.get()] = {var, SC::StorageBuffer, k_.buffers[i].written, lanes};
  }

  Id void_t = b_.type_void();
  Id fn = b_.new_id();
  b_.name(fn, "main");
  b_.op_void(Op::OpFunction,
             {void_t, fn, static_cast<uint32_t>(::spv::FunctionControlMask::MaskNone),
              b_.type_function(void_t, {})});
  b_.begin_block(b_.new_id());

  // The uniform block of symbolic extents: i32 fields at std140 offsets 0, 4, 8, ... Each is
  // read through select(specialized, <spec constant i>, <uniform i>) (model::
  // kSymbolsSpecializedSpecId): the generic pipeline reads the uniform, a specialized one the
  // constants, which the driver folds.
  if (!k_.scalars.empty()) {
    Id i32 = b_.type_int(32, true);
    std::vector<Id> members(k_.scalars.size(), i32);
    std::vector<uint32_t> offsets;
    for (uint32_t j = 0; j < members.size(); ++j) offsets.push_back(4 * j);
    Id block = b_.type_block_struct(members, offsets);
    Id var = b_.global_variable(b_.type_pointer(SC::Uniform, block), SC::Uniform);
    b_.decorate(var, ::spv::Decoration::DescriptorSet, {0});
    b_.decorate(var, ::spv::Decoration::Binding, {static_cast<uint32_t>(k_.buffers.size())});
    b_.name(var, "extents");
    Id ptr_t = b_.type_pointer(SC::Uniform, i32);
    Id specialized = b_.spec_const(b_.type_bool(), 0, model::kSymbolsSpecializedSpecId);
    b_.name(specialized, "webtx_specialized");
    for (uint32_t j = 0; j < members.size(); ++j) {
      const Expr& s = k_.scalars[j];
      internal_assert(s.as<Variable>() && s.type() == DType::i32())
          << "kernel '" << k_.name << "' scalar " << j << " is not an i32 Variable";
      Id value = b_.spec_const(i32, 0, j);
      b_.name(value, s.as<Variable>()->name + "_value");
      Id p = b_.op(Op::OpAccessChain, ptr_t, {var, b_.const_u32(j)});
      bind(s, b_.op(Op::OpSelect, i32, {specialized, value, b_.op(Op::OpLoad, i32, {p})}));
    }
  }

  visit(scope_.drop_out_of_bounds(k_.body));
  b_.op_void(Op::OpReturn, {});
  b_.op_void(Op::OpFunctionEnd, {});

  std::vector<uint32_t> ep{static_cast<uint32_t>(::spv::ExecutionModel::GLCompute), fn};
  auto name = SpvBuilder::string_words("main");
  ep.insert(ep.end(), name.begin(), name.end());
  ep.insert(ep.end(), interface_.begin(), interface_.end());
  b_.emit(SpvBuilder::kEntryPoints, Op::OpEntryPoint, ep);
  for (auto w : k_.workgroup_size) {
    // The upper bounds are the target's (checked in emit_kernel).
    user_assert(w >= 1) << "kernel '" << k_.name << "' has workgroup size " << w
                        << " (must be at least 1)";
  }
  b_.emit(SpvBuilder::kExecutionModes, Op::OpExecutionMode,
          {fn, static_cast<uint32_t>(::spv::ExecutionMode::LocalSize),
           static_cast<uint32_t>(k_.workgroup_size[0]), static_cast<uint32_t>(k_.workgroup_size[1]),
           static_cast<uint32_t>(k_.workgroup_size[2])});
  return b_.finalize();
}

// ---- expressions ------------------------------------------------------------------------------

void CodeGenSpirv::visit_IntImm(const IntImm& op) {
  if (op.type.is_bool()) {
    value_ = b_.const_bool(op.value != 0);
  } else {
    value_ = b_.const_bits(value_type(op.type), static_cast<uint32_t>(op.value));
  }
}

void CodeGenSpirv::visit_FloatImm(const FloatImm& op) {
  uint32_t bits = op.type.bits == 16 ? webtx::float_to_half(static_cast<float>(op.value))
                                     : std::bit_cast<uint32_t>(static_cast<float>(op.value));
  value_ = b_.const_bits(value_type(op.type), bits);
}

void CodeGenSpirv::visit_Variable(const Variable& op) {
  auto it = vars_.find(&op);
  internal_assert(it != vars_.end())
      << "kernel '" << k_.name << "' uses variable '" << op.name
      << "' that is neither a kernel scalar nor a loop or let variable in scope";
  value_ = it->second;
}

template <typename N>
void CodeGenSpirv::arith(const N& op, Op si, Op ui, Op f) {
  DType t = op.type;
  internal_assert(!t.is_bool()) << "arithmetic on bool in kernel '" << k_.name << "'";
  Id a = eval(op.a), b = eval(op.b);
  value_ = b_.op(t.is_float() ? f : t.is_uint() ? ui : si, value_type(t), {a, b});
}

template <typename N>
void CodeGenSpirv::ext_binary(const N& op, GLSLstd450 si, GLSLstd450 ui, GLSLstd450 f) {
  DType t = op.type;
  internal_assert(!t.is_bool()) << "min/max on bool in kernel '" << k_.name << "'";
  Id a = eval(op.a), b = eval(op.b);
  value_ = glsl(t.is_float() ? f : t.is_uint() ? ui : si, value_type(t), {a, b});
}

template <typename N>
void CodeGenSpirv::compare(const N& op, Op si, Op ui, Op f, Op b) {
  DType t = op.a.type();
  Op o = t.is_float() ? f : t.is_uint() ? ui : t.is_int() ? si : b;
  internal_assert(o != Op::OpNop) << "ordered comparison of bools in kernel '" << k_.name << "'";
  Id x = eval(op.a), y = eval(op.b);
  value_ = b_.op(o, b_.type_bool(), {x, y});
}

template <typename N>
void CodeGenSpirv::logic(const N& op, Op on_bool, Op on_int) {
  DType t = op.type;
  internal_assert(t.is_bool() || t.is_integer()) << "logic op on " << t.str();
  Id a = eval(op.a), b = eval(op.b);
  value_ = b_.op(t.is_bool() ? on_bool : on_int, value_type(t), {a, b});
}

void CodeGenSpirv::visit_Mod(const Mod& op) {
  if (op.type.is_uint()) return arith(op, Op::OpNop, Op::OpUMod, Op::OpNop);
  if (op.type.is_int()) {
    // a - b * (a / b) with OpSDiv, as Tint does: Vulkan leaves OpSRem/OpSMod undefined when an
    // operand is negative (the NVIDIA driver computes an unsigned remainder; docs/spirv.md).
    Id t = value_type(op.type);
    Id a = eval(op.a), b = eval(op.b);
    Id q = b_.op(Op::OpSDiv, t, {a, b});
    value_ = b_.op(Op::OpISub, t, {a, b_.op(Op::OpIMul, t, {b, q})});
    return;
  }
  // x - y * trunc(x / y): the IR's float Mod (C's fmod), not GLSL's floor-based mod.
  Id t = value_type(op.type);
  Id a = eval(op.a), b = eval(op.b);
  Id q = glsl(GLSLstd450Trunc, t, {b_.op(Op::OpFDiv, t, {a, b})});
  value_ = b_.op(Op::OpFSub, t, {a, b_.op(Op::OpFMul, t, {b, q})});
}

void CodeGenSpirv::visit_Not(const Not& op) {
  Id a = eval(op.a);
  value_ = b_.op(Op::OpLogicalNot, b_.type_bool(), {a});
}

void CodeGenSpirv::visit_Select(const Select& op) {
  Id c = eval(op.cond), t = eval(op.t), f = eval(op.f);
  value_ = b_.op(Op::OpSelect, value_type(op.type), {c, t, f});
}

void CodeGenSpirv::visit_Cast(const Cast& op) {
  DType from = op.value.type(), to = op.type;
  Id v = eval(op.value);
  if (from == to) return;
  Id tt = value_type(to);
  if (to.is_bool()) {  // number -> bool is "!= 0" (NaN counts as nonzero, as in C)
    Id zero = b_.const_bits(value_type(from), 0);  // +0.0 and integer 0 are all-zero bits
    value_ = b_.op(from.is_float() ? Op::OpFUnordNotEqual : Op::OpINotEqual, tt, {v, zero});
    return;
  }
  if (from.is_bool()) {  // bool -> number is 0 or 1
    uint32_t one =
        to.is_float() ? (to.bits == 16 ? webtx::float_to_half(1.0f) : std::bit_cast<uint32_t>(1.0f))
                      : 1u;
    value_ = b_.op(Op::OpSelect, tt, {v, b_.const_bits(tt, one), b_.const_bits(tt, 0)});
    return;
  }
  Op o;
  if (from.is_float() && to.is_float()) {
    o = Op::OpFConvert;
  } else if (from.is_float()) {
    o = to.is_int() ? Op::OpConvertFToS : Op::OpConvertFToU;  // truncates toward zero
  } else if (to.is_float()) {
    o = from.is_int() ? Op::OpConvertSToF : Op::OpConvertUToF;
  } else {
    o = Op::OpBitcast;  // i32 <-> u32: same bits, two's complement
  }
  value_ = b_.op(o, tt, {v});
}

void CodeGenSpirv::visit_Call(const Call& op) {
  Id t = value_type(op.type);
  std::vector<uint32_t> args;
  for (auto& a : op.args) args.push_back(eval(a));
  switch (op.func) {
    case Intrinsic::Exp:
      value_ = glsl(GLSLstd450Exp, t, args);
      return;
    case Intrinsic::Log:
      value_ = glsl(GLSLstd450Log, t, args);
      return;
    case Intrinsic::Sqrt:
      value_ = glsl(GLSLstd450Sqrt, t, args);
      return;
    case Intrinsic::Rsqrt:
      value_ = glsl(GLSLstd450InverseSqrt, t, args);
      return;
    case Intrinsic::Tanh:
      value_ = glsl(GLSLstd450Tanh, t, args);
      return;
    case Intrinsic::Pow:
      value_ = glsl(GLSLstd450Pow, t, args);
      return;
    case Intrinsic::Floor:
      value_ = glsl(GLSLstd450Floor, t, args);
      return;
    case Intrinsic::Ceil:
      value_ = glsl(GLSLstd450Ceil, t, args);
      return;
    case Intrinsic::Sin:
      value_ = glsl(GLSLstd450Sin, t, args);
      return;
    case Intrinsic::Cos:
      value_ = glsl(GLSLstd450Cos, t, args);
      return;
    case Intrinsic::Abs:
      if (op.type.is_uint()) {
        value_ = args[0];
      } else if (op.type.is_float() && op.type.bits == 32) {
        // The sign bit cleared, not FAbs: NVIDIA's compiler dropped the FAbs of
        // abs(max(abs(a), b)) (its operand "cannot be negative"), wrong for a NaN `a`, where
        // max gives b (GPU fuzz seed 34456).
        Id u = b_.type_int(32, false);
        Id bits = b_.op(Op::OpBitcast, u, {args[0]});
        value_ = b_.op(Op::OpBitcast, t,
                       {b_.op(Op::OpBitwiseAnd, u, {bits, b_.const_bits(u, 0x7fffffffu)})});
      } else {
        value_ = glsl(op.type.is_float() ? GLSLstd450FAbs : GLSLstd450SAbs, t, args);
      }
      return;
    case Intrinsic::Sigmoid: {  // 1 / (1 + exp(-x))
      uint32_t one_bits =
          op.type.bits == 16 ? webtx::float_to_half(1.0f) : std::bit_cast<uint32_t>(1.0f);
      Id one = b_.const_bits(t, one_bits);
      Id e = glsl(GLSLstd450Exp, t, {b_.op(Op::OpFNegate, t, {args[0]})});
      value_ = b_.op(Op::OpFDiv, t, {one, b_.op(Op::OpFAdd, t, {one, e})});
      return;
    }
    case Intrinsic::Erf:
      internal_error << "kernel '" << k_.name
                     << "' reached SPIR-V emission with erf; legalize_intrinsics must run first";
  }
  internal_error << "unknown intrinsic";
}

// A pointer to `lanes` elements at `index` (vector accesses count in vectors; a scalar access
// to a vector array chains to component index % L of vector index / L).
Id CodeGenSpirv::pointer_to(const Buffer& buf, const Expr& index, int lanes) {
  auto it = buffers_.find(buf.get());
  internal_assert(it != buffers_.end())
      << "kernel '" << k_.name << "' accesses buffer '" << buf->name
      << "' that is neither bound nor allocated in scope";
  const BufferVar& bv = it->second;
  internal_assert(lanes == 1 || static_cast<uint32_t>(lanes) == bv.lanes)
      << "kernel '" << k_.name << "': " << lanes << "-lane access to '" << buf->name << "'";
  Id idx = eval(index);
  std::vector<uint32_t> chain{bv.var};
  if (bv.storage == SC::StorageBuffer) chain.push_back(b_.const_u32(0));
  if (lanes == 1 && bv.lanes > 1) {
    Id i32 = b_.type_int(32, true);
    uint32_t shift = bv.lanes == 4 ? 2 : 1;
    chain.push_back(b_.op(Op::OpShiftRightArithmetic, i32, {idx, b_.const_i32(shift)}));
    chain.push_back(b_.op(Op::OpBitwiseAnd, i32, {idx, b_.const_i32(bv.lanes - 1)}));
  } else {
    chain.push_back(idx);
  }
  Id ptr_t = b_.type_pointer(bv.storage, elem_type(buf->type, static_cast<uint32_t>(lanes)));
  return b_.op(Op::OpAccessChain, ptr_t, chain);
}

void CodeGenSpirv::visit_Load(const Load& op) {
  Id p = pointer_to(op.buffer, op.index, op.lanes);
  Id v = b_.op(Op::OpLoad, elem_type(op.type, static_cast<uint32_t>(op.lanes)), {p});
  if (op.type.is_bool()) v = b_.op(Op::OpINotEqual, b_.type_bool(), {v, b_.const_u32(0)});
  value_ = v;
}

void CodeGenSpirv::visit_ThreadIndex(const ThreadIndex& op) {
  auto builtin = op.axis == ThreadAxis::WorkgroupId ? ::spv::BuiltIn::WorkgroupId
                                                    : ::spv::BuiltIn::LocalInvocationId;
  Id u32 = b_.type_int(32, false), v3 = b_.type_vector(u32, 3);
  Id& var = builtins_[static_cast<uint32_t>(builtin)];
  if (var == 0) {
    var = b_.global_variable(b_.type_pointer(SC::Input, v3), SC::Input);
    b_.decorate(var, ::spv::Decoration::BuiltIn, {static_cast<uint32_t>(builtin)});
    interface_.push_back(var);
  }
  Id vec = b_.op(Op::OpLoad, v3, {var});
  Id c = b_.op(Op::OpCompositeExtract, u32, {vec, static_cast<uint32_t>(op.dim)});
  value_ = b_.op(Op::OpBitcast, b_.type_int(32, true), {c});
}

// Lane and size: the SubgroupLocalInvocationId / SubgroupSize inputs; a reduction:
// OpGroupNonUniform{F,I}Add / {F,S,U}Max / {F,S,U}Min with Scope Subgroup, GroupOperation Reduce.
// Vectorized elementwise code (vectorize.hpp): only 32-bit non-bool elements, so the value
// and memory types agree.
void CodeGenSpirv::visit_VectorLane(const VectorLane& op) {
  Id v = eval(op.vector);
  value_ = b_.op(Op::OpCompositeExtract, value_type(op.type), {v, static_cast<uint32_t>(op.lane)});
}

void CodeGenSpirv::visit_MakeVector(const MakeVector& op) {
  std::vector<uint32_t> parts;
  for (auto& e : op.elements) parts.push_back(eval(e));
  value_ = b_.op(Op::OpCompositeConstruct,
                 elem_type(op.type, static_cast<uint32_t>(op.elements.size())), parts);
}

void CodeGenSpirv::visit_Subgroup(const Subgroup& op) {
  internal_assert(k_.uses_subgroups)
      << "kernel '" << k_.name << "' uses subgroups but Kernel::uses_subgroups is not set";
  if (op.what != SubgroupOp::Reduce) {
    auto builtin = op.what == SubgroupOp::Lane ? ::spv::BuiltIn::SubgroupLocalInvocationId
                   : op.what == SubgroupOp::Id ? ::spv::BuiltIn::SubgroupId
                                               : ::spv::BuiltIn::SubgroupSize;
    Id u32 = b_.type_int(32, false);
    Id& var = builtins_[static_cast<uint32_t>(builtin)];
    if (var == 0) {
      var = b_.global_variable(b_.type_pointer(SC::Input, u32), SC::Input);
      b_.decorate(var, ::spv::Decoration::BuiltIn, {static_cast<uint32_t>(builtin)});
      interface_.push_back(var);
    }
    value_ = b_.op(Op::OpBitcast, b_.type_int(32, true), {b_.op(Op::OpLoad, u32, {var})});
    return;
  }
  const DType t = op.type;
  Op inst;
  switch (op.op) {
    case ReduceOp::Sum:
      inst = t.is_float() ? Op::OpGroupNonUniformFAdd : Op::OpGroupNonUniformIAdd;
      break;
    case ReduceOp::Max:
      inst = t.is_float()  ? Op::OpGroupNonUniformFMax
             : t.is_uint() ? Op::OpGroupNonUniformUMax
                           : Op::OpGroupNonUniformSMax;
      break;
    default:
      inst = t.is_float()  ? Op::OpGroupNonUniformFMin
             : t.is_uint() ? Op::OpGroupNonUniformUMin
                           : Op::OpGroupNonUniformSMin;
      break;
  }
  Id v = eval(op.value);
  value_ = b_.op(inst, value_type(t),
                 {b_.const_u32(static_cast<uint32_t>(::spv::Scope::Subgroup)),
                  static_cast<uint32_t>(::spv::GroupOperation::Reduce), v});
}

// ---- statements -------------------------------------------------------------------------------

void CodeGenSpirv::visit_LetStmt(const LetStmt& op) {
  Id v = eval(op.value);
  auto saved = vars_.find(op.var.get()) != vars_.end() ? vars_[op.var.get()] : 0;
  bind(op.var, v);
  scope_.push_let(op.var, op.value);
  visit(op.body);
  scope_.pop();
  if (saved) {
    vars_[op.var.get()] = saved;
  } else {
    vars_.erase(op.var.get());
  }
}

void CodeGenSpirv::visit_For(const For& op) {
  internal_assert(op.var.type().is_integer()) << "loop variable of type " << op.var.type().str();
  if (op.for_kind == ForKind::Serial) return emit_loop(op, 0);
  auto* ext = op.extent.as<IntImm>();
  internal_assert(ext) << "kernel '" << k_.name << "': " << for_kind_name(op.for_kind)
                       << " loop over " << to_string(op.var) << " has a non-constant extent";
  // Loops of at most the target's maxUnrollIterations are replicated at emission; longer ones
  // stay a loop with no loop-control hint (the driver decides), as in WGSL. An Unroll hint
  // made spirv-opt replicate them all the same (seed 8064: four 144-iteration copy loops of
  // an 18 KB private array became 576 copies, 73 KB of SPIR-V; lavapipe took 66 s on it).
  if (ext->value > target_.limits.maxUnrollIterations) return emit_loop(op, 0);
  // Replicate the body, the loop variable bound to min + k each time.
  Id t = value_type(op.var.type());
  auto* mn_imm = op.min.as<IntImm>();
  Id mn = mn_imm ? 0 : eval(op.min);
  for (int64_t k = 0; k < ext->value; ++k) {
    Id v = mn_imm
               ? b_.const_bits(t, static_cast<uint32_t>(mn_imm->value + k))
               : (k == 0 ? mn
                         : b_.op(Op::OpIAdd, t, {mn, b_.const_bits(t, static_cast<uint32_t>(k))}));
    bind(op.var, v);
    if (mn_imm) {
      ir::Stmt body = scope_.prune(op.body, op.var, mn_imm->value + k);
      scope_.push_value(op.var, mn_imm->value + k);
      visit(body);
    } else {
      scope_.push_loop(op.var, op.min, op.extent);
      visit(op.body);
    }
    scope_.pop();
  }
  vars_.erase(op.var.get());
}

// header:  i = phi(min from pre, i+1 from continue); LoopMerge; branch (i < end) body : merge
void CodeGenSpirv::emit_loop(const For& op, uint32_t loop_control) {
  DType vt = op.var.type();
  Id t = value_type(vt);
  Id mn = eval(op.min), ext = eval(op.extent);
  Id end = b_.op(Op::OpIAdd, t, {mn, ext});
  Id pre = b_.current_block();
  Id header = b_.new_id(), body = b_.new_id(), cont = b_.new_id(), merge = b_.new_id();
  Id i = b_.new_id(), next = b_.new_id();
  b_.op_void(Op::OpBranch, {header});
  b_.begin_block(header);
  b_.op_void(Op::OpPhi, {t, i, mn, pre, next, cont});
  Id c = b_.op(vt.is_int() ? Op::OpSLessThan : Op::OpULessThan, b_.type_bool(), {i, end});
  b_.op_void(Op::OpLoopMerge, {merge, cont, loop_control});
  b_.op_void(Op::OpBranchConditional, {c, body, merge});
  b_.begin_block(body);
  bind(op.var, i);
  scope_.push_loop(op.var, op.min, op.extent);
  visit(op.body);
  scope_.pop();
  b_.op_void(Op::OpBranch, {cont});
  b_.begin_block(cont);
  b_.op_void(Op::OpIAdd, {t, next, i, b_.const_bits(t, 1)});
  b_.op_void(Op::OpBranch, {header});
  b_.begin_block(merge);
  vars_.erase(op.var.get());
}

void CodeGenSpirv::visit_Store(const Store& op) {
  Id v = eval(op.value);
  if (op.value.type().is_bool()) {
    v = b_.op(Op::OpSelect, b_.type_int(32, false), {v, b_.const_u32(1), b_.const_u32(0)});
  }
  auto it = buffers_.find(op.buffer.get());
  internal_assert(it == buffers_.end() || it->second.writable)
      << "kernel '" << k_.name << "' stores to buffer '" << op.buffer->name
      << "', which Kernel::buffers marks as not written (it would be bound NonWritable)";
  Id p = pointer_to(op.buffer, op.index, op.lanes);
  b_.op_void(Op::OpStore, {p, v});
}

void CodeGenSpirv::visit_IfThenElse(const IfThenElse& op) {
  Id c = eval(op.cond);
  Id then_l = b_.new_id(), merge = b_.new_id();
  Id else_l = op.else_case.defined() ? b_.new_id() : merge;
  b_.op_void(Op::OpSelectionMerge,
             {merge, static_cast<uint32_t>(::spv::SelectionControlMask::MaskNone)});
  b_.op_void(Op::OpBranchConditional, {c, then_l, else_l});
  b_.begin_block(then_l);
  visit(op.then_case);
  b_.op_void(Op::OpBranch, {merge});
  if (op.else_case.defined()) {
    b_.begin_block(else_l);
    visit(op.else_case);
    b_.op_void(Op::OpBranch, {merge});
  }
  b_.begin_block(merge);
}

// Subgroup-matrix fragments are Private variables of OpTypeCooperativeMatrixKHR, set to zero
// where they are declared (as WGSL zero-initialises them).
Id CodeGenSpirv::matrix_type(const BufferNode& f) {
  const uint32_t use = f.matrix == MatrixRole::Left ? 0 : f.matrix == MatrixRole::Right ? 1 : 2;
  auto dim = [&](int i) { return static_cast<uint32_t>(f.shape[i].as<IntImm>()->value); };
  return b_.type_cooperative_matrix(value_type(f.type), dim(0), dim(1), use);
}

void CodeGenSpirv::visit_MatrixOp(const MatrixOp& op) {
  internal_assert(k_.subgroup_matrix_size > 0)
      << "kernel '" << k_.name << "' uses subgroup matrices but subgroup_matrix_size is not set";
  constexpr auto kLoad = static_cast<Op>(4457), kStore = static_cast<Op>(4458),
                 kMulAdd = static_cast<Op>(4459);
  auto var_of = [&](const Buffer& b) {
    auto it = buffers_.find(b.get());
    internal_assert(it != buffers_.end())
        << "kernel '" << k_.name << "': fragment '" << b->name << "' used outside its Allocate";
    return it->second.var;
  };
  Id f = var_of(op.frag), ft = matrix_type(*op.frag);
  if (op.op == MatrixOpKind::MultiplyAccumulate) {
    Id a = b_.op(Op::OpLoad, matrix_type(*op.left), {var_of(op.left)});
    Id bb = b_.op(Op::OpLoad, matrix_type(*op.right), {var_of(op.right)});
    Id c = b_.op(Op::OpLoad, ft, {f});
    b_.op_void(Op::OpStore, {f, b_.op(kMulAdd, ft, {a, bb, c})});
    return;
  }
  // The first element: offset (and slice) in elements of the memory's type, over its lanes.
  auto it = buffers_.find(op.mem.get());
  internal_assert(it != buffers_.end())
      << "kernel '" << k_.name << "': '" << op.mem->name << "' is neither bound nor allocated";
  const int lanes = static_cast<int>(it->second.lanes);
  auto in_vectors = [&](const Expr& e) {
    if (auto* c = e.as<IntImm>()) {
      internal_assert(c->value % lanes == 0)
          << "kernel '" << k_.name << "': subgroup-matrix "
          << "offset or stride " << c->value << " of '" << op.mem->name << "' splits a vector";
      return IntImm::make(DType::i32(), c->value / lanes);
    }
    return lanes == 1 ? e : Div::make(e, IntImm::make(DType::i32(), lanes));
  };
  Expr base = in_vectors(op.offset);
  if (op.slice.defined())
    base = Add::make(
        Mul::make(op.slice,
                  IntImm::make(DType::i32(), op.mem->shape[1].as<IntImm>()->value / lanes)),
        base);
  Id p = pointer_to(op.mem, base, lanes);
  Id layout = b_.const_u32(op.col_major ? 1 : 0);
  Id stride = eval(in_vectors(op.stride));
  if (op.op == MatrixOpKind::Load) {
    b_.op_void(Op::OpStore, {f, b_.op(kLoad, ft, {p, layout, stride})});
  } else {
    b_.op_void(kStore, {p, b_.op(Op::OpLoad, ft, {f}), layout, stride});
  }
}

void CodeGenSpirv::visit_Allocate(const Allocate& op) {
  const Buffer& buf = op.buffer;
  if (buf->matrix != MatrixRole::None) {
    Id t = matrix_type(*buf);
    Id var = b_.global_variable(b_.type_pointer(SC::Private, t), SC::Private);
    b_.name(var, buf->name);
    Id zero = b_.const_composite(t, {b_.const_bits(value_type(buf->type), 0)});
    b_.op_void(Op::OpStore, {var, zero});
    buffers_[buf.get()] = {var, SC::Private, true, 1};
    visit(op.body);
    buffers_.erase(buf.get());
    return;
  }
  int64_t n = 1;
  for (auto& e : buf->shape) {
    auto* c = e.as<IntImm>();
    internal_assert(c) << "kernel '" << k_.name << "' allocates '" << buf->name
                       << "' with a non-constant extent " << to_string(e);
    n *= c->value;
  }
  internal_assert(n > 0 && n < (int64_t{1} << 31)) << "allocation '" << buf->name << "' of " << n;
  SC sc = buf->scope == MemScope::Workgroup ? SC::Workgroup : SC::Private;
  uint32_t lanes = lanes_of(buf.get());
  // Workgroup memory: one variable per buffer, however often its Allocate is visited (unrolled
  // or partitioned code repeats it), so the kernel uses the bytes it declares.
  Id& shared = workgroup_vars_[buf.get()];
  Id var = sc == SC::Workgroup ? shared : 0;
  if (!var) {
    Id arr = b_.type_array(elem_type(buf->type, lanes), static_cast<uint32_t>(n / lanes));
    var = b_.global_variable(b_.type_pointer(sc, arr), sc);
    b_.name(var, buf->name);
    if (sc == SC::Workgroup) shared = var;
  }
  buffers_[buf.get()] = {var, sc, true, lanes};
  visit(op.body);
  buffers_.erase(buf.get());
}

void CodeGenSpirv::visit_Barrier(const Barrier&) {
  // Execution and memory scope Workgroup; acquire-release on workgroup memory (GLSL barrier()).
  Id wg = b_.const_u32(static_cast<uint32_t>(::spv::Scope::Workgroup));
  Id sem = b_.const_u32(static_cast<uint32_t>(::spv::MemorySemanticsMask::AcquireRelease) |
                        static_cast<uint32_t>(::spv::MemorySemanticsMask::WorkgroupMemory));
  b_.op_void(Op::OpControlBarrier, {wg, wg, sem});
}

}  // namespace

std::vector<uint32_t> emit_kernel(const ir::Kernel& kernel, const Target& target) {
  check_kernel_target(kernel, target);
  return CodeGenSpirv(kernel, target).run();
}

}  // namespace webtx::codegen::spirv
