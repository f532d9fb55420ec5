#include "engines.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "crash_report.hpp"
#include "vk_program.hpp"
#include "webtx/codegen/describe_program.hpp"
#include "webtx/codegen/spirv.hpp"
#include "webtx/codegen/wgsl.hpp"
#include "webtx/lower.hpp"
#include "webtx/lower/arith.hpp"
#include "webtx/model/model_spec.hpp"

namespace webtx::fuzz {

namespace {

bool uses_f16(const Recipe& r) {
  for (auto& n : r.nodes)
    if (n.dtype == ir::DType::f16()) return true;
  return false;
}

std::string first_lines(const std::string& s, int n = 12) {
  size_t p = 0;
  for (int i = 0; i < n && p != std::string::npos; ++i) p = s.find('\n', p + 1);
  return p == std::string::npos ? s : s.substr(0, p) + "\n...";
}

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64_encode(const std::vector<uint8_t>& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kB64[(v >> s) & 63];
  }
  if (i < in.size()) {
    uint32_t v = in[i] << 16;
    if (i + 1 < in.size()) v |= in[i + 1] << 8;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::vector<uint8_t> b64_decode(const std::string& s) {
  std::vector<uint8_t> out;
  uint32_t v = 0;
  int bits = 0;
  for (char c : s) {
    const char* p = std::strchr(kB64, c);
    if (c == '=' || !p || !c) continue;
    v = (v << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((v >> bits) & 0xff));
    }
  }
  return out;
}

Target target_for(bool f16) {
  Target t;
  if (f16) t.with(Feature::ShaderF16);
  return t;
}

// Mesa's lavapipe stops loops silently: gallivm's loop limiter (lp_bld_ir_common.c,
// LP_MAX_TGSI_LOOP_ITERATIONS = 65535) is one counter per shader function, decremented at
// the back edge of every loop, and a loop whose counter reaches 0 exits. So the limit is on
// the iterations of all loops of a kernel together, in one invocation (tests/fuzz/known/:
// one 70000-iteration loop writes 65535 elements; cases/lavapipe_loop_limit_matmul.json: a
// batched matmul in one invocation stopped at element 326 of 336). An upper bound of the sum:
// every loop the SPIR-V backend emits as a loop (not replicated), its enclosing extents
// multiplied, guards ignored, with the program's symbols bound.
int64_t loop_iterations(const ir::Kernel& k, const eval::SymbolMap& syms, const Target& t) {
  ir::ScalarBindings env;
  lowering::RangeMap ranges;  // symbols, and loop and let variables, over their whole range
  for (auto& v : k.scalars)
    if (auto it = syms.find(v.as<ir::Variable>()->name); it != syms.end())
      env[v.get()] = it->second, ranges[v.get()] = {it->second, it->second};
  std::array<int64_t, 6> threads{k.workgroup_size[0], k.workgroup_size[1], k.workgroup_size[2]};
  for (int d = 0; d < 3; ++d) {
    try {
      threads[3 + d] = ir::eval_scalar(k.grid[d], env);
    } catch (const std::exception&) {
    }
  }
  int64_t sum = 0;
  std::function<void(const ir::Stmt&, int64_t)> walk = [&](const ir::Stmt& st, int64_t outer) {
    if (!st.defined()) return;
    if (auto* f = st.as<ir::For>()) {
      // Extents over workgroup ids or outer loops (loop partitioning's): their largest value.
      auto ext = lowering::const_bounds(f->extent, ranges, &threads);
      auto mn = lowering::const_bounds(f->min, ranges, &threads);
      int64_t n = ext ? ext->hi : int64_t{1} << 20;  // unknown: assume long
      if (mn && ext) ranges[f->var.get()] = {mn->lo, mn->hi + std::max<int64_t>(ext->hi, 1) - 1};
      int64_t total = std::min<int64_t>(outer * std::max<int64_t>(n, 1), int64_t{1} << 40);
      bool replicated = f->for_kind != ir::ForKind::Serial && f->extent.as<ir::IntImm>() &&
                        n <= t.limits.maxUnrollIterations;
      if (!replicated) sum += total;
      walk(f->body, total);
    } else if (auto* l = st.as<ir::LetStmt>()) {
      if (auto r = lowering::const_bounds(l->value, ranges, &threads)) ranges[l->var.get()] = *r;
      walk(l->body, outer);
    } else if (auto* i = st.as<ir::IfThenElse>()) {
      walk(i->then_case, outer);
      walk(i->else_case, outer);
    } else if (auto* q = st.as<ir::Seq>()) {
      for (auto& x : q->stmts) walk(x, outer);
    } else if (auto* a = st.as<ir::Allocate>()) {
      walk(a->body, outer);
    }
  };
  walk(k.body, 1);
  return sum;
}

}  // namespace

std::unique_ptr<Prepared> prepare(const Recipe& r) {
  auto p = std::make_unique<Prepared>();
  p->recipe = r;
  p->built = build_graph(r);
  p->f16 = uses_f16(r);
  std::vector<int> skipped;
  Schedule s = build_schedule(r, p->built, &skipped);
  p->skipped_steps = static_cast<int>(skipped.size());
  LowerOptions lo;
  lo.target = target_for(p->f16);
  try {
    p->program = lower(s, "fuzz", p->built.inputs, p->built.outputs, lo);
  } catch (const InternalError& e) {
    p->findings.push_back({"lower", "error", e.what()});
    return p;
  }
  std::vector<codegen::KernelArtifacts> arts;
  for (auto& k : p->program.kernels) {
    codegen::KernelArtifacts a;
    try {
      a.fields.push_back({"wgsl", codegen::emit_wgsl(k, lo.target)});
    } catch (const InternalError& e) {
      p->findings.push_back({"wgsl", "compile", k.name + ": " + e.what()});
      return p;
    }
    arts.push_back(std::move(a));
  }
  // (A UserError from here on means the target limits, which emit_wgsl checked first: rethrown.)
  for (auto& k : p->program.kernels) {
    try {
      std::string msg = codegen::spirv::validate(codegen::spirv::emit_kernel(k, lo.target));
      if (!msg.empty()) {
        p->findings.push_back({"spirv", "compile", k.name + ": spirv-val: " + first_lines(msg)});
        return p;
      }
      p->spirv.push_back(codegen::spirv::compile_kernel(k, lo.target).words);
    } catch (const InternalError& e) {
      p->findings.push_back({"spirv", "compile", k.name + ": " + e.what()});
      return p;
    } catch (const UserError& e) {
      p->findings.push_back({"spirv", "compile", k.name + ": " + e.what()});
      return p;
    }
  }
  for (auto& k : p->program.kernels)
    p->lavapipe_loop_limit |= loop_iterations(k, p->built.symbols, lo.target) >= 65535;
  p->manifest = model::to_json(codegen::describe_program(p->program, arts, lo.target));
  p->inputs = make_inputs(r, p->built);
  p->want = eval::evaluate_graph(p->built.outputs, p->inputs, p->built.symbols);
  return p;
}

void emit_kernels(const Prepared& p, const std::string& dir) {
  std::filesystem::create_directories(dir);
  const Target t = target_for(p.f16);
  for (size_t i = 0; i < p.program.kernels.size(); ++i) {
    const ir::Kernel& k = p.program.kernels[i];
    const std::string base = dir + "/" + std::to_string(p.recipe.seed) + "_" + k.name;
    try {
      std::ofstream(base + ".wgsl") << codegen::emit_wgsl(k, t);
    } catch (const std::exception&) {  // a compile finding: prepare() reported it
    }
    auto write = [](const std::string& path, const std::vector<uint32_t>& words) {
      std::ofstream f(path, std::ios::binary);
      f.write(reinterpret_cast<const char*>(words.data()),
              static_cast<std::streamsize>(words.size() * sizeof(uint32_t)));
    };
    if (i < p.spirv.size()) {
      write(base + ".spv", p.spirv[i]);
      // The module before spirv-opt too: drivers are tried on both (seed 8064 on NVIDIA).
      write(base + ".raw.spv", codegen::spirv::emit_kernel(k, t));
    }
  }
}

int load_kernels(Prepared& p, const std::string& dir) {
  int n = 0;
  for (size_t i = 0; i < p.program.kernels.size() && i < p.spirv.size(); ++i) {
    std::ifstream f(
        dir + "/" + std::to_string(p.recipe.seed) + "_" + p.program.kernels[i].name + ".spv",
        std::ios::binary);
    if (!f) continue;
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    p.spirv[i].assign(bytes.size() / 4, 0);
    std::memcpy(p.spirv[i].data(), bytes.data(), p.spirv[i].size() * 4);
    ++n;
  }
  return n;
}

bool legalize(Recipe& r, std::string* why) {
  for (;;) {
    try {
      prepare(r);
      return true;
    } catch (const UserError& e) {
      if (why) *why = e.what();
      if (r.steps.empty()) return false;
      // The last step that is not an auto_schedule goes: auto_schedule comes last and only
      // schedules what the other steps left, so an error is most often one of theirs.
      auto keep = std::find_if(r.steps.rbegin(), r.steps.rend(),
                               [](const Step& s) { return s.op != "auto_schedule"; });
      r.steps.erase(keep == r.steps.rend() ? r.steps.end() - 1 : std::prev(keep.base()));
    }
  }
}

std::string compare(const Prepared& p, const std::string& name, const eval::HostTensor& got) {
  const eval::HostTensor& want = p.want.at(name);
  std::ostringstream os;
  if (got.shape != want.shape || got.dtype != want.dtype) {
    os << name << ": got " << got.dtype.str() << " of " << got.size() << " elements, want "
       << want.dtype.str() << " of " << want.size();
    return os.str();
  }
  const Node* node = nullptr;
  for (auto& n : p.recipe.nodes)
    if (n.name == name) node = &n;
  int bad = 0;
  for (int64_t i = 0; i < got.size(); ++i) {
    bool ok;
    double g, w;
    if (want.dtype.is_float()) {
      g = got.get_f(i), w = want.get_f(i);
      if (std::isnan(w) || std::isinf(w)) {
        ok = std::isnan(w) ? std::isnan(g) : g == w;
      } else {
        ok = std::abs(g - w) <= node->tol_abs + node->tol_rel * std::abs(w) + 0.0;
      }
    } else {
      g = static_cast<double>(got.get_i(i)), w = static_cast<double>(want.get_i(i));
      ok = g == w;
    }
    if (!ok && ++bad <= 4) {
      os.precision(9);
      os << name << "[" << i << "]: got " << g << ", want " << w << " (tol " << node->tol_abs
         << ")\n";
    }
  }
  if (bad > 4) os << name << ": " << bad << " of " << got.size() << " elements differ\n";
  return os.str();
}

namespace {

// A program that runs for minutes on a CPU engine is a hang (a finding): nothing can stop an
// in-process dispatch, so the watchdog reports the seed and ends the process.
struct Watchdog {
  std::mutex m;
  std::condition_variable cv;
  std::string what;  // "" when idle
  std::function<void(const std::string&)> hook;
  std::chrono::steady_clock::time_point since;
  std::thread t;
  std::chrono::seconds limit{120};  // WEBTX_FUZZ_HANG_S overrides
  Watchdog() {
    if (const char* e = std::getenv("WEBTX_FUZZ_HANG_S"))
      limit = std::chrono::seconds(std::atoi(e));
    t = std::thread([this] {
      std::unique_lock<std::mutex> l(m);
      for (;;) {
        cv.wait_for(l, std::chrono::seconds(5));
        if (!what.empty() && std::chrono::steady_clock::now() - since > limit) {
          if (hook) hook(what);
          std::fflush(stdout);
          std::_Exit(3);
        }
      }
    });
    t.detach();
  }
  void begin(const std::string& w) {
    std::lock_guard<std::mutex> l(m);
    what = w, since = std::chrono::steady_clock::now();
  }
  void end() {
    std::lock_guard<std::mutex> l(m);
    what.clear();
  }
};

Watchdog& watchdog() {
  static Watchdog* w = new Watchdog;  // never destroyed: its thread outlives main's objects
  return *w;
}

}  // namespace

void on_hang(std::function<void(const std::string& what)> f) {
  std::lock_guard<std::mutex> l(watchdog().m);
  watchdog().hook = std::move(f);
}

void run_native(Prepared& p, runtime::vulkan::VulkanDevice* vk) {
  if (!p.findings.empty()) return;
  const std::string seed = "seed " + std::to_string(p.recipe.seed);
  watchdog().begin(seed + ": cpu-lowered");
  set_crash_label(seed + ": cpu-lowered");
  try {
    auto got = eval::run_program(p.program, p.inputs, p.built.symbols);
    std::string diff;
    for (auto& o : p.built.outputs) diff += compare(p, o->name, got.at(o->name));
    if (!diff.empty()) p.findings.push_back({"cpu-lowered", "mismatch", diff});
  } catch (const std::exception& e) {
    p.findings.push_back({"cpu-lowered", "error", e.what()});
  }
  watchdog().end();
  if (!vk || p.lavapipe_loop_limit) return;
  watchdog().begin(seed + ": vulkan");
  try {
    eval::TensorMap t = p.inputs;
    vk_program::RunOptions o;
    o.symbols = p.built.symbols;
    set_crash_label(seed + ": vulkan-pipelines");
    // Specialized: the first bind already builds pipelines with the symbols fixed.
    const bool special = specialized_run(p.recipe);
    vk_program::VulkanProgram prog(*vk, p.program, p.spirv, {.after = special ? 1 : 0});
    set_crash_label(seed + ": vulkan-run");
    prog.run(t, o);
    std::string diff;
    for (auto& out : p.built.outputs) diff += compare(p, out->name, t.at(out->name));
    if (!diff.empty() && special) diff = "(specialized pipelines)\n" + diff;
    if (!diff.empty()) p.findings.push_back({"vulkan", "mismatch", diff});
  } catch (const std::exception& e) {
    p.findings.push_back({"vulkan", "error", e.what()});
  }
  watchdog().end();
}

namespace {

// One Node process over `sent`; returns how many programs got a result (a hang ends the
// process after the hanging program's result).
size_t run_webgpu_once(const std::vector<Prepared*>& sent, const WebGpuConfig& cfg) {
  using nlohmann::json;
  json jobs = json::array();
  for (size_t i = 0; i < sent.size(); ++i) {
    Prepared* p = sent[i];
    json j{{"name", "p" + std::to_string(i)}, {"manifest", p->manifest}};
    j["specialize"] = specialized_run(p->recipe);
    j["symbols"] = json::object();
    for (auto& [k, v] : p->built.symbols) j["symbols"][k] = v;
    j["inputs"] = json::object();
    for (auto& [k, v] : p->inputs) j["inputs"][k] = b64_encode(v.bytes);
    j["outputs"] = json::array();
    for (auto& o : p->built.outputs) j["outputs"].push_back(o->name);
    jobs.push_back(j);
  }
  const std::string in = cfg.work_dir + "/batch.json", out = cfg.work_dir + "/results.json",
                    log = cfg.work_dir + "/node.log";
  std::ofstream(in) << json{{"programs", jobs}}.dump();
  std::remove(out.c_str());
  // A batch that takes 15 minutes is reported as a runner failure for each of its programs.
  std::string cmd = "VK_ICD_FILENAMES='" + cfg.icd + "' timeout 900 '" + cfg.node + "' '" +
                    cfg.runner + "' '" + in + "' '" + out + "'" +
                    (cfg.compile_only ? " --compile-only" : "") + " >'" + log + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream f(out);
  json res;
  if (f) {
    try {
      res = json::parse(f);
    } catch (const json::exception&) {
    }
  }
  std::ifstream lf(log);
  std::string log_text((std::istreambuf_iterator<char>(lf)), std::istreambuf_iterator<char>());
  if (!res.contains("results")) {
    for (auto* p : sent)
      p->findings.push_back({"webgpu", "error",
                             "the Node runner failed (exit " + std::to_string(rc) +
                                 "): " + first_lines(log_text, 20)});
    return sent.size();
  }
  size_t done = 0;
  for (size_t i = 0; i < sent.size(); ++i) {
    Prepared& p = *sent[i];
    const json* r = nullptr;
    for (auto& x : res["results"])
      if (x.at("name") == jobs[i].at("name")) r = &x;
    if (!r) continue;
    done = i + 1;
    if (r->contains("hang")) {
      p.findings.push_back({"webgpu", "error",
                            "hang (still running after WEBTX_FUZZ_WEBGPU_HANG_S, default 120 s)"});
      continue;
    }
    if (r->contains("compile") && !(*r)["compile"].empty()) {
      p.findings.push_back(
          {"wgsl", "compile", first_lines((*r)["compile"].get<std::string>(), 20)});
      continue;
    }
    if (r->contains("error")) {
      p.findings.push_back({"webgpu", "error", (*r)["error"].get<std::string>()});
      continue;
    }
    if (cfg.compile_only) continue;
    std::string diff;
    for (auto& o : p.built.outputs) {
      eval::HostTensor got = p.want.at(o->name);
      auto bytes = b64_decode((*r)["outputs"].at(o->name).get<std::string>());
      if (bytes.size() < got.bytes.size()) {
        diff += o->name + ": " + std::to_string(bytes.size()) + " bytes came back\n";
        continue;
      }
      bytes.resize(got.bytes.size());
      got.bytes = bytes;
      diff += compare(p, o->name, got);
    }
    if (!diff.empty()) p.findings.push_back({"webgpu", "mismatch", diff});
  }
  if (done == 0)
    for (auto* p : sent)
      p->findings.push_back(
          {"webgpu", "error", "no result (the runner died: " + first_lines(log_text, 20) + ")"});
  return done == 0 ? sent.size() : done;
}

}  // namespace

void run_webgpu(const std::vector<Prepared*>& batch, const WebGpuConfig& cfg) {
  std::vector<Prepared*> pending;
  for (auto* p : batch)
    if (!p->f16 && !p->manifest.empty()) pending.push_back(p);
  // After a hang, a new process takes the programs after it.
  while (!pending.empty()) {
    size_t done = run_webgpu_once(pending, cfg);
    pending.erase(pending.begin(), pending.begin() + static_cast<long>(done));
  }
}

}  // namespace webtx::fuzz
