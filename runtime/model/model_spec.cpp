#include "webtx/model/model_spec.hpp"

#include <algorithm>
#include <set>

#include "webtx/error.hpp"

namespace webtx::model {

const char* role_name(TensorRole r) {
  switch (r) {
    case TensorRole::Input:
      return "input";
    case TensorRole::Output:
      return "output";
    case TensorRole::Intermediate:
      return "intermediate";
    case TensorRole::Weight:
      return "weight";
  }
  return "?";
}

const char* access_name(Access a) { return a == Access::Read ? "read" : "read_write"; }

int64_t dtype_bytes(const std::string& dtype) {
  if (dtype == "f16") return 2;
  if (dtype == "f32" || dtype == "i32" || dtype == "u32" || dtype == "bool") return 4;
  user_error << "unknown dtype '" << dtype << "'";
}

std::vector<std::string> MemoryPlan::tenants(int b) const {
  std::vector<std::string> out;
  for (auto& [name, buf] : tensors)
    if (buf == b) out.push_back(name);
  return out;
}

const TensorSpec* ModelSpec::tensor(const std::string& n) const {
  for (auto& t : tensors)
    if (t.name == n) return &t;
  return nullptr;
}

const SymbolSpec* ModelSpec::symbol(const std::string& n) const {
  for (auto& s : symbols)
    if (s.name == n) return &s;
  return nullptr;
}

void validate(const ModelSpec& m) {
  const std::string in = "model '" + m.name + "': ";
  user_assert(!m.name.empty()) << "a model description needs a name";
  std::set<std::string> names;
  for (auto& s : m.symbols)
    user_assert(names.insert(s.name).second) << in << "two symbols are named '" << s.name << "'";
  names.clear();
  for (auto& t : m.tensors) {
    user_assert(names.insert(t.name).second) << in << "two tensors are named '" << t.name << "'";
    dtype_bytes(t.dtype);
    for (size_t a = 0; a < t.shape.size(); ++a) {
      for (auto& s : symbols_of(t.shape[a])) {
        user_assert(m.symbol(s)) << in << "tensor '" << t.name << "' axis " << a
                                 << " uses unknown symbol '" << s << "'";
      }
    }
  }
  for (auto& s : m.symbols) {
    if (s.from_caller()) continue;
    const TensorSpec* t = m.tensor(s.tensor);
    user_assert(t && s.axis >= 0 && s.axis < static_cast<int>(t->shape.size()) &&
                t->shape[s.axis] == Extent::sym(s.name))
        << in << "symbol '" << s.name << "' comes from tensor '" << s.tensor << "' axis " << s.axis
        << ", which is not that symbol";
  }
  for (auto& t : m.tensors) {
    const bool is_arg = std::find(m.args.begin(), m.args.end(), t.name) != m.args.end();
    user_assert(is_arg == (t.role != TensorRole::Intermediate))
        << in << "tensor '" << t.name << "' (" << role_name(t.role) << ") "
        << (is_arg ? "is" : "is not") << " an argument";
    if (t.role == TensorRole::Weight) {
      for (size_t a = 0; a < t.shape.size(); ++a)
        user_assert(t.shape[a].is_const())
            << in << "weight '" << t.name << "' axis " << a << " is " << to_string(t.shape[a])
            << ": weight extents must be constants";
    }
  }
  for (auto& a : m.args) {
    const TensorSpec* t = m.tensor(a);
    user_assert(t) << in << "argument '" << a << "' is not a tensor";
    user_assert(t->role != TensorRole::Intermediate)
        << in << "argument '" << a << "' is an intermediate";
  }
  for (size_t k = 0; k < m.kernels.size(); ++k) {
    const auto& kern = m.kernels[k];
    const std::string kn = in + "kernel " + std::to_string(k) + " ('" + kern.name + "') ";
    for (auto& b : kern.bindings)
      user_assert(m.tensor(b.tensor)) << kn << "binds unknown tensor '" << b.tensor << "'";
    for (auto& u : kern.uniforms)
      user_assert(m.symbol(u)) << kn << "has unknown uniform '" << u << "'";
    user_assert(kern.uniforms.empty() || kern.uniform_binding >= 0)
        << kn << "has uniforms but no uniform_binding";
    for (int d = 0; d < 3; ++d) {
      for (auto& s : symbols_of(kern.grid[d]))
        user_assert(m.symbol(s)) << kn << "grid "
                                 << "xyz"[d] << " uses unknown symbol '" << s << "'";
    }
  }
  const MemoryPlan& plan = m.memory;
  for (auto& [name, b] : plan.tensors) {
    const TensorSpec* t = m.tensor(name);
    user_assert(t && t->role == TensorRole::Intermediate)
        << in << "the memory plan places '" << name << "', which is not an intermediate";
    user_assert(b >= 0 && b < static_cast<int>(plan.buffers.size()))
        << in << "the memory plan places '" << name << "' in buffer " << b << " of "
        << plan.buffers.size();
  }
  for (auto& c : m.read_checks)
    for (const Extent* e : {&c.lhs, &c.rhs})
      for (auto& s : symbols_of(*e))
        user_assert(m.symbol(s)) << in << "read check '" << c.what << "' uses unknown symbol '" << s
                                 << "'";
  std::vector<Extent> sizes = plan.buffers;
  sizes.push_back(plan.peak_bytes);
  for (auto& e : sizes)
    for (auto& s : symbols_of(e))
      user_assert(m.symbol(s)) << in << "the memory plan uses unknown symbol '" << s << "'";
}

}  // namespace webtx::model
