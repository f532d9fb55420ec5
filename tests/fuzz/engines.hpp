#pragma once
// Running a fuzz program on every engine and comparing with the CPU reference
// (evaluate_graph on the unscheduled graph): the lowered-IR evaluator (run_program, which also
// catches races and out-of-bounds accesses), Vulkan on lavapipe (SPIR-V, in process) and
// WebGPU on Dawn + SwiftShader (WGSL, many programs per Node process: run_webgpu).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "recipe.hpp"
#include "webtx/ir/program.hpp"

namespace webtx::runtime::vulkan {
class VulkanDevice;
}

namespace webtx::fuzz {

// What went wrong on one engine. kind: "mismatch" (numbers), "compile" (a backend failed or
// its validator/compiler said anything), "error" (the engine threw or crashed).
struct Finding {
  std::string engine;  // cpu-lowered, lower, spirv, vulkan, wgsl, webgpu
  std::string kind;
  std::string detail;
};

// A program lowered and compiled for every backend, with its inputs and reference outputs.
// Odd seeds run their kernels with the symbols fixed, as shape-specialized pipelines do
// (VulkanModel's SPIR-V specialization constants, web/src/specialize.js's const lines); even
// seeds the generic kernels. Half the programs each, at no extra run time.
inline bool specialized_run(const Recipe& r) { return r.seed % 2 == 1; }

struct Prepared {
  Recipe recipe;
  Built built;
  ir::Program program;
  std::vector<std::vector<uint32_t>> spirv;
  std::string manifest;  // the model description (with WGSL), as a runtime reads it
  eval::TensorMap inputs, want;
  int skipped_steps = 0;             // schedule steps the primitives rejected
  bool lavapipe_loop_limit = false;  // a loop may run 65535+ times: no Vulkan run (engines.cpp)
  bool f16 = false;                  // needs shader-f16 (SwiftShader lacks it: no WebGPU run)
  std::vector<Finding> findings;     // compile findings from prepare(), then the runs'
};

// Builds, schedules, lowers and compiles. A UserError (a schedule or target limit the
// compiler rejects) propagates: the program is "rejected", not a finding. Compiler
// InternalErrors and validator messages become findings.
std::unique_ptr<Prepared> prepare(const Recipe& r);

// Drops schedule steps from the end (auto_schedule, the last, last of all) until prepare()
// accepts the recipe; false if it never does.
bool legalize(Recipe& r, std::string* why = nullptr);

// The lowered-IR evaluator and Vulkan (when `vk` is given), compared with the reference.
void run_native(Prepared& p, runtime::vulkan::VulkanDevice* vk);

struct WebGpuConfig {
  std::string node = "node";
  std::string runner;                                             // tests/fuzz/webgpu_runner.mjs
  std::string work_dir;                                           // where batch and result files go
  std::string icd = "/usr/lib/chromium/vk_swiftshader_icd.json";  // Dawn's Vulkan driver
  bool compile_only = false;  // Dawn's null backend: every WGSL compiled, nothing run
};
// Called (then the process ends) when a program runs for minutes on a native engine: an
// in-process dispatch cannot be stopped. `what` names the seed and engine.
void on_hang(std::function<void(const std::string& what)> f);

// Runs every program of `batch` (skipping f16 ones) in one Node process and compares.
void run_webgpu(const std::vector<Prepared*>& batch, const WebGpuConfig& cfg);

// Writes every kernel of `p` to `dir` as <seed>_<kernel>.wgsl and <seed>_<kernel>.spv (the
// optimised module the Vulkan engine runs), for studying one program's shaders outside the fuzzer.
void emit_kernels(const Prepared& p, const std::string& dir);
// Replaces the SPIR-V of each kernel of `p` that has a <seed>_<kernel>.spv in `dir` (as
// emit_kernels names them); returns how many it replaced.
int load_kernels(Prepared& p, const std::string& dir);

// Compares `got` with the reference for output `name`; "" when it matches.
std::string compare(const Prepared& p, const std::string& name, const eval::HostTensor& got);

}  // namespace webtx::fuzz
