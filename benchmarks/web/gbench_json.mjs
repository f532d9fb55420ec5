// Writes results in Google Benchmark's JSON format, so compare.py-style tools read the web
// side exactly like the native Google Benchmark binaries.
import os from 'node:os';

export class GBenchReport {
  constructor(executable, extraContext = {}) {
    this.context = {
      date: new Date().toISOString(),
      host_name: os.hostname(),
      executable,
      num_cpus: os.cpus().length,
      mhz_per_cpu: Math.round(os.cpus()[0]?.speed ?? 0),
      cpu_scaling_enabled: false,
      caches: [],
      library_build_type: 'release',
      ...extraContext,
    };
    this.benchmarks = [];
  }

  // One timed result. `ms` is time per iteration; counters are extra named numbers
  // (Google Benchmark puts user counters at the top level of each entry).
  add(name, { ms, iterations, counters = {}, label } = {}) {
    const entry = {
      name, run_name: name, run_type: 'iteration', repetitions: 1, repetition_index: 0,
      threads: 1, iterations, real_time: ms, cpu_time: ms, time_unit: 'ms', ...counters,
    };
    if (label) entry.label = label;
    this.benchmarks.push(entry);
    return entry;
  }

  // A benchmark that could not run: recorded with an error, as Google Benchmark does.
  skip(name, why) {
    this.benchmarks.push({ name, run_name: name, run_type: 'iteration', repetitions: 1,
      repetition_index: 0, threads: 1, iterations: 0, real_time: 0, cpu_time: 0,
      time_unit: 'ms', error_occurred: true, error_message: String(why) });
  }

  toJSON() { return { context: this.context, benchmarks: this.benchmarks }; }
}

// Median over `batches` runs of `reps` back-to-back executions, `reps` chosen so that a batch
// takes about `targetMs` (the hand-written anchor kernel is timed the same way).
export async function timeBatches(runReps, { targetMs = 50, batches = 7, maxReps = 200 } = {}) {
  let t = performance.now();
  await runReps(1);
  const one = Math.max(performance.now() - t, 0.01);
  const reps = Math.max(1, Math.min(maxReps, Math.floor(targetMs / one)));
  const per = [];
  for (let i = 0; i < batches; i++) {
    t = performance.now();
    await runReps(reps);
    per.push((performance.now() - t) / reps);
  }
  per.sort((x, y) => x - y);
  return { ms: per[Math.floor(per.length / 2)], reps, iterations: reps * batches };
}
