// ModelContext's build-time parameters: parsing the given text as the type the model asks for,
// and the check that every given parameter was read.
#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "webtx/generator.hpp"

namespace webtx {

// Marks `name` read (so check_params() knows it, even when its value then fails to parse).
const std::string* ModelContext::given_param(const std::string& name) {
  auto it = given_params_.find(name);
  used_params_[name] = it == given_params_.end() ? "" : it->second;
  return it == given_params_.end() ? nullptr : &it->second;
}

int64_t ModelContext::param_int(const std::string& name, int64_t default_value, int64_t lo,
                                int64_t hi) {
  int64_t v = default_value;
  if (const std::string* text = given_param(name)) {
    errno = 0;
    char* end = nullptr;
    long long parsed = std::strtoll(text->c_str(), &end, 10);
    user_assert(!text->empty() && *end == '\0' && errno == 0 && parsed >= lo && parsed <= hi)
        << "model " << name_ << ": parameter '" << name << "' is '" << *text
        << "', which is not an integer in [" << lo << ", " << hi << "]";
    v = parsed;
  }
  used_params_[name] = std::to_string(v);
  return v;
}

double ModelContext::param_float(const std::string& name, double default_value) {
  double v = default_value;
  if (const std::string* text = given_param(name)) {
    errno = 0;
    char* end = nullptr;
    v = std::strtod(text->c_str(), &end);
    user_assert(!text->empty() && *end == '\0' && errno == 0)
        << "model " << name_ << ": parameter '" << name << "' is '" << *text
        << "', which is not a number";
  }
  std::ostringstream os;
  os << v;
  used_params_[name] = os.str();
  return v;
}

bool ModelContext::param_bool(const std::string& name, bool default_value) {
  bool v = default_value;
  if (const std::string* text = given_param(name)) {
    if (*text == "true" || *text == "1" || *text == "on" || *text == "ON") {
      v = true;
    } else if (*text == "false" || *text == "0" || *text == "off" || *text == "OFF") {
      v = false;
    } else {
      user_error << "model " << name_ << ": parameter '" << name << "' is '" << *text
                 << "', which is not a bool (true/false, 1/0, on/off)";
    }
  }
  used_params_[name] = v ? "true" : "false";
  return v;
}

std::string ModelContext::param_string(const std::string& name, const std::string& default_value) {
  const std::string* text = given_param(name);
  std::string v = text ? *text : default_value;
  used_params_[name] = v;
  return v;
}

void ModelContext::check_params() const {
  for (auto& [name, value] : given_params_) {
    if (used_params_.count(name)) continue;
    std::string read;
    for (auto& [n, _] : used_params_) read += (read.empty() ? "" : ", ") + n;
    user_error << "model " << name_ << ": unknown parameter '" << name << "' (given " << name << "="
               << value << "); the model reads "
               << (read.empty() ? std::string("no parameters") : read);
  }
}

}  // namespace webtx
