#include "webtx/model/bind_shapes.hpp"

#include "webtx/error.hpp"
#include "webtx/model/model_spec.hpp"

namespace webtx::model {

SymbolValues bind_shapes(const std::vector<TensorSpec>& tensors,
                         const std::vector<std::string>& symbols, const ShapeMap& shapes,
                         const SymbolValues& given, bool require_all) {
  SymbolValues env;
  std::map<std::string, std::string> origin;
  auto known = [&](const std::string& s) {
    for (auto& n : symbols)
      if (n == s) return true;
    return false;
  };
  for (auto& [name, v] : given) {
    user_assert(known(name)) << "there is no symbol '" << name << "'";
    user_assert(v >= 0) << "symbol '" << name << "' must be a non-negative integer, got " << v;
    env[name] = v;
    origin[name] = "given by the caller";
  }
  // Rank, negative extents, constants and bare symbols first; expressions once all are bound.
  for (auto& t : tensors) {
    auto it = shapes.find(t.name);
    if (it == shapes.end()) continue;
    const auto& shape = it->second;
    user_assert(shape.size() == t.shape.size()) << "tensor '" << t.name << "' must have rank "
                                                << t.shape.size() << ", got rank " << shape.size();
    for (size_t a = 0; a < shape.size(); ++a) {
      const std::string where = "tensor '" + t.name + "' axis " + std::to_string(a);
      const Extent& want = t.shape[a];
      user_assert(shape[a] >= 0) << where << " has negative extent " << shape[a];
      if (want.is_const()) {
        user_assert(shape[a] == want.value)
            << where << " must have extent " << want.value << ", got " << shape[a];
      } else if (want.is_symbol()) {
        auto [pos, fresh] = env.try_emplace(want.symbol, shape[a]);
        if (fresh) {
          origin[want.symbol] = where;
        } else {
          user_assert(pos->second == shape[a])
              << where << " has extent " << shape[a] << ", but symbol '" << want.symbol
              << "' = " << pos->second << " (" << origin[want.symbol] << ")";
        }
      }
    }
  }
  if (require_all) {
    for (auto& s : symbols) {
      user_assert(env.count(s)) << "symbol '" << s
                                << "' is not bound: give a tensor that uses it or its value";
    }
  }
  for (auto& t : tensors) {
    auto it = shapes.find(t.name);
    if (it == shapes.end()) continue;
    for (size_t a = 0; a < t.shape.size(); ++a) {
      const Extent& want = t.shape[a];
      if (want.is_const() || want.is_symbol()) continue;
      const std::string where = "tensor '" + t.name + "' axis " + std::to_string(a);
      const int64_t v = evaluate(want, env, where);
      user_assert(it->second[a] == v) << where << " has extent " << it->second[a] << ", expected "
                                      << to_string(want) << " = " << v;
    }
  }
  return env;
}

SymbolValues bind_shapes(const ModelSpec& m, const ShapeMap& shapes, const SymbolValues& given) {
  std::vector<std::string> names;
  for (auto& s : m.symbols) names.push_back(s.name);
  SymbolValues env = bind_shapes(m.tensors, names, shapes, given, true);
  check_reads(m, env);
  return env;
}

void check_reads(const ModelSpec& m, const SymbolValues& symbols) {
  for (auto& c : m.read_checks) {
    const int64_t l = evaluate(c.lhs, symbols, c.what), r = evaluate(c.rhs, symbols, c.what);
    user_assert(l <= r) << c.what << ": needs " << to_string(c.lhs) << " <= " << to_string(c.rhs)
                        << ", got " << l << " > " << r;
  }
}

std::vector<int64_t> concrete_shape(const TensorSpec& t, const SymbolValues& symbols) {
  std::vector<int64_t> out;
  for (size_t a = 0; a < t.shape.size(); ++a)
    out.push_back(
        evaluate(t.shape[a], symbols, "tensor '" + t.name + "' axis " + std::to_string(a)));
  return out;
}

}  // namespace webtx::model
