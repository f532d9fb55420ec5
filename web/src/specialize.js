// Shape-specialized pipelines (docs/web.md, "Shape-specialized pipelines"). A kernel built for
// symbolic shapes reads its symbols from a uniform block, so the GPU compiler sees loop bounds,
// strides and guards it cannot fold, and every invocation waits for that load before its first
// address: 5-17% slower than the same kernel built for constant shapes (benchmarks/RESULTS.md).
// The WGSL backend declares one pipeline-overridable constant per symbol (`@id(i) override ...
// = -1`, i in the order of the kernel's `uniforms`), which the kernel uses instead of the
// uniform when it is set. A kernel dispatched again with the same symbol values gets a pipeline
// compiled with those values fixed (createComputePipelineAsync, in the background: until it is
// ready, and for values seen once, the generic pipeline runs). At most `most` per kernel, so a
// shape that changes on every call costs a bounded number of compilations.

const OVERRIDE = /@id\((\d+)\)\s+override\s+webtx_fixed_/g;

export class Specializer {
  /** after: dispatches with the same values before compiling; most: pipelines per kernel. */
  constructor(device, { after = 2, most = 8 } = {}) {
    if (!(Number.isInteger(after) && after >= 1)) throw new Error(`webtx: options.specialize.after must be an integer >= 1, got ${after}`);
    if (!(Number.isInteger(most) && most >= 0)) throw new Error(`webtx: options.specialize.most must be an integer >= 0, got ${most}`);
    this.device = device;
    this.after = after;
    this.most = most;
    this.pending = new Set();
    this.compiled = 0;  // specialized pipelines created
    this.errors = [];   // why a specialization failed (the generic pipeline keeps running)
  }

  /** Whether kernel `k` (gpu.js's {spec, module, pipelineLayout, pipeline}) declares an
   * override per uniform. */
  static specializable(k) {
    const ids = [...k.spec.wgsl.matchAll(OVERRIDE)].map((m) => Number(m[1]));
    return k.spec.uniforms.length > 0 && ids.length === k.spec.uniforms.length &&
      ids.every((id, i) => id === i);
  }

  /** The pipeline for a dispatch of `k` with the symbol values `values` (an Int32Array). */
  pipeline(k, values) {
    k.specializable ??= Specializer.specializable(k);
    if (!k.specializable || values.some((v) => v < 0)) return k.pipeline;
    const key = values.join(',');
    const seen = (k.special ??= new Map());
    let s = seen.get(key);
    if (!s) {
      if (seen.size >= this.most) return k.pipeline;
      seen.set(key, (s = { count: 0, pipeline: null }));
    }
    if (s.pipeline) return s.pipeline;
    if (++s.count === this.after) this._compile(k, s, values);
    return k.pipeline;
  }

  _compile(k, s, values) {
    const constants = Object.fromEntries([...values].map((v, i) => [String(i), v]));
    const p = this.device.createComputePipelineAsync({
      label: `${k.spec.name} (${k.spec.uniforms.map((u, i) => `${u}=${values[i]}`).join(', ')})`,
      layout: k.pipelineLayout,
      compute: { module: k.module, entryPoint: k.spec.entry, constants },
    }).then(
      (pipeline) => {
        s.pipeline = pipeline;
        ++this.compiled;
      },
      (e) => this.errors.push(`kernel '${k.spec.name}': ${e?.message ?? e}`),
    ).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every specialization started so far is ready (or failed). */
  async settled() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
