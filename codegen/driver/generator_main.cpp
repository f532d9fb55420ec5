// main() of every model generator: runs a WEBTX_MODEL function, lowers it for a Target, runs
// every registered kernel backend (webtx/codegen/backend.hpp) on each kernel and writes their
// files, the host-stub object and the model description (<model>.manifest.json, docs/abi.md)
// into an output directory.
// Files are rewritten only when their content changes, so a rebuild that changes one kernel
// does not relink models whose outputs stayed the same.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "webtx/codegen/backend.hpp"
#include "webtx/codegen/describe_program.hpp"
#include "webtx/codegen/host.hpp"
#include "webtx/codegen/model_typescript.hpp"
#include "webtx/codegen/read_checks.hpp"
#include "webtx/generator.hpp"
#include "webtx/generator_target.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/model/from_ir.hpp"
#include "webtx/target.hpp"

namespace fs = std::filesystem;

namespace webtx {
namespace {

struct Options {
  fs::path out_dir;
  std::string model;
  std::string name;  // the output's name (default: the model's)
  std::map<std::string, std::string> params;
  std::string target = "webgpu";
  bool dump_ir = false;
  bool list = false;
};

const char* kUsage =
    "usage: <generator> -o <output dir> [--model <model>] [--name <name>] [--param NAME=VALUE]...\n"
    "                   [--target <target>] [--dump-ir] [--list]\n"
    "Runs WEBTX_MODEL <model> (needed when the generator registers several) with the given\n"
    "build-time parameters (ctx.param) and writes <name>.manifest.json, <name>.host.o,\n"
    "<name>.d.ts, <name>_<i>_<kernel>.{wgsl,spv,spvasm} and <name>.stamp into the output dir\n"
    "(<name> defaults to <model>). --target names what the model is built for (default\n"
    "webgpu; see include/webtx/target.hpp).\n";

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      user_assert(i + 1 < argc) << a << " needs a value\n" << kUsage;
      return argv[++i];
    };
    if (a == "-o" || a == "--output")
      o.out_dir = value();
    else if (a == "--model")
      o.model = value();
    else if (a == "--name")
      o.name = value();
    else if (a == "--param") {
      std::string kv = value();
      auto eq = kv.find('=');
      user_assert(eq != std::string::npos && eq > 0)
          << "--param '" << kv << "': expected NAME=VALUE\n"
          << kUsage;
      user_assert(o.params.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second)
          << "--param " << kv.substr(0, eq) << " given twice";
    } else if (a == "--target")
      o.target = value();
    else if (a == "--dump-ir")
      o.dump_ir = true;
    else if (a == "--list")
      o.list = true;
    else
      user_error << "unknown argument '" << a << "'\n" << kUsage;
  }
  user_assert(o.list || !o.out_dir.empty()) << "no output directory (-o)\n" << kUsage;
  return o;
}

// Writes `data` to `path` unless the file already holds exactly that. Returns true if written.
bool write_if_changed(const fs::path& path, const std::string& data) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::ostringstream old;
    old << in.rdbuf();
    if (old.str() == data) return false;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  user_assert(out.good()) << "cannot write " << path.string();
  return true;
}

std::string program_text(const ir::Program& p) {
  std::ostringstream os;
  os << "// model " << p.name << "\n";
  for (auto& t : p.tensors)
    os << "// tensor " << t.buffer->name << " (" << ir::role_name(t.role) << ")\n";
  for (auto& k : p.kernels) os << ir::to_string(k) << "\n";
  return os.str();
}

int run(const Options& o) {
  auto& models = registered_models();
  if (o.list) {
    for (auto& m : models) std::cout << m.name << "\n";
    return 0;
  }
  user_assert(!models.empty()) << "this generator registers no model (WEBTX_MODEL)";
  const RegisteredModel* chosen = nullptr;
  if (o.model.empty()) {
    user_assert(models.size() == 1)
        << "this generator registers " << models.size() << " models: pick one with --model";
    chosen = &models[0];
  } else {
    for (auto& m : models) {
      if (m.name == o.model) chosen = &m;
    }
    user_assert(chosen) << "this generator registers no model named '" << o.model << "'";
  }
  const Target target = target_by_name(o.target);
  set_generator_target(target);
  ModelContext ctx(chosen->name);
  ctx.set_params(o.params);
  chosen->fn(ctx);
  ctx.check_params();
  ir::Program prog = lower_model(ctx, false, target);
  if (!o.name.empty()) prog.name = o.name;

  fs::create_directories(o.out_dir);
  const std::string base = prog.name;
  std::vector<codegen::KernelArtifacts> arts(prog.kernels.size());
  for (size_t i = 0; i < prog.kernels.size(); ++i) {
    const auto& k = prog.kernels[i];
    const std::string stem = base + "_" + std::to_string(i) + "_" + k.name;
    for (auto& backend : codegen::kernel_backends()) {
      codegen::KernelArtifact a = backend.emit(k, target, stem);
      for (auto& f : a.files) write_if_changed(o.out_dir / (stem + f.suffix), f.data);
      for (auto& field : a.manifest_fields) arts[i].fields.push_back(field);
    }
  }
  model::ModelSpec spec = codegen::describe_program(prog, arts, target, ctx.weights());
  spec.params = ctx.params_used();
  // Reads outside their tensor: rejected here when proven, checked per call when not.
  spec.read_checks = codegen::read_checks(ctx, prog);
  // Lowering's own conditions (tensorized extents that must divide by their tile).
  for (auto& c : prog.checks) {
    const std::string where = "the check '" + c.what + "'";
    spec.read_checks.push_back({c.what, model::to_extent(c.lhs, prog.symbols, where),
                                model::to_extent(c.rhs, prog.symbols, where)});
  }
  model::validate(spec);
  codegen::HostStubOptions hopts;
  hopts.target = target;
  std::string llvm_ir;
  if (o.dump_ir) hopts.llvm_ir_out = &llvm_ir;
  std::vector<char> obj = codegen::compile_host_stub(spec, hopts);
  write_if_changed(o.out_dir / (base + ".manifest.json"), model::to_json(spec));
  write_if_changed(o.out_dir / (base + ".host.o"), std::string(obj.begin(), obj.end()));
  write_if_changed(o.out_dir / (base + ".d.ts"), codegen::model_typescript(spec));
  if (o.dump_ir) {
    write_if_changed(o.out_dir / (base + ".ir.txt"), program_text(prog));
    write_if_changed(o.out_dir / (base + ".host.ll"), llvm_ir);
  }
  // The build's marker that this generator ran; always rewritten.
  std::ofstream(o.out_dir / (base + ".stamp"), std::ios::trunc) << prog.kernels.size() << "\n";
  return 0;
}

}  // namespace
}  // namespace webtx

int main(int argc, char** argv) {
  try {
    return webtx::run(webtx::parse(argc, argv));
  } catch (const webtx::UserError& e) {
    std::cerr << "webtx generator: error: " << e.what() << "\n";
  } catch (const webtx::InternalError& e) {
    std::cerr << "webtx generator: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "webtx generator: " << e.what() << "\n";
  }
  return 1;
}
