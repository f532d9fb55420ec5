#include "webtx/model/safetensors.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "webtx/error.hpp"

namespace webtx::model {
namespace {

// Element sizes of the safetensors dtypes (the format's list).
int64_t st_bytes(const std::string& dtype) {
  static const std::map<std::string, int64_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? -1 : it->second;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  return o.str() + "]";
}

uint64_t read_u64le(const std::string& b) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

}  // namespace

const SafetensorsEntry* Safetensors::find(const std::string& name) const {
  for (auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

Safetensors parse_safetensors(std::string bytes, const std::string& source) {
  const std::string in = "weights file '" + source + "'";
  user_assert(bytes.size() >= 8) << in << " has " << bytes.size()
                                 << " bytes, too short for a safetensors header length (8 bytes)";
  const uint64_t n = read_u64le(bytes);
  user_assert(n <= bytes.size() - 8)
      << in << ": its header of " << n << " bytes runs past the end of the file (" << bytes.size()
      << " bytes): truncated, or not a safetensors file";
  nlohmann::ordered_json h;  // keeps the header's order
  try {
    h = nlohmann::ordered_json::parse(bytes.begin() + 8,
                                      bytes.begin() + 8 + static_cast<int64_t>(n));
  } catch (const nlohmann::json::exception& e) {
    user_error << in << ": the header is not valid JSON (" << e.what() << ")";
  }
  user_assert(h.is_object()) << in << ": the header is not a JSON object";
  Safetensors st;
  st.source = source;
  st.data_start = 8 + n;
  const uint64_t data_size = bytes.size() - st.data_start;
  for (auto& [name, v] : h.items()) {
    if (name == "__metadata__") {
      user_assert(v.is_object()) << in << ": __metadata__ is not an object";
      for (auto& [k, s] : v.items()) {
        user_assert(s.is_string()) << in << ": __metadata__ '" << k << "' is not a string";
        st.metadata[k] = s.get<std::string>();
      }
      continue;
    }
    const std::string tn = in + ": tensor '" + name + "'";
    user_assert(v.is_object() && v.contains("dtype") && v.contains("shape") &&
                v.contains("data_offsets"))
        << tn << " needs dtype, shape and data_offsets";
    SafetensorsEntry e;
    e.name = name;
    user_assert(v["dtype"].is_string()) << tn << " has a dtype that is not a string";
    e.dtype = v["dtype"].get<std::string>();
    const int64_t esize = st_bytes(e.dtype);
    user_assert(esize > 0) << tn << " has unknown dtype '" << e.dtype << "'";
    user_assert(v["shape"].is_array()) << tn << " has a shape that is not an array";
    uint64_t count = 1;
    for (auto& d : v["shape"]) {
      user_assert(d.is_number_unsigned() || (d.is_number_integer() && d.get<int64_t>() >= 0))
          << tn << " has shape " << v["shape"].dump() << ": extents must be whole numbers >= 0";
      e.shape.push_back(d.get<int64_t>());
      user_assert(!__builtin_mul_overflow(count, static_cast<uint64_t>(e.shape.back()), &count))
          << tn << " has shape " << v["shape"].dump() << ", too many elements";
    }
    const auto& off = v["data_offsets"];
    user_assert(off.is_array() && off.size() == 2 && off[0].is_number_unsigned() &&
                off[1].is_number_unsigned())
        << tn << " has data_offsets " << off.dump() << ", not [begin, end]";
    e.begin = off[0].get<uint64_t>();
    e.end = off[1].get<uint64_t>();
    user_assert(e.begin <= e.end) << tn << " has data_offsets " << off.dump() << " (end < begin)";
    user_assert(count <= data_size && e.end - e.begin == count * static_cast<uint64_t>(esize))
        << tn << " (" << e.dtype << " " << shape_str(e.shape) << ") needs "
        << count * static_cast<uint64_t>(esize) << " bytes, but data_offsets " << off.dump()
        << " give " << e.end - e.begin;
    user_assert(e.end <= data_size)
        << in << " is truncated: tensor '" << name << "' ends at byte " << e.end
        << " of the data, which has only " << data_size << " bytes";
    st.tensors.push_back(std::move(e));
  }
  st.bytes = std::move(bytes);
  return st;
}

Safetensors read_safetensors(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  user_assert(f) << "cannot read weights file '" << path.string() << "'";
  std::ostringstream s;
  s << f.rdbuf();
  return parse_safetensors(s.str(), path.string());
}

std::string safetensors_dtype(const std::string& model_dtype) {
  if (model_dtype == "f32") return "F32";
  if (model_dtype == "f16") return "F16";
  if (model_dtype == "i32") return "I32";
  if (model_dtype == "u32") return "U32";
  user_error << "dtype '" << model_dtype
             << "' has no safetensors equivalent for a weight (use u32 for booleans)";
}

void check_weights(const ModelSpec& m, const Safetensors& file) {
  const std::string in = "weights file '" + file.source + "'";
  std::set<std::string> names;
  std::string missing, all;
  for (auto& t : m.tensors) {
    if (t.role != TensorRole::Weight) continue;
    names.insert(t.name);
    all += (all.empty() ? "" : ", ") + t.name;
    if (!file.find(t.name)) missing += (missing.empty() ? "'" : ", '") + t.name + "'";
  }
  user_assert(missing.empty()) << in << " lacks weight(s) " << missing << " of model '" << m.name
                               << "'";
  for (auto& e : file.tensors) {
    user_assert(names.count(e.name))
        << in << " has tensor '" << e.name << "', which is not a weight of model '" << m.name
        << "' (weights: " << (all.empty() ? "none" : all) << ")";
  }
  for (auto& t : m.tensors) {
    if (t.role != TensorRole::Weight) continue;
    const SafetensorsEntry& e = *file.find(t.name);
    const std::string want = safetensors_dtype(t.dtype);
    user_assert(e.dtype == want) << in << ": weight '" << t.name << "' has dtype " << e.dtype
                                 << ", but model '" << m.name << "' needs " << want;
    std::vector<int64_t> shape;
    for (auto& x : t.shape) {
      internal_assert(x.is_const()) << "weight '" << t.name << "' has a symbolic extent";
      shape.push_back(x.value);
    }
    user_assert(e.shape == shape) << in << ": weight '" << t.name << "' has shape "
                                  << shape_str(e.shape) << ", but model '" << m.name << "' needs "
                                  << shape_str(shape);
  }
}

std::string write_safetensors(const std::vector<SafetensorsTensor>& tensors,
                              const std::map<std::string, std::string>& metadata) {
  // nlohmann's ordered_json keeps the given order (readers use data_offsets, not the order).
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  if (!metadata.empty()) h["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (auto& t : tensors) {
    const std::string dt = safetensors_dtype(t.dtype);
    int64_t count = 1;
    for (auto d : t.shape) count *= d;
    user_assert(static_cast<int64_t>(t.bytes.size()) == count * st_bytes(dt))
        << "safetensors: tensor '" << t.name << "' has " << t.bytes.size() << " bytes, its " << dt
        << " " << shape_str(t.shape) << " needs " << count * st_bytes(dt);
    h[t.name] = {
        {"dtype", dt}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string header = h.dump();
  header.append((8 - header.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  for (auto& t : tensors) out += t.bytes;
  return out;
}

}  // namespace webtx::model
