// The generator's own speed: for every example model, lowering (schedule -> loop IR), and per
// kernel the WGSL printer, the SPIR-V emitter (with SPIRV-Tools validation and optimisation)
// and the host stub (LLVM IR -> wasm32 object). Target: all of it under 20 ms per kernel.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "webtx/codegen/describe_program.hpp"
#include "webtx/codegen/host.hpp"
#include "webtx/codegen/spirv.hpp"
#include "webtx/codegen/wgsl.hpp"
#include "webtx/generator.hpp"

namespace {

using webtx::ModelContext;

// A model's context, built once: running its function builds the graph and the schedule,
// which lowering only reads.
ModelContext& context_of(const webtx::RegisteredModel& m) {
  static std::map<std::string, std::unique_ptr<ModelContext>> contexts;
  auto& ctx = contexts[m.name];
  if (!ctx) {
    ctx = std::make_unique<ModelContext>(m.name);
    m.fn(*ctx);
  }
  return *ctx;
}

void register_model(const webtx::RegisteredModel& m) {
  ModelContext& ctx = context_of(m);
  const webtx::ir::Program prog = webtx::lower_model(ctx);
  const double kernels = static_cast<double>(prog.kernels.size());

  benchmark::RegisterBenchmark(("BM_Lower/" + m.name).c_str(), [&ctx,
                                                                kernels](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(webtx::lower_model(ctx));
    st.counters["kernels"] = kernels;
  })->Unit(benchmark::kMillisecond);

  for (size_t i = 0; i < prog.kernels.size(); ++i) {
    const std::string kname = m.name + "/" + prog.kernels[i].name;
    benchmark::RegisterBenchmark(("BM_EmitWGSL/" + kname).c_str(), [prog, i](benchmark::State& st) {
      for (auto _ : st) benchmark::DoNotOptimize(webtx::codegen::emit_wgsl(prog.kernels[i]));
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_EmitSPIRV/" + kname).c_str(), [prog,
                                                                     i](benchmark::State& st) {
      for (auto _ : st)
        benchmark::DoNotOptimize(webtx::codegen::spirv::compile_kernel(prog.kernels[i]));
    })->Unit(benchmark::kMillisecond);
  }

  benchmark::RegisterBenchmark(("BM_HostStub/" + m.name).c_str(), [prog,
                                                                   kernels](benchmark::State& st) {
    std::vector<webtx::codegen::KernelArtifacts> arts(prog.kernels.size());
    for (size_t i = 0; i < prog.kernels.size(); ++i)
      arts[i].fields = {{"wgsl", webtx::codegen::emit_wgsl(prog.kernels[i])}};
    const auto spec = webtx::codegen::describe_program(prog, arts);
    for (auto _ : st) benchmark::DoNotOptimize(webtx::codegen::compile_host_stub(spec));
    st.counters["kernels"] = kernels;
  })->Unit(benchmark::kMillisecond);

  // Everything a generator run does for this model, per kernel.
  benchmark::RegisterBenchmark(("BM_Generate/" + m.name).c_str(), [&ctx,
                                                                   kernels](benchmark::State& st) {
    for (auto _ : st) {
      auto p = webtx::lower_model(ctx);
      std::vector<webtx::codegen::KernelArtifacts> arts(p.kernels.size());
      for (size_t i = 0; i < p.kernels.size(); ++i) {
        arts[i].fields = {{"wgsl", webtx::codegen::emit_wgsl(p.kernels[i])}};
        benchmark::DoNotOptimize(webtx::codegen::spirv::compile_kernel(p.kernels[i]));
      }
      const auto spec = webtx::codegen::describe_program(p, arts);
      benchmark::DoNotOptimize(webtx::model::to_json(spec));
      benchmark::DoNotOptimize(webtx::codegen::compile_host_stub(spec));
    }
    // Seconds per (iteration x kernel); JSON holds seconds, the console prints "3.4ms".
    st.counters["time_per_kernel"] = benchmark::Counter(
        kernels, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  })->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  for (auto& m : webtx::registered_models()) register_model(m);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
