// Recipe <-> JSON (the case files under tests/fuzz/cases/).
#include <nlohmann/json.hpp>

#include "recipe.hpp"

namespace webtx::fuzz {

using nlohmann::json;

namespace {

ir::DType dtype_of(const std::string& n) {
  for (auto t : {ir::DType::f32(), ir::DType::f16(), ir::DType::i32(), ir::DType::u32(),
                 ir::DType::boolean()})
    if (t.str() == n) return t;
  user_error << "fuzz case: unknown dtype '" << n << "'";
}

NodeKind kind_of(const std::string& n) {
  for (auto k : {NodeKind::Input, NodeKind::Elementwise, NodeKind::Reduce, NodeKind::Matmul,
                 NodeKind::Stencil})
    if (n == kind_name(k)) return k;
  user_error << "fuzz case: unknown node kind '" << n << "'";
}

ir::ReduceOp reduce_of(const std::string& n) {
  for (auto k : {ir::ReduceOp::Sum, ir::ReduceOp::Max, ir::ReduceOp::Min})
    if (n == ir::reduce_op_name(k)) return k;
  user_error << "fuzz case: unknown reduction '" << n << "'";
}

}  // namespace

std::string to_json(const Recipe& r) {
  json j;
  j["seed"] = r.seed;
  if (!r.note.empty()) j["note"] = r.note;
  if (!r.rejected.empty()) j["rejected"] = r.rejected;
  j["dims"] = json::array();
  for (auto& d : r.dims) j["dims"].push_back({{"sym", d.sym}, {"value", d.value}});
  j["nodes"] = json::array();
  for (auto& n : r.nodes) {
    json jn{{"name", n.name}, {"kind", kind_name(n.kind)}, {"dtype", n.dtype.str()}};
    jn["shape"] = json::array();
    for (auto& d : n.shape) jn["shape"].push_back({d.dim, d.offset});
    if (n.kind == NodeKind::Input) {
      jn["fill"] = n.fill;
    } else {
      jn["operands"] = n.operands;
      jn["expr"] = n.expr;
      jn["tol"] = {n.tol_abs, n.tol_rel};
    }
    if (n.kind == NodeKind::Reduce || n.kind == NodeKind::Stencil)
      jn["reduce_op"] = ir::reduce_op_name(n.reduce_op);
    if (n.kind == NodeKind::Reduce) jn["reduce_axes"] = n.reduce_axes;
    if (n.kind == NodeKind::Stencil) jn["window"] = {n.window, n.window_dims};
    j["nodes"].push_back(jn);
  }
  j["outputs"] = r.outputs;
  j["steps"] = json::array();
  for (auto& s : r.steps) {
    json js{{"op", s.op}, {"args", s.args}};
    if (!s.stage.empty()) js["stage"] = s.stage;
    if (!s.other.empty()) js["other"] = s.other;
    j["steps"].push_back(js);
  }
  // One line per dim, node and step: diffable case files.
  std::string out = "{\n";
  bool first = true;
  for (auto& [k, v] : j.items()) {
    out += std::string(first ? "" : ",\n") + " \"" + k + "\": ";
    first = false;
    if (!v.is_array() || v.empty() || !v[0].is_object()) {
      out += v.dump();
      continue;
    }
    out += "[\n";
    for (size_t i = 0; i < v.size(); ++i)
      out += "  " + v[i].dump() + (i + 1 < v.size() ? ",\n" : "\n");
    out += " ]";
  }
  return out + "\n}";
}

Recipe recipe_from_json(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    user_error << "fuzz case: not JSON: " << e.what();
  }
  Recipe r;
  try {
    r.seed = j.at("seed").get<uint64_t>();
    r.note = j.value("note", "");
    r.rejected = j.value("rejected", "");
    for (auto& d : j.at("dims")) r.dims.push_back({d.at("sym"), d.at("value")});
    for (auto& jn : j.at("nodes")) {
      Node n;
      n.name = jn.at("name");
      n.kind = kind_of(jn.at("kind"));
      n.dtype = dtype_of(jn.at("dtype"));
      for (auto& d : jn.at("shape")) n.shape.push_back({d.at(0), d.at(1)});
      n.fill = jn.value("fill", "");
      if (jn.contains("operands")) n.operands = jn.at("operands").get<std::vector<int>>();
      n.expr = jn.value("expr", "");
      if (jn.contains("tol")) n.tol_abs = jn["tol"].at(0), n.tol_rel = jn["tol"].at(1);
      if (jn.contains("reduce_op")) n.reduce_op = reduce_of(jn["reduce_op"]);
      if (jn.contains("reduce_axes")) n.reduce_axes = jn["reduce_axes"].get<std::vector<int>>();
      if (jn.contains("window")) n.window = jn["window"].at(0), n.window_dims = jn["window"].at(1);
      r.nodes.push_back(std::move(n));
    }
    r.outputs = j.at("outputs").get<std::vector<int>>();
    for (auto& js : j.at("steps")) {
      r.steps.push_back({js.at("op"), js.value("stage", ""), js.value("other", ""),
                         js.at("args").get<std::vector<int64_t>>()});
    }
  } catch (const json::exception& e) {
    user_error << "fuzz case: " << e.what();
  }
  return r;
}

}  // namespace webtx::fuzz
