// ModelSpec <-> JSON (docs/abi.md, "The model description"). nlohmann-json stays private to
// this file: no header of webtx::model exposes it.
#include <nlohmann/json.hpp>

#include "webtx/error.hpp"
#include "webtx/model/model_spec.hpp"

namespace webtx::model {

using nlohmann::ordered_json;

namespace {

// ---- writing -----------------------------------------------------------------------------

ordered_json extent_json(const Extent& e) {
  if (e.is_const()) return e.value;
  if (e.is_symbol()) return e.symbol;
  return ordered_json{{"op", op_name(e.op)},
                      {"args", {extent_json(e.args[0]), extent_json(e.args[1])}}};
}

ordered_json extents_json(const auto& list) {
  ordered_json out = ordered_json::array();
  for (auto& e : list) out.push_back(extent_json(e));
  return out;
}

// ---- reading -----------------------------------------------------------------------------

// Field `key` of object `j`, read as T; `where` names the object for the message.
template <typename T>
T field(const ordered_json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  user_assert(it != j.end()) << where << " has no '" << key << "'";
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    user_error << where << ": '" << key << "' has the wrong type (" << it->dump() << ")";
  }
}

template <typename T>
T field_or(const ordered_json& j, const char* key, const std::string& where, T fallback) {
  return j.contains(key) ? field<T>(j, key, where) : fallback;
}

Extent read_extent(const ordered_json& j, const std::string& where) {
  if (j.is_number_integer()) return Extent::constant(j.get<int64_t>());
  if (j.is_string()) return Extent::sym(j.get<std::string>());
  user_assert(j.is_object() && j.contains("args") && j["args"].is_array() && j["args"].size() == 2)
      << where << " has bad extent " << j.dump();
  auto op = binary_op_from_name(field<std::string>(j, "op", where));
  user_assert(op.has_value()) << where << " has an extent with unknown op " << j["op"].dump();
  return Extent::binary(*op, read_extent(j["args"][0], where), read_extent(j["args"][1], where));
}

const ordered_json& array_field(const ordered_json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  user_assert(it != j.end() && it->is_array()) << where << ": '" << key << "' must be an array";
  return *it;
}

TensorRole read_role(const std::string& s, const std::string& where) {
  for (auto r :
       {TensorRole::Input, TensorRole::Output, TensorRole::Intermediate, TensorRole::Weight})
    if (s == role_name(r)) return r;
  user_error << where << " has unknown role '" << s << "'";
}

}  // namespace

std::string to_json(const ModelSpec& m) {
  ordered_json j;
  j["webtx_manifest"] = m.version;
  j["model"] = m.name;
  j["function"] = m.function;
  j["target"] = m.target;
  j["generator"] = m.generator;
  j["features"] = m.features;
  if (!m.toggles.empty()) j["toggles"] = m.toggles;  // omitted when empty
  j["limits"] = ordered_json::object();
  for (auto& [k, v] : m.limits) j["limits"][k] = v;
  j["symbols"] = ordered_json::array();
  for (auto& s : m.symbols) {
    ordered_json from = "caller";
    if (!s.from_caller()) from = {{"tensor", s.tensor}, {"axis", s.axis}};
    j["symbols"].push_back({{"name", s.name}, {"from", from}});
  }
  j["tensors"] = ordered_json::array();
  for (auto& t : m.tensors) {
    j["tensors"].push_back({{"name", t.name},
                            {"role", role_name(t.role)},
                            {"dtype", t.dtype},
                            {"shape", extents_json(t.shape)}});
  }
  j["args"] = m.args;
  j["kernels"] = ordered_json::array();
  for (auto& k : m.kernels) {
    ordered_json kj = {{"name", k.name},
                       {"entry", k.entry},
                       {"wgsl", k.wgsl},
                       {"spirv", k.spirv},
                       {"workgroup_size", k.workgroup_size},
                       {"workgroup_bytes", k.workgroup_bytes},
                       {"grid", extents_json(k.grid)},
                       {"bindings", ordered_json::array()},
                       {"uniforms", k.uniforms}};
    for (auto& b : k.bindings)
      kj["bindings"].push_back(
          {{"binding", b.binding}, {"tensor", b.tensor}, {"access", access_name(b.access)}});
    if (k.uniform_binding >= 0) kj["uniform_binding"] = k.uniform_binding;
    kj["features"] = k.features;
    if (!k.variant.empty()) kj["variant"] = k.variant;
    if (!k.artifacts.empty()) kj["artifacts"] = k.artifacts;
    j["kernels"].push_back(std::move(kj));
  }
  if (!m.memory.buffers.empty()) {
    ordered_json tensors = ordered_json::array();
    for (auto& [name, b] : m.memory.tensors) tensors.push_back({{"tensor", name}, {"buffer", b}});
    j["memory"] = {{"buffers", extents_json(m.memory.buffers)},
                   {"tensors", tensors},
                   {"peak_bytes", extent_json(m.memory.peak_bytes)}};
  }
  if (!m.params.empty()) j["params"] = m.params;
  if (!m.read_checks.empty()) {
    j["read_checks"] = ordered_json::array();
    for (auto& c : m.read_checks)
      j["read_checks"].push_back(
          {{"what", c.what}, {"lhs", extent_json(c.lhs)}, {"rhs", extent_json(c.rhs)}});
  }
  return j.dump(2) + "\n";
}

std::string to_json(const Extent& e) { return extent_json(e).dump(); }

Extent extent_from_json(const std::string& text) {
  try {
    return read_extent(ordered_json::parse(text), "extent");
  } catch (const nlohmann::json::exception& e) {
    user_error << "extent " << text << " is not valid JSON: " << e.what();
  }
}

