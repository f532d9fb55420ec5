#include "webtx/codegen/manifest.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "webtx/ir/printer.hpp"
#include "webtx/target_check.hpp"

namespace webtx::codegen {

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

namespace {

// Constants as numbers, symbols by name; other symbolic extents as their expression text.
std::string extent_json(const ir::Expr& e) {
  if (auto* c = e.as<ir::IntImm>()) return std::to_string(c->value);
  if (auto* v = e.as<ir::Variable>()) return json_quote(v->name);
  return json_quote(ir::to_string(e));
}

template <typename T, typename F>
std::string json_list(const std::vector<T>& v, F&& f) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + f(v[i]);
  return out + "]";
}

}  // namespace

std::string write_manifest(const ir::Program& p, const std::vector<KernelArtifacts>& kernels,
                           const Target& target) {
  internal_assert(kernels.size() == p.kernels.size())
      << "manifest of " << p.name << ": " << kernels.size() << " kernel artifacts for "
      << p.kernels.size() << " kernels";
  std::ostringstream os;
  os << "{\n  \"webtx_manifest\": 1,\n  \"model\": " << json_quote(p.name)
     << ",\n  \"function\": " << json_quote(p.name) << ",\n";
  os << "  \"symbols\": " << json_list(p.symbols, [](const ir::Expr& s) {
    user_assert(s.as<ir::Variable>())
        << "program symbol " << ir::to_string(s) << " is not a Variable";
    return json_quote(s.as<ir::Variable>()->name);
  }) << ",\n";
  const DeviceNeeds needs = device_needs(p.kernels);
  os << "  \"target\": " << json_quote(target.name) << ",\n";
  os << "  \"features\": "
     << json_list(needs.features, [](Feature f) { return json_quote(feature_name(f)); }) << ",\n";
  os << "  \"limits\": { ";
  for (size_t i = 0; i < needs.limits.size(); ++i)
    os << (i ? ", " : "") << json_quote(needs.limits[i].first) << ": " << needs.limits[i].second;
  os << " },\n";
  os << "  \"tensors\": [\n";
  std::vector<std::string> args;
  for (size_t i = 0; i < p.tensors.size(); ++i) {
    const auto& t = p.tensors[i];
    if (t.role != ir::TensorRole::Intermediate) args.push_back(t.buffer->name);
    os << "    { \"name\": " << json_quote(t.buffer->name)
       << ", \"dtype\": " << json_quote(t.buffer->type.str())
       << ", \"shape\": " << json_list(t.buffer->shape, extent_json) << ", \"role\": \""
       << ir::role_name(t.role) << "\" }" << (i + 1 < p.tensors.size() ? "," : "") << "\n";
  }
  os << "  ],\n  \"args\": " << json_list(args, json_quote) << ",\n";
  os << "  \"kernels\": [\n";
  for (size_t k = 0; k < p.kernels.size(); ++k) {
    const auto& kern = p.kernels[k];
    os << "    { \"name\": " << json_quote(kern.name) << ", \"entry\": \"main\"";
    for (auto& [key, value] : kernels[k].fields)
      os << ", " << json_quote(key) << ": " << json_quote(value);
    os << ",\n      \"workgroup_size\": [" << kern.workgroup_size[0] << ", "
       << kern.workgroup_size[1] << ", " << kern.workgroup_size[2]
       << "], \"workgroup_bytes\": " << kern.workgroup_bytes << ",\n      \"bindings\": [";
    for (size_t b = 0; b < kern.buffers.size(); ++b) {
      const auto& kb = kern.buffers[b];
      os << (b ? ", " : "") << "{ \"binding\": " << b
         << ", \"tensor\": " << json_quote(kb.buffer->name) << ", \"access\": \""
         << (kb.written ? "read_write" : "read") << "\" }";
    }
    os << "],\n      \"uniforms\": "
       << json_list(kern.scalars,
                    [&](const ir::Expr& s) {
                      user_assert(s.as<ir::Variable>()) << "kernel " << kern.name << ": uniform "
                                                        << ir::to_string(s) << " is not a symbol";
                      return json_quote(s.as<ir::Variable>()->name);
                    })
       << ", \"uniform_binding\": " << kern.buffers.size() << " }"
       << (k + 1 < p.kernels.size() ? "," : "") << "\n";
  }
  os << "  ]\n}\n";
  return os.str();
}

}  // namespace webtx::codegen
