#pragma once
// A SPIR-V module builder (after Halide's SpvBuilder and TVM's spirv::IRBuilder): it owns the
// id counter, keeps one word vector per section of the logical layout (joined in finalize()),
// and declares types, constants and pointer types through look-up-or-create methods so that
// callers never de-duplicate. Opcodes and enums come from SPIRV-Headers.
#include <spirv/unified1/spirv.hpp11>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace webtx::codegen::spirv {

using Id = uint32_t;

class SpvBuilder {
 public:
  // Sections in the order the logical layout requires.
  enum Section : int {
    kCapabilities,
    kExtensions,
    kExtInstImports,
    kMemoryModel,
    kEntryPoints,
    kExecutionModes,
    kDebug,
    kAnnotations,
    kGlobals,  // types, constants, module-scope variables
    kFunctions,
    kNumSections
  };

  Id new_id() { return next_id_++; }

  // Appends one instruction: `op` followed by `operands` (ids or literals, already words).
  void emit(Section s, ::spv::Op op, const std::vector<uint32_t>& operands);
  // Encodes a literal string (UTF-8, NUL-terminated, padded to whole words).
  static std::vector<uint32_t> string_words(const std::string& s);

  // ---- module-level declarations (each declared once) ----
  void capability(::spv::Capability c);
  void extension(const std::string& name);
  Id ext_inst_import(const std::string& name);
  void name(Id id, const std::string& n);
  void decorate(Id id, ::spv::Decoration d, std::initializer_list<uint32_t> literals = {});
  void member_decorate(Id type, uint32_t member, ::spv::Decoration d,
                       std::initializer_list<uint32_t> literals = {});

  // ---- types (look-up-or-create) ----
  Id type_void();
  Id type_bool();
  Id type_int(int bits, bool is_signed);
  Id type_float(int bits);
  Id type_vector(Id elem, uint32_t n);
  // A fixed-size array without explicit layout (Workgroup / Private storage).
  Id type_array(Id elem, uint32_t length);
  // A runtime array with ArrayStride `stride` (storage buffers).
  Id type_runtime_array(Id elem, uint32_t stride);
  // A Block-decorated struct with the given members at the given byte offsets.
  Id type_block_struct(const std::vector<Id>& members, const std::vector<uint32_t>& offsets);
  // The same, but a new type on every call: each storage buffer gets its own block type, as
  // glslang and Tint emit them (the NVIDIA driver miscompiles a writable buffer that shares its
  // block type with a NonWritable one; docs/spirv.md).
  Id new_block_struct(const std::vector<Id>& members, const std::vector<uint32_t>& offsets);
  Id type_pointer(::spv::StorageClass sc, Id pointee);
  Id type_function(Id ret, const std::vector<Id>& params);
  // OpTypeCooperativeMatrixKHR (SPV_KHR_cooperative_matrix; opcode from the extension, which
  // Debian 12's SPIRV-Headers predate): rows x cols of `component`, Subgroup scope, `use` 0 =
  // MatrixA, 1 = MatrixB, 2 = MatrixAccumulator.
  Id type_cooperative_matrix(Id component, uint32_t rows, uint32_t cols, uint32_t use);

  // ---- constants (look-up-or-create) ----
  Id const_u32(uint32_t v);
  Id const_i32(int32_t v);
  Id const_bool(bool v);
  // A scalar constant of `type` whose value is the given bit pattern (int, float or half).
  Id const_bits(Id type, uint32_t bits);
  // OpConstantComposite (a cooperative matrix takes one scalar: every element).
  Id const_composite(Id type, const std::vector<Id>& constituents);
  // A specialization constant decorated SpecId `spec_id` (never shared: each is its own id):
  // OpSpecConstant of a 32-bit int `type` with the default `bits`, or of bool (OpSpecConstant
  // True/False by `bits`).
  Id spec_const(Id type, uint32_t bits, uint32_t spec_id);

  // A module-scope variable (Workgroup, Private, StorageBuffer, Uniform, Input).
  Id global_variable(Id pointer_type, ::spv::StorageClass sc);

  // ---- function bodies ----
  // Emits `op` with a fresh result id of `result_type` and returns the id.
  Id op(::spv::Op op, Id result_type, const std::vector<uint32_t>& operands);
  // Emits an instruction without result (stores, branches, barriers, merges).
  void op_void(::spv::Op op, const std::vector<uint32_t>& operands) {
    emit(kFunctions, op, operands);
  }
  // Opens a block: emits OpLabel `label` and makes it the current block.
  void begin_block(Id label);
  Id current_block() const { return current_block_; }

  // The module's words: header followed by every section in order.
  std::vector<uint32_t> finalize() const;

 private:
  Id lookup_or_create(const std::vector<uint32_t>& key, Section s, ::spv::Op op,
                      const std::vector<uint32_t>& operands, bool result_has_type);

  Id next_id_ = 1;
  Id current_block_ = 0;
  std::array<std::vector<uint32_t>, kNumSections> sections_;
  std::map<std::vector<uint32_t>, Id> dedup_;  // opcode + operands -> id
  std::set<uint32_t> capabilities_;
  std::set<std::string> extensions_;
  std::map<std::string, Id> ext_imports_;
};

}  // namespace webtx::codegen::spirv