ModelSpec from_json(const std::string& text) {
  ordered_json j;
  try {
    j = ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    user_error << "the model description is not valid JSON: " << e.what();
  }
  user_assert(j.is_object()) << "the model description is not a JSON object";
  ModelSpec m;
  m.version = field<int>(j, "webtx_manifest", "the model description");
  m.generator = field_or<std::string>(j, "generator", "the model description", "");
  user_assert(m.version == ModelSpec::kVersion)
      << "unsupported model description version " << m.version
      << (m.generator.empty() ? "" : " (written by " + m.generator + ")") << "; this build reads "
      << ModelSpec::kVersion;
  m.name = field<std::string>(j, "model", "the model description");
  const std::string where = "model '" + m.name + "'";
  m.function = field<std::string>(j, "function", where);
  m.target = field_or<std::string>(j, "target", where, "webgpu");
  m.features = field_or<std::vector<std::string>>(j, "features", where, {});
  m.toggles = field_or<std::vector<std::string>>(j, "toggles", where, {});
  m.limits = field_or<std::map<std::string, int64_t>>(j, "limits", where, {});
  for (auto& s : array_field(j, "symbols", where)) {
    SymbolSpec sym;
    sym.name = field<std::string>(s, "name", where + " symbol");
    auto from = s.value("from", ordered_json("caller"));
    if (!(from.is_string() && from.get<std::string>() == "caller")) {
      const std::string sw = where + " symbol '" + sym.name + "' source";
      sym.tensor = field<std::string>(from, "tensor", sw);
      sym.axis = field<int>(from, "axis", sw);
    }
    m.symbols.push_back(std::move(sym));
  }
  for (auto& t : array_field(j, "tensors", where)) {
    TensorSpec ts;
    ts.name = field<std::string>(t, "name", where + " tensor");
    const std::string tw = where + " tensor '" + ts.name + "'";
    ts.role = read_role(field<std::string>(t, "role", tw), tw);
    ts.dtype = field<std::string>(t, "dtype", tw);
    for (auto& d : array_field(t, "shape", tw)) ts.shape.push_back(read_extent(d, tw));
    m.tensors.push_back(std::move(ts));
  }
  m.args = field<std::vector<std::string>>(j, "args", where);
  for (auto& k : array_field(j, "kernels", where)) {
    KernelSpec ks;
    ks.name = field<std::string>(k, "name", where + " kernel");
    const std::string kw = where + " kernel '" + ks.name + "'";
    ks.entry = field_or<std::string>(k, "entry", kw, "main");
    ks.wgsl = field_or<std::string>(k, "wgsl", kw, "");
    ks.spirv = field_or<std::string>(k, "spirv", kw, "");
    ks.workgroup_size = field<std::array<int64_t, 3>>(k, "workgroup_size", kw);
    ks.workgroup_bytes = field_or<int64_t>(k, "workgroup_bytes", kw, 0);
    const auto& grid = array_field(k, "grid", kw);
    user_assert(grid.size() == 3) << kw << ": 'grid' must have 3 extents";
    for (int d = 0; d < 3; ++d) ks.grid[d] = read_extent(grid[d], kw + " grid");
    for (auto& b : array_field(k, "bindings", kw)) {
      BindingSpec bs;
      bs.binding = field<int>(b, "binding", kw + " binding");
      bs.tensor = field<std::string>(b, "tensor", kw + " binding");
      const auto access = field<std::string>(b, "access", kw + " binding");
      user_assert(access == "read" || access == "read_write")
          << kw << " binding " << bs.binding << " has unknown access '" << access << "'";
      bs.access = access == "read" ? Access::Read : Access::ReadWrite;
      ks.bindings.push_back(std::move(bs));
    }
    ks.uniforms = field_or<std::vector<std::string>>(k, "uniforms", kw, {});
    ks.uniform_binding = field_or<int>(k, "uniform_binding", kw, -1);
    ks.features = field_or<std::vector<std::string>>(k, "features", kw, {});
    ks.variant = field_or<std::string>(k, "variant", kw, "");
    ks.artifacts = field_or<std::map<std::string, std::string>>(k, "artifacts", kw, {});
    m.kernels.push_back(std::move(ks));
  }
  if (j.contains("memory")) {
    const auto& mem = j["memory"];
    const std::string mw = where + " memory plan";
    user_assert(mem.is_object()) << mw << " is not an object";
    for (auto& b : array_field(mem, "buffers", mw)) m.memory.buffers.push_back(read_extent(b, mw));
    for (auto& t : array_field(mem, "tensors", mw)) {
      const auto name = field<std::string>(t, "tensor", mw + " entry");
      user_assert(m.memory.tensors.emplace(name, field<int>(t, "buffer", mw + " entry")).second)
          << mw << " places '" << name << "' twice";
    }
    user_assert(mem.contains("peak_bytes")) << mw << " has no 'peak_bytes'";
    m.memory.peak_bytes = read_extent(mem["peak_bytes"], mw);
  }
  m.params = field_or<std::map<std::string, std::string>>(j, "params", where, {});
  if (j.contains("read_checks")) {
    const std::string cw = where + " read check";
    for (auto& c : array_field(j, "read_checks", where)) {
      user_assert(c.is_object() && c.contains("lhs") && c.contains("rhs"))
          << cw << " needs 'lhs' and 'rhs'";
      m.read_checks.push_back({field<std::string>(c, "what", cw), read_extent(c["lhs"], cw),
                               read_extent(c["rhs"], cw)});
    }
  }
  validate(m);
  return m;
}

}  // namespace webtx::model
