// webtx_fuzz_programs: differential fuzzing of the compiler across three engines
// (docs/testing.md, "Program fuzzing").
//   webtx_fuzz_programs [--count N] [--seed S] [--batch B] [--engines cpu,vulkan,webgpu]
//                       [--shrink --cases-dir DIR] [--work DIR] [--max-ops K] [--f16] [-v]
//   webtx_fuzz_programs --replay <case.json | dir>...
//   webtx_fuzz_programs --dump S    (prints seed S's program as a case file)
//   --emit DIR: also writes every kernel's WGSL and SPIR-V to DIR (<seed>_<kernel>.wgsl/.spv, and
//   .raw.spv before spirv-opt; with --engines none nothing runs: shader sizes and compile times
//   studied on their own)
//   --spirv-from DIR: the Vulkan engine runs DIR/<seed>_<kernel>.spv instead of the compiled
//   module where that file exists (candidate fixes tried on a driver, e.g. NVIDIA's)
// Prints one line per finding and a one-line summary; exits 1 when anything was found.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "crash_report.hpp"
#include "engines.hpp"
#include "generate.hpp"
#include "shrink.hpp"
#include "vk_program.hpp"

namespace fs = std::filesystem;
using namespace webtx::fuzz;

namespace {

struct Options {
  uint64_t count = 100, seed = 1;
  size_t batch = 50;
  bool cpu = true, vulkan = true, webgpu = true, shrink = false, verbose = false;
  std::string cases_dir, work = "fuzz-work", emit, spirv_from;
  std::vector<std::string> replay;
  GenOptions gen;
  WebGpuConfig web;
};

struct Tally {
  uint64_t programs = 0, trimmed = 0, unlowerable = 0, kernels = 0, no_vulkan = 0;
  std::map<std::string, int> findings;  // "engine kind" -> count
};

std::string read_file(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Prepares and runs `recipes` on the chosen engines (WebGPU as one batch). A recipe the
// compiler rejects yields a null entry (and its error in `why`, when given).
// The batch run_all is working on: a hang reports its findings so far before the process ends.
const std::vector<std::unique_ptr<Prepared>>* g_batch = nullptr;

std::vector<std::unique_ptr<Prepared>> run_all(const std::vector<Recipe>& recipes, const Options& o,
                                               webtx::runtime::vulkan::VulkanDevice* vk,
                                               bool quiet_errors = false,
                                               std::vector<std::string>* why = nullptr) {
  std::vector<std::unique_ptr<Prepared>> out;
  out.reserve(recipes.size());  // stable while the watchdog may read it
  g_batch = &out;
  std::vector<Prepared*> web;
  for (auto& r : recipes) {
    std::unique_ptr<Prepared> p;
    set_crash_label("seed " + std::to_string(r.seed) + ": prepare");
    try {
      p = prepare(r);
    } catch (const std::exception& e) {
      if (!quiet_errors && r.rejected.empty()) std::cerr << "rejected: " << e.what() << "\n";
      if (why) why->resize(out.size() + 1), why->back() = e.what();
      out.push_back(nullptr);
      continue;
    }
    if (!o.emit.empty()) emit_kernels(*p, o.emit);
    if (!o.spirv_from.empty() && p->findings.empty()) {
      int n = load_kernels(*p, o.spirv_from);
      if (!quiet_errors)
        std::cerr << "seed " << r.seed << ": " << n << " kernels from " << o.spirv_from << "\n";
    }
    if (o.cpu || o.vulkan) run_native(*p, o.vulkan ? vk : nullptr);
    if (o.webgpu && p->findings.empty()) web.push_back(p.get());
    out.push_back(std::move(p));
  }
  if (!web.empty()) run_webgpu(web, o.web);
  g_batch = nullptr;
  return out;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void shrink_and_save(const Recipe& r, const Finding& f, const Options& o,
                     webtx::runtime::vulkan::VulkanDevice* vk) {
  Options so = o;
  so.webgpu = o.webgpu && (f.engine == "webgpu" || f.engine == "wgsl");
  so.vulkan = o.vulkan && f.engine == "vulkan";
  auto fails = [&](const std::vector<Recipe>& cands) {
    auto res = run_all(cands, so, vk, true);
    std::vector<bool> v;
    for (auto& p : res) {
      bool same = false;
      // Same engine, same kind, and for mismatches the same tensor.
      auto tensor = [](const Finding& x) {
        return x.kind == "mismatch" ? x.detail.substr(0, x.detail.find_first_of("[:")) : "";
      };
      if (p)
        for (auto& g : p->findings)
          same = same || (g.engine == f.engine && g.kind == f.kind && tensor(g) == tensor(f));
      v.push_back(same);
    }
    return v;
  };
  Recipe small = shrink(r, fails);
  small.note =
      f.engine + " " + f.kind + " (seed " + std::to_string(r.seed) + "): " + first_line(f.detail);
  fs::create_directories(o.cases_dir);
  fs::path file =
      fs::path(o.cases_dir) / ("seed" + std::to_string(r.seed) + "_" + f.engine + ".json");
  std::ofstream(file) << to_json(small) << "\n";
  std::cout << "  shrunk to " << small.nodes.size() << " nodes, " << small.steps.size()
            << " steps: " << file.string() << "\n";
}

void report(const Prepared& p, Tally& t, const Options& o, const std::string& label,
            webtx::runtime::vulkan::VulkanDevice* vk) {
  t.no_vulkan += o.vulkan && p.lavapipe_loop_limit;
  for (auto& f : p.findings) {
    ++t.findings[f.engine + " " + f.kind];
    std::cout << label << ": " << f.engine << " " << f.kind << ": " << f.detail << "\n";
    if (o.verbose) std::cout << to_json(p.recipe) << "\n";
  }
  if (o.shrink && !p.findings.empty()) shrink_and_save(p.recipe, p.findings[0], o, vk);
}

int print_summary(Tally& t, const Options& o, std::chrono::steady_clock::time_point t0) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto count = [&](const std::string& k) { return t.findings.count(k) ? t.findings[k] : 0; };
  int total = 0;
  for (auto& [k, v] : t.findings) total += v;
  std::printf(
      "fuzz-programs: %llu programs (%llu kernels, seeds %llu..%llu%s), %llu schedules trimmed; "
      "mismatches: cpu-lowered %d, vulkan %d, webgpu %d; compile errors: lower %d, spirv %d, "
      "wgsl %d; run errors: cpu-lowered %d, vulkan %d, webgpu %d; other %d; %llu not run on "
      "lavapipe (loop limit); %.1f s\n",
      static_cast<unsigned long long>(t.programs), static_cast<unsigned long long>(t.kernels),
      static_cast<unsigned long long>(o.seed),
      static_cast<unsigned long long>(o.seed + o.count - 1), o.replay.empty() ? "" : ", replay",
      static_cast<unsigned long long>(t.trimmed), count("cpu-lowered mismatch"),
      count("vulkan mismatch"), count("webgpu mismatch"), count("lower error"),
      count("spirv compile"), count("wgsl compile"), count("cpu-lowered error"),
      count("vulkan error"), count("webgpu error"),
      count("generator unlowerable") + count("case rejected") + count("case accepted") +
          count("hang"),
      static_cast<unsigned long long>(t.no_vulkan), secs);
  return total;
}

int usage() {
  std::cerr << "usage: webtx_fuzz_programs [--count N] [--seed S] [--batch B] "
               "[--engines cpu,vulkan,webgpu] [--shrink --cases-dir DIR] [--work DIR] "
               "[--max-ops K] [--f16] [--emit DIR] [--spirv-from DIR] [-v] | --replay "
               "<case.json|dir>...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // A crash names its seed and engine (crash_report.hpp), and no line printed before it is lost
  // in a buffer when stdout is a log file.
  install_crash_report();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options o;
  // The environment may override where Node, the runner and SwiftShader are (another machine).
  auto env_or = [](const char* name, const char* def) {
    const char* v = std::getenv(name);
    return std::string(v && *v ? v : def);
  };
  o.web.node = env_or("WEBTX_FUZZ_NODE", WEBTX_FUZZ_NODE);
  o.web.runner = env_or("WEBTX_FUZZ_RUNNER", WEBTX_FUZZ_RUNNER);
  o.web.icd = env_or("WEBTX_FUZZ_WEBGPU_ICD", o.web.icd.c_str());
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) std::exit(usage());
      return argv[++i];
    };
    if (a == "--count")
      o.count = std::stoull(next());
    else if (a == "--seed")
      o.seed = std::stoull(next());
    else if (a == "--batch")
      o.batch = std::stoul(next());
    else if (a == "--work")
      o.work = next();
    else if (a == "--cases-dir")
      o.cases_dir = next();
    else if (a == "--emit")
      o.emit = next();
    else if (a == "--spirv-from")
      o.spirv_from = next();
    else if (a == "--shrink")
      o.shrink = true;
    else if (a == "--max-ops")
      o.gen.max_ops = std::stoi(next());
    else if (a == "--f16")
      o.gen.use_f16 = true;
    else if (a == "--webgpu-compile-only")
      o.web.compile_only = true;
    else if (a == "-v")
      o.verbose = true;
    else if (a == "--dump") {  // the legalized recipe of one seed, as a case file
      Recipe r = generate(std::stoull(next()), o.gen);
      legalize(r);
      std::cout << to_json(r) << "\n";
      return 0;
    } else if (a == "--engines") {
      std::string e = next();
      o.cpu = e.find("cpu") != std::string::npos;
      o.vulkan = e.find("vulkan") != std::string::npos;
      o.webgpu = e.find("webgpu") != std::string::npos;
    } else if (a == "--replay") {
      while (i + 1 < argc && argv[i + 1][0] != '-') o.replay.push_back(argv[++i]);
    } else {
      return usage();
    }
  }
  if (o.shrink && o.cases_dir.empty()) o.cases_dir = o.work + "/cases";
  fs::create_directories(o.work);
  o.web.work_dir = fs::absolute(o.work).string();
  setenv("VK_ICD_FILENAMES", "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json", 0);
  std::unique_ptr<webtx::runtime::vulkan::VulkanDevice> vk;
  if (o.vulkan) vk = std::make_unique<webtx::runtime::vulkan::VulkanDevice>();
  const auto t0 = std::chrono::steady_clock::now();
  Tally t;
  // A hang ends the process: say which seed, count the programs before it, and summarize
  // (scripts/fuzz-programs resumes after that seed).
  on_hang([&](const std::string& what) {
    if (g_batch)
      for (auto& p : *g_batch)
        for (auto& f : p ? p->findings : std::vector<Finding>{}) {
          ++t.findings[f.engine + " " + f.kind];
          std::printf("seed %llu: %s %s: %s\n", static_cast<unsigned long long>(p->recipe.seed),
                      f.engine.c_str(), f.kind.c_str(), f.detail.c_str());
        }
    std::printf("%s: hang (still running after the watchdog's limit, WEBTX_FUZZ_HANG_S or 120 s)\n",
                what.c_str());
    uint64_t seed = std::stoull(what.substr(5));
    if (o.replay.empty()) t.programs = seed - o.seed + 1;
    ++t.findings["hang"];
    print_summary(t, o, t0);
  });

  if (!o.replay.empty()) {
    std::vector<fs::path> files;
    for (auto& r : o.replay) {
      if (fs::is_directory(r)) {
        for (auto& e : fs::directory_iterator(r))
          if (e.path().extension() == ".json") files.push_back(e.path());
      } else {
        files.push_back(r);
      }
    }
    std::sort(files.begin(), files.end());
    std::vector<Recipe> recipes;
    for (auto& f : files) recipes.push_back(recipe_from_json(read_file(f)));
    std::vector<std::string> why;
    auto res = run_all(recipes, o, vk.get(), false, &why);
    why.resize(res.size());
    for (size_t i = 0; i < res.size(); ++i) {
      ++t.programs;
      const std::string& expect = recipes[i].rejected;
      if (!res[i] && !expect.empty() && why[i].find(expect) != std::string::npos) {
        std::cout << files[i].string() << ": rejected as expected: " << why[i] << "\n";
        continue;
      }
      if (!res[i]) {
        ++t.findings["case rejected"];
        std::cout << files[i].string()
                  << (expect.empty() ? ": the compiler no longer accepts this case: "
                                     : ": rejected, but not with '" + expect + "': ")
                  << why[i] << "\n";
        continue;
      }
      if (!expect.empty()) {
        ++t.findings["case accepted"];
        std::cout << files[i].string()
                  << ": the compiler accepts this case, which it must reject ('" << expect
                  << "')\n";
      }
      t.kernels += res[i]->program.kernels.size();
      if (res[i]->skipped_steps)
        std::cerr << files[i].string() << ": note: " << res[i]->skipped_steps
                  << " schedule steps are rejected now (the case may no longer test its bug)\n";
      report(*res[i], t, o, files[i].string(), vk.get());
    }
  } else {
    for (uint64_t b = 0; b < o.count; b += o.batch) {
      std::vector<Recipe> recipes;
      for (uint64_t s = o.seed + b; s < o.seed + std::min<uint64_t>(o.count, b + o.batch); ++s) {
        set_crash_label("seed " + std::to_string(s) + ": generate");
        Recipe r = generate(s, o.gen);
        size_t steps = r.steps.size();
        std::string why;
        if (!legalize(r, &why)) {
          ++t.unlowerable;
          ++t.findings["generator unlowerable"];
          std::cout << "seed " << s << ": no schedule lowers: " << why << "\n";
          continue;
        }
        if (r.steps.size() != steps) ++t.trimmed;
        recipes.push_back(std::move(r));
      }
      auto res = run_all(recipes, o, vk.get());
      for (size_t i = 0; i < res.size(); ++i) {
        ++t.programs;
        if (!res[i]) continue;
        t.kernels += res[i]->program.kernels.size();
        report(*res[i], t, o, "seed " + std::to_string(recipes[i].seed), vk.get());
      }
      if (o.verbose)
        std::cerr << "... " << t.programs << " programs, "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                  << " s\n";
    }
  }
  int total = print_summary(t, o, t0);
  return total ? 1 : 0;
}
