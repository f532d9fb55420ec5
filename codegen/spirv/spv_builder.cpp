#include "spv_builder.hpp"

#include "webtx/error.hpp"

namespace webtx::codegen::spirv {

using ::spv::Op;

void SpvBuilder::emit(Section s, Op op, const std::vector<uint32_t>& operands) {
  const uint32_t count = static_cast<uint32_t>(operands.size() + 1);
  internal_assert(count < 0x10000) << "SPIR-V instruction too long";
  auto& out = sections_[s];
  out.push_back((count << ::spv::WordCountShift) | static_cast<uint32_t>(op));
  out.insert(out.end(), operands.begin(), operands.end());
}

std::vector<uint32_t> SpvBuilder::string_words(const std::string& s) {
  std::vector<uint32_t> words((s.size() + 4) / 4, 0u);  // always room for the NUL
  for (size_t i = 0; i < s.size(); ++i) {
    words[i / 4] |= static_cast<uint32_t>(static_cast<unsigned char>(s[i])) << (8 * (i % 4));
  }
  return words;
}

void SpvBuilder::capability(::spv::Capability c) {
  if (capabilities_.insert(static_cast<uint32_t>(c)).second) {
    emit(kCapabilities, Op::OpCapability, {static_cast<uint32_t>(c)});
  }
}

void SpvBuilder::extension(const std::string& ext) {
  if (extensions_.insert(ext).second) emit(kExtensions, Op::OpExtension, string_words(ext));
}

Id SpvBuilder::ext_inst_import(const std::string& n) {
  auto it = ext_imports_.find(n);
  if (it != ext_imports_.end()) return it->second;
  Id id = new_id();
  std::vector<uint32_t> ops{id};
  auto w = string_words(n);
  ops.insert(ops.end(), w.begin(), w.end());
  emit(kExtInstImports, Op::OpExtInstImport, ops);
  return ext_imports_[n] = id;
}

void SpvBuilder::name(Id id, const std::string& n) {
  std::vector<uint32_t> ops{id};
  auto w = string_words(n);
  ops.insert(ops.end(), w.begin(), w.end());
  emit(kDebug, Op::OpName, ops);
}

void SpvBuilder::decorate(Id id, ::spv::Decoration d, std::initializer_list<uint32_t> lits) {
  std::vector<uint32_t> ops{id, static_cast<uint32_t>(d)};
  ops.insert(ops.end(), lits.begin(), lits.end());
  emit(kAnnotations, Op::OpDecorate, ops);
}

void SpvBuilder::member_decorate(Id type, uint32_t member, ::spv::Decoration d,
                                 std::initializer_list<uint32_t> lits) {
  std::vector<uint32_t> ops{type, member, static_cast<uint32_t>(d)};
  ops.insert(ops.end(), lits.begin(), lits.end());
  emit(kAnnotations, Op::OpMemberDecorate, ops);
}

Id SpvBuilder::lookup_or_create(const std::vector<uint32_t>& key, Section s, Op op,
                                const std::vector<uint32_t>& operands, bool result_has_type) {
  auto it = dedup_.find(key);
  if (it != dedup_.end()) return it->second;
  Id id = new_id();
  std::vector<uint32_t> ops;
  if (result_has_type) {
    ops.push_back(operands.at(0));
    ops.push_back(id);
    ops.insert(ops.end(), operands.begin() + 1, operands.end());
  } else {
    ops.push_back(id);
    ops.insert(ops.end(), operands.begin(), operands.end());
  }
  emit(s, op, ops);
  dedup_.emplace(key, id);
  return id;
}

static std::vector<uint32_t> key_of(Op op, const std::vector<uint32_t>& operands) {
  std::vector<uint32_t> k{static_cast<uint32_t>(op)};
  k.insert(k.end(), operands.begin(), operands.end());
  return k;
}

#define WEBTX_TYPE(OP, ...)                                         \
  do {                                                              \
    std::vector<uint32_t> o{__VA_ARGS__};                           \
    return lookup_or_create(key_of(OP, o), kGlobals, OP, o, false); \
  } while (0)

Id SpvBuilder::type_void() { WEBTX_TYPE(Op::OpTypeVoid); }
Id SpvBuilder::type_bool() { WEBTX_TYPE(Op::OpTypeBool); }
Id SpvBuilder::type_int(int bits, bool is_signed) {
  WEBTX_TYPE(Op::OpTypeInt, static_cast<uint32_t>(bits), is_signed ? 1u : 0u);
}
Id SpvBuilder::type_float(int bits) { WEBTX_TYPE(Op::OpTypeFloat, static_cast<uint32_t>(bits)); }
Id SpvBuilder::type_vector(Id elem, uint32_t n) { WEBTX_TYPE(Op::OpTypeVector, elem, n); }
Id SpvBuilder::type_array(Id elem, uint32_t length) {
  Id len = const_u32(length);
  WEBTX_TYPE(Op::OpTypeArray, elem, len);
}
Id SpvBuilder::type_pointer(::spv::StorageClass sc, Id pointee) {
  WEBTX_TYPE(Op::OpTypePointer, static_cast<uint32_t>(sc), pointee);
}
#undef WEBTX_TYPE

Id SpvBuilder::type_runtime_array(Id elem, uint32_t stride) {
  // The stride is part of the key: the decoration makes arrays of different strides distinct.
  auto key = key_of(Op::OpTypeRuntimeArray, {elem, stride});
  if (auto it = dedup_.find(key); it != dedup_.end()) return it->second;
  Id id = lookup_or_create(key, kGlobals, Op::OpTypeRuntimeArray, {elem}, false);
  decorate(id, ::spv::Decoration::ArrayStride, {stride});
  return id;
}

Id SpvBuilder::type_block_struct(const std::vector<Id>& members,
                                 const std::vector<uint32_t>& offsets) {
  std::vector<uint32_t> key_ops = members;
  key_ops.insert(key_ops.end(), offsets.begin(), offsets.end());
  auto key = key_of(Op::OpTypeStruct, key_ops);
  if (auto it = dedup_.find(key); it != dedup_.end()) return it->second;
  Id id = new_block_struct(members, offsets);
  dedup_.emplace(key, id);
  return id;
}

Id SpvBuilder::new_block_struct(const std::vector<Id>& members,
                                const std::vector<uint32_t>& offsets) {
  internal_assert(members.size() == offsets.size()) << "struct members and offsets differ";
  Id id = new_id();
  std::vector<uint32_t> ops{id};
  ops.insert(ops.end(), members.begin(), members.end());
  emit(kGlobals, Op::OpTypeStruct, ops);
  decorate(id, ::spv::Decoration::Block);
  for (uint32_t i = 0; i < offsets.size(); ++i) {
    member_decorate(id, i, ::spv::Decoration::Offset, {offsets[i]});
  }
  return id;
}

Id SpvBuilder::type_function(Id ret, const std::vector<Id>& params) {
  std::vector<uint32_t> o{ret};
  o.insert(o.end(), params.begin(), params.end());
  return lookup_or_create(key_of(Op::OpTypeFunction, o), kGlobals, Op::OpTypeFunction, o, false);
}

Id SpvBuilder::const_bits(Id type, uint32_t bits) {
  return lookup_or_create(key_of(Op::OpConstant, {type, bits}), kGlobals, Op::OpConstant,
                          {type, bits}, true);
}
Id SpvBuilder::const_composite(Id type, const std::vector<Id>& constituents) {
  std::vector<uint32_t> o{type};
  o.insert(o.end(), constituents.begin(), constituents.end());
  return lookup_or_create(key_of(Op::OpConstantComposite, o), kGlobals, Op::OpConstantComposite, o,
                          true);
}

Id SpvBuilder::spec_const(Id type, uint32_t bits, uint32_t spec_id) {
  Id id = new_id();
  if (type == type_bool()) {
    emit(kGlobals, bits ? Op::OpSpecConstantTrue : Op::OpSpecConstantFalse, {type, id});
  } else {
    emit(kGlobals, Op::OpSpecConstant, {type, id, bits});
  }
  decorate(id, ::spv::Decoration::SpecId, {spec_id});
  return id;
}

Id SpvBuilder::type_cooperative_matrix(Id component, uint32_t rows, uint32_t cols, uint32_t use) {
  constexpr auto kOpTypeCooperativeMatrixKHR = static_cast<Op>(4456);
  constexpr uint32_t kScopeSubgroup = 3;
  std::vector<uint32_t> o{component, const_u32(kScopeSubgroup), const_u32(rows), const_u32(cols),
                          const_u32(use)};
  return lookup_or_create(key_of(kOpTypeCooperativeMatrixKHR, o), kGlobals,
                          kOpTypeCooperativeMatrixKHR, o, false);
}

Id SpvBuilder::const_u32(uint32_t v) { return const_bits(type_int(32, false), v); }
Id SpvBuilder::const_i32(int32_t v) {
  return const_bits(type_int(32, true), static_cast<uint32_t>(v));
}
Id SpvBuilder::const_bool(bool v) {
  Op op = v ? Op::OpConstantTrue : Op::OpConstantFalse;
  Id t = type_bool();
  return lookup_or_create(key_of(op, {t}), kGlobals, op, {t}, true);
}

Id SpvBuilder::global_variable(Id pointer_type, ::spv::StorageClass sc) {
  Id id = new_id();
  emit(kGlobals, Op::OpVariable, {pointer_type, id, static_cast<uint32_t>(sc)});
  return id;
}

Id SpvBuilder::op(Op op, Id result_type, const std::vector<uint32_t>& operands) {
  Id id = new_id();
  std::vector<uint32_t> o{result_type, id};
  o.insert(o.end(), operands.begin(), operands.end());
  emit(kFunctions, op, o);
  return id;
}

void SpvBuilder::begin_block(Id label) {
  emit(kFunctions, Op::OpLabel, {label});
  current_block_ = label;
}

std::vector<uint32_t> SpvBuilder::finalize() const {
  // Header: magic, version 1.3, generator (0: unregistered), id bound, schema.
  std::vector<uint32_t> words{::spv::MagicNumber, 0x00010300u, 0u, next_id_, 0u};
  for (auto& s : sections_) words.insert(words.end(), s.begin(), s.end());
  return words;
}

}  // namespace webtx::codegen::spirv
