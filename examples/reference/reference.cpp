// webtx-examples-ref: the CPU reference for the example models. Runs a WEBTX_MODEL function
// (the same generator source add_webgpu_model() builds), fills its inputs with deterministic
// values for the given symbols, evaluates the unscheduled graph with eval::evaluate_graph and
// writes the JSON web/demo reads: {model, symbols, inputs: {name: {shape, data}},
// outputs: {name: data}, output_shapes: {name: shape}, weights?: "<file>"}. The weights
// (ctx.weight) get deterministic values too, written as safetensors next to the JSON
// (<ref>.safetensors, named by "weights" relative to the JSON; a file with no tensors when the
// model has no weights).
//
//   webtx-examples-ref --model matmul --set M=33 --set N=17 [--seed 1] [-o ref.json]
//                      [--weights w.safetensors] [--list]
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include <filesystem>

#include <webtx/eval.hpp>
#include <webtx/generator.hpp>
#include <webtx/model/safetensors.hpp>

namespace {
using namespace webtx;

// Values in [-1, 1) on a 1/64 grid: exact in f32 and f16, so inputs round-trip through JSON.
double input_value(uint64_t seed, const std::string& tensor, int64_t i) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (char c : tensor) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  h ^= static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ull;
  h ^= h >> 31, h *= 0xbf58476d1ce4e5b9ull, h ^= h >> 29;
  return static_cast<double>(static_cast<int64_t>(h % 128) - 64) / 64.0;
}

void write_number(std::ostream& os, const eval::HostTensor& t, int64_t i) {
  if (t.dtype.is_float()) {
    double v = t.get_f(i);
    user_assert(std::isfinite(v)) << "reference value " << i << " is not finite";
    os << static_cast<float>(v);
  } else {
    os << t.get_i(i);
  }
}
void write_array(std::ostream& os, const eval::HostTensor& t) {
  os << "[";
  for (int64_t i = 0; i < t.size(); ++i) write_number(os << (i ? ", " : ""), t, i);
  os << "]";
}
void write_shape(std::ostream& os, const std::vector<int64_t>& s) {
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << "]";
}

int run(int argc, char** argv) {
  std::string model, out, weights_out;
  uint64_t seed = 1;
  eval::SymbolMap symbols;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      user_assert(i + 1 < argc) << a << " needs a value";
      return argv[++i];
    };
    if (a == "--model") {
      model = next();
    } else if (a == "-o") {
      out = next();
    } else if (a == "--weights") {
      weights_out = next();
    } else if (a == "--seed") {
      seed = std::stoull(next());
    } else if (a == "--set") {
      std::string kv = next();
      auto eq = kv.find('=');
      user_assert(eq != std::string::npos) << "--set wants name=value, got '" << kv << "'";
      symbols[kv.substr(0, eq)] = std::stoll(kv.substr(eq + 1));
    } else if (a == "--list") {
      for (auto& m : registered_models()) std::cout << m.name << "\n";
      return 0;
    } else {
      user_error << "unknown argument '" << a << "'";
    }
  }
  const RegisteredModel* chosen = nullptr;
  for (auto& m : registered_models())
    if (m.name == model) chosen = &m;
  user_assert(chosen) << "no model named '" << model << "' (try --list)";
  ModelContext ctx(chosen->name);
  chosen->fn(ctx);

  // Symbols by name -> the inputs' concrete shapes.
  ir::ScalarBindings vars;
  for (auto& in : ctx.inputs())
    for (auto& e : in->shape)
      if (auto* v = e.as<ir::Variable>()) {
        auto it = symbols.find(v->name);
        user_assert(it != symbols.end()) << "model " << model << ": input '" << in->name
                                         << "' needs symbol '" << v->name << "' (--set)";
        vars[e.get()] = it->second;
      }
  eval::TensorMap inputs;
  for (auto& in : ctx.inputs()) {
    std::vector<int64_t> shape;
    for (auto& e : in->shape) shape.push_back(ir::eval_scalar(e, vars));
    eval::HostTensor t(in->type, shape);
    for (int64_t i = 0; i < t.size(); ++i) {
      double v = input_value(seed, in->name, i);
      if (in->type.is_float())
        t.set_f(i, v);
      else
        t.set_i(i, static_cast<int64_t>(v * 64) % (in->type.is_bool() ? 2 : 1 << 30));
    }
    inputs[in->name] = std::move(t);
  }
  std::vector<ir::Operation> outs;
  for (auto& [name, op] : ctx.outputs()) outs.push_back(op);
  auto results = eval::evaluate_graph(outs, inputs, symbols);

  std::ostringstream js;
  js << std::setprecision(9) << "{\"model\": \"" << model << "\", \"symbols\": {";
  bool first = true;
  for (auto& [k, v] : symbols) js << (first ? "" : ", ") << "\"" << k << "\": " << v, first = false;
  js << "}";
  // Weights go to the safetensors file, in declaration order; the JSON names the file.
  if (weights_out.empty() && !out.empty())
    weights_out = std::filesystem::path(out).replace_extension(".safetensors").string();
  if (!weights_out.empty()) {
    std::vector<model::SafetensorsTensor> ws;
    for (auto& name : ctx.weights()) {
      auto& t = inputs.at(name);
      ws.push_back({name, t.dtype.str(), t.shape, std::string(t.bytes.begin(), t.bytes.end())});
    }
    std::ofstream f(weights_out, std::ios::binary);
    f << model::write_safetensors(ws, {{"model", model}});
    user_assert(f.good()) << "cannot write " << weights_out;
    if (!ctx.weights().empty())
      js << ",\n\"weights\": \"" << std::filesystem::path(weights_out).filename().string() << "\"";
  }
  js << ",\n\"inputs\": {";
  first = true;
  for (auto& in : ctx.inputs()) {
    if (ctx.is_weight(in->name)) continue;
    auto& t = inputs.at(in->name);
    js << (first ? "" : ",\n") << "\"" << in->name << "\": {\"dtype\": \"" << t.dtype.str()
       << "\", \"shape\": ";
    write_shape(js, t.shape);
    write_array(js << ", \"data\": ", t);
    js << "}", first = false;
  }
  js << "},\n\"outputs\": {";
  first = true;
  for (auto& [name, op] : ctx.outputs()) {
    write_array(js << (first ? "" : ",\n") << "\"" << name << "\": ", results.at(op->name));
    first = false;
  }
  js << "},\n\"output_shapes\": {";
  first = true;
  for (auto& [name, op] : ctx.outputs()) {
    write_shape(js << (first ? "" : ", ") << "\"" << name << "\": ", results.at(op->name).shape);
    first = false;
  }
  js << "}}\n";
  if (out.empty()) {
    std::cout << js.str();
  } else {
    std::ofstream f(out);
    f << js.str();
    user_assert(f.good()) << "cannot write " << out;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "webtx-examples-ref: " << e.what() << "\n";
    return 1;
  }
}
