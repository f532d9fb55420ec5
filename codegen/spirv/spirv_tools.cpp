// Validation, optimisation and disassembly through SPIRV-Tools, all for Vulkan 1.1.
#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/optimizer.hpp>

#include <fstream>
#include <sstream>

#include "webtx/codegen/spirv.hpp"
#include "webtx/error.hpp"

namespace webtx::codegen::spirv {
namespace {

constexpr spv_target_env kEnv = SPV_ENV_VULKAN_1_1;

// Collects every diagnostic as "line: message".
spvtools::MessageConsumer collect(std::string& out) {
  return [&out](spv_message_level_t, const char*, const spv_position_t& pos, const char* msg) {
    std::ostringstream s;
    s << "  [word " << pos.index << "] " << msg << "\n";
    out += s.str();
  };
}

}  // namespace

std::string validate(const std::vector<uint32_t>& words) {
  spvtools::SpirvTools tools(kEnv);
  std::string msgs;
  tools.SetMessageConsumer(collect(msgs));
  if (tools.Validate(words)) return "";
  return msgs.empty() ? std::string("invalid module (no message)") : msgs;
}

std::string disassemble(const std::vector<uint32_t>& words) {
  spvtools::SpirvTools tools(kEnv);
  std::string msgs, text;
  tools.SetMessageConsumer(collect(msgs));
  const uint32_t opts = SPV_BINARY_TO_TEXT_OPTION_INDENT | SPV_BINARY_TO_TEXT_OPTION_FRIENDLY_NAMES;
  internal_assert(tools.Disassemble(words, &text, opts)) << "disassembly failed:\n" << msgs;
  return text;
}

std::string SpirvModule::disassembly() const {
  if (cooperative_matrix)
    return "; kernel '" + kernel_name +
           "' uses SPV_KHR_cooperative_matrix, which this SPIRV-Tools cannot disassemble:\n"
           "; use the spirv-dis that `scripts/webtx setup` installs (docs/spirv.md)\n";
  return disassemble(words);
}

void SpirvModule::write_spv(const std::string& path) const {
  std::ofstream f(path, std::ios::binary);
  user_assert(f.good()) << "cannot open '" << path << "' to write kernel '" << kernel_name << "'";
  f.write(reinterpret_cast<const char*>(words.data()),
          static_cast<std::streamsize>(words.size() * sizeof(uint32_t)));
  user_assert(f.good()) << "failed writing '" << path << "'";
}

SpirvModule compile_kernel(const ir::Kernel& kernel, const SpirvOptions& options) {
  return compile_kernel(kernel, Target{}, options);
}

SpirvModule compile_kernel(const ir::Kernel& kernel, const Target& target,
                           const SpirvOptions& options) {
  SpirvModule m;
  m.kernel_name = kernel.name;
  m.words = emit_kernel(kernel, target);
  // Debian 12's SPIRV-Tools (2023.1) predates SPV_KHR_cooperative_matrix: it rejects the
  // opcodes. Such modules are validated by the newer spirv-val that `scripts/webtx setup`
  // installs (the tests run it) and are not optimised (docs/spirv.md).
  m.cooperative_matrix = kernel.subgroup_matrix_size > 0;
  if (m.cooperative_matrix) return m;
  std::string err = validate(m.words);
  user_assert(err.empty()) << "SPIR-V for kernel '" << kernel.name
                           << "' failed validation (Vulkan 1.1):\n"
                           << err;
  if (options.optimize) {
    spvtools::Optimizer opt(kEnv);
    std::string msgs;
    opt.SetMessageConsumer(collect(msgs));
    opt.RegisterPerformancePasses();
    std::vector<uint32_t> out;
    internal_assert(opt.Run(m.words.data(), m.words.size(), &out))
        << "spirv-opt failed on kernel '" << kernel.name << "':\n"
        << msgs;
    err = validate(out);
    user_assert(err.empty()) << "optimised SPIR-V for kernel '" << kernel.name
                             << "' failed validation (Vulkan 1.1):\n"
                             << err;
    m.words = std::move(out);
  }
  return m;
}

}  // namespace webtx::codegen::spirv
