#include "case_writer.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "webtx/codegen/wgsl.hpp"

namespace wgsl_test {
namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\', out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (std::isnan(v)) return "\"nan\"";
  if (std::isinf(v)) return v > 0 ? "\"inf\"" : "\"-inf\"";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string json_numbers(const std::vector<double>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + json_number(v[i]);
  return s + "]";
}

int64_t element_count(const Case& c, const webtx::ir::Buffer& b) {
  webtx::ir::ScalarBindings env;
  for (size_t i = 0; i < c.kernel.scalars.size(); ++i)
    env[c.kernel.scalars[i].get()] = c.scalars[i];
  int64_t n = 1;
  for (auto& d : b->shape) n *= webtx::ir::eval_scalar(d, env);
  return n;
}

}  // namespace

void write_cases(const std::string& dir, const std::vector<Case>& cases) {
  std::ostringstream js;
  js << "{\"cases\": [\n";
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const Case& c = cases[ci];
    const auto& k = c.kernel;
    internal_assert(c.scalars.size() == k.scalars.size()) << c.name << ": scalar count";
    // Built for WebGPU's guaranteed limits plus the features the case asks for.
    webtx::Target target;
    for (auto& f : c.features) {
      for (auto known : webtx::kAllFeatures)
        if (f == webtx::feature_name(known)) target.with(known);
    }
    std::string wgsl = webtx::codegen::emit_wgsl(k, target);
    std::ofstream(dir + "/" + c.name + ".wgsl") << wgsl;

    webtx::ir::ScalarBindings env;
    for (size_t i = 0; i < k.scalars.size(); ++i) env[k.scalars[i].get()] = c.scalars[i];
    js << (ci ? ",\n" : "") << "{\"name\": " << json_string(c.name)
       << ", \"wgsl\": " << json_string(wgsl) << ",\n \"grid\": [";
    for (int d = 0; d < 3; ++d) js << (d ? "," : "") << webtx::ir::eval_scalar(k.grid[d], env);
    js << "], \"workgroup_size\": [" << k.workgroup_size[0] << "," << k.workgroup_size[1] << ","
       << k.workgroup_size[2] << "], \"uniforms\": [";
    for (size_t i = 0; i < c.scalars.size(); ++i) js << (i ? "," : "") << c.scalars[i];
    js << "], \"features\": [";
    for (size_t i = 0; i < c.features.size(); ++i)
      js << (i ? "," : "") << json_string(c.features[i]);
    js << "], \"tolerance\": {\"abs\": " << json_number(c.tol.abs)
       << ", \"rel\": " << json_number(c.tol.rel) << "},\n \"buffers\": [";
    for (size_t i = 0; i < k.buffers.size(); ++i) {
      const auto& kb = k.buffers[i];
      int64_t n = element_count(c, kb.buffer);
      js << (i ? ",\n  " : "\n  ") << "{\"binding\": " << i
         << ", \"name\": " << json_string(kb.buffer->name)
         << ", \"dtype\": " << json_string(kb.buffer->type.str()) << ", \"access\": \""
         << webtx::codegen::wgsl_buffer_access(kb) << "\", \"count\": " << n;
      auto in = c.init.find(kb.buffer.get());
      if (in != c.init.end()) {
        internal_assert(static_cast<int64_t>(in->second.size()) == n)
            << c.name << ": buffer " << kb.buffer->name << " has " << in->second.size()
            << " initial values, wants " << n;
        js << ", \"data\": " << json_numbers(in->second);
      }
      auto ex = c.expected.find(kb.buffer.get());
      if (ex != c.expected.end()) {
        internal_assert(kb.written && static_cast<int64_t>(ex->second.size()) == n)
            << c.name << ": expected values of buffer " << kb.buffer->name;
        js << ", \"expected\": " << json_numbers(ex->second);
      }
      js << "}";
    }
    js << "]}";
  }
  js << "\n]}\n";
  std::ofstream f(dir + "/cases.json");
  f << js.str();
  internal_assert(f.good()) << "cannot write " << dir << "/cases.json";
}

}  // namespace wgsl_test
