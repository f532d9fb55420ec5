#pragma once
// A host-side tensor for the CPU reference paths: dtype, shape, little-endian bytes laid out
// row-major as on the GPU (f16 as IEEE half, bool as u32 0/1).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "webtx/half.hpp"
#include "webtx/ir.hpp"
#include "webtx/model/bind_shapes.hpp"
#include "webtx/model/from_ir.hpp"

namespace webtx::eval {

using webtx::float_to_half;  // webtx/half.hpp: the one f16 conversion
using webtx::half_to_float;
using webtx::round_half;

struct HostTensor {
  ir::DType dtype = ir::DType::f32();
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  HostTensor() = default;
  HostTensor(ir::DType t, std::vector<int64_t> s) : dtype(t), shape(std::move(s)) {
    bytes.assign(static_cast<size_t>(size()) * t.bytes(), 0);
  }
  int64_t size() const {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
  int rank() const { return static_cast<int>(shape.size()); }

  // Element i as a double (floats) ...
  double get_f(int64_t i) const {
    check(i);
    if (dtype == ir::DType::f32()) return read<float>(i);
    if (dtype == ir::DType::f16()) return half_to_float(read<uint16_t>(i));
    return static_cast<double>(get_i(i));
  }
  // ... or an integer (ints, bools; floats truncate).
  int64_t get_i(int64_t i) const {
    check(i);
    if (dtype.is_float()) return static_cast<int64_t>(get_f(i));
    if (dtype.is_int()) return read<int32_t>(i);
    return read<uint32_t>(i);  // u32, bool
  }
  void set_f(int64_t i, double v) {
    check(i);
    if (dtype == ir::DType::f32()) return write<float>(i, static_cast<float>(v));
    if (dtype == ir::DType::f16()) return write<uint16_t>(i, float_to_half(static_cast<float>(v)));
    set_i(i, static_cast<int64_t>(v));
  }
  void set_i(int64_t i, int64_t v) {
    check(i);
    if (dtype.is_float()) return set_f(i, static_cast<double>(v));
    if (dtype.is_int()) return write<int32_t>(i, static_cast<int32_t>(v));
    if (dtype.is_bool()) return write<uint32_t>(i, v != 0);
    write<uint32_t>(i, static_cast<uint32_t>(v));
  }
  // Row-major flat index of a multi-index.
  int64_t offset(const std::vector<int64_t>& idx) const {
    internal_assert(idx.size() == shape.size()) << "rank mismatch";
    int64_t o = 0;
    for (size_t d = 0; d < idx.size(); ++d) o = o * shape[d] + idx[d];
    return o;
  }

  static HostTensor from_floats(std::vector<int64_t> shape, const std::vector<float>& v,
                                ir::DType t = ir::DType::f32()) {
    HostTensor h(t, std::move(shape));
    internal_assert(static_cast<int64_t>(v.size()) == h.size()) << "from_floats: size mismatch";
    for (size_t i = 0; i < v.size(); ++i) h.set_f(static_cast<int64_t>(i), v[i]);
    return h;
  }
  static HostTensor from_ints(std::vector<int64_t> shape, const std::vector<int64_t>& v,
                              ir::DType t = ir::DType::i32()) {
    HostTensor h(t, std::move(shape));
    internal_assert(static_cast<int64_t>(v.size()) == h.size()) << "from_ints: size mismatch";
    for (size_t i = 0; i < v.size(); ++i) h.set_i(static_cast<int64_t>(i), v[i]);
    return h;
  }

 private:
  void check(int64_t i) const {
    internal_assert(i >= 0 && i < size()) << "host tensor index " << i << " out of " << size();
  }
  template <typename T>
  T read(int64_t i) const {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  template <typename T>
  void write(int64_t i, T v) {
    std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
  }
};

using TensorMap = std::map<std::string, HostTensor>;
using SymbolMap = std::map<std::string, int64_t>;

// Binds symbols (i32 Vars) from the shapes of named tensors (a dimension that is a bare Var)
// and an explicit map by name, then checks every dimension agrees: model::bind_shapes, the one
// check the native runtime shares (errors name tensor and axis).
inline ir::ScalarBindings bind_symbols(
    const std::vector<std::pair<std::string, std::vector<ir::Expr>>>& declared,
    const TensorMap& given, const std::vector<ir::Expr>& symbols, const SymbolMap& explicit_syms) {
  std::vector<model::TensorSpec> tensors;
  model::ShapeMap shapes;
  for (auto& [name, shape] : declared) {
    model::TensorSpec t{name, model::TensorRole::Input, "f32", {}};
    for (size_t d = 0; d < shape.size(); ++d)
      t.shape.push_back(
          model::to_extent(shape[d], symbols, "tensor '" + name + "' axis " + std::to_string(d)));
    tensors.push_back(std::move(t));
    if (auto it = given.find(name); it != given.end()) shapes[name] = it->second.shape;
  }
  std::vector<std::string> names;
  model::SymbolValues known;
  for (auto& s : symbols) {
    names.push_back(s.as<ir::Variable>()->name);
    if (auto it = explicit_syms.find(names.back()); it != explicit_syms.end())
      known[it->first] = it->second;
  }
  model::SymbolValues env = model::bind_shapes(tensors, names, shapes, known, false);
  ir::ScalarBindings b;
  for (size_t i = 0; i < symbols.size(); ++i)
    if (auto it = env.find(names[i]); it != env.end()) b[symbols[i].get()] = it->second;
  return b;
}

}  // namespace webtx::eval
