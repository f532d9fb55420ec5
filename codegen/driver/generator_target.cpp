#include "webtx/generator_target.hpp"

namespace webtx {
namespace {
Target& current() {
  static Target t;
  return t;
}
}  // namespace

const Target& generator_target() { return current(); }
void set_generator_target(const Target& target) { current() = target; }

}  // namespace webtx
