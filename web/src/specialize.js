// Shape-specialized pipelines (docs/web.md, "Shape-specialized pipelines"). A kernel built for
// symbolic shapes reads its symbols from a uniform block, so the GPU compiler sees loop bounds,
// strides and guards it cannot fold, and leaves loops rolled that a constant-shape build has
// unrolled: 2-17% slower than the same kernel built for constant shapes (benchmarks/RESULTS.md).
// The WGSL backend reads the i-th symbol on one line, `let N_1: i32 = webtx_uniforms.N;  //
// webtx:symbol i`. A kernel dispatched again with the same symbol values gets a module whose
// lines read `const N_1: i32 = 1024i;` instead, so that Tint folds every expression of the
// symbols into literals (loop bounds included; WGSL override constants do not: an
// override-expression through a let stays a run-time value), compiled in the background
// (createComputePipelineAsync: until it is ready, and for values seen once, the generic
// pipeline runs). At most `most` per kernel, so a shape that changes on every call costs a
// bounded number of compilations.

const SYMBOL = /^([ \t]*)let (\w+): i32 = [^;\n]*;[ \t]*\/\/ webtx:symbol (\d+)[ \t]*$/gm;

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
    // Dispatches of specializable kernels that ran a specialized / the generic pipeline
    // (model.time() reports the share of its timed runs).
    this.uses = { special: 0, generic: 0 };
  }

  /** Whether kernel `k` (gpu.js's {spec, pipelineLayout, pipeline}) marks one line per uniform. */
  static specializable(k) {
    const ids = [...k.spec.wgsl.matchAll(SYMBOL)].map((m) => Number(m[3]));
    return k.spec.uniforms.length > 0 && ids.length === k.spec.uniforms.length &&
      ids.every((id, i) => id === i);
  }

  /** `wgsl` with the i-th symbol's line a const declaration of values[i]. */
  static specialize(wgsl, values) {
    return wgsl.replace(SYMBOL, (_, indent, name, i) => `${indent}const ${name}: i32 = ${values[Number(i)]}i;`);
  }

  /** The pipeline for a dispatch of `k` with the symbol values `values` (an Int32Array). */
  pipeline(k, values) {
    k.specializable ??= Specializer.specializable(k);
    if (!k.specializable) return k.pipeline;
    // The steady state, the same values as the kernel's last dispatch, builds no key (a string
    // per dispatch costs more than the rest of a dispatch: model.js's bind groups avoid it too).
    let s = k.lastSpecial;
    if (!s || s.values.some((v, i) => v !== values[i])) {
      if (values.some((v) => v < 0)) return this._generic(k);
      const key = values.join(',');
      const seen = (k.special ??= new Map());
      s = seen.get(key);
      if (!s) {
        if (seen.size >= this.most) return this._generic(k);
        seen.set(key, (s = { values: Int32Array.from(values), count: 0, pipeline: null }));
      }
      k.lastSpecial = s;
    }
    if (s.pipeline) {
      ++this.uses.special;
      return s.pipeline;
    }
    if (++s.count === this.after) this._compile(k, s);
    ++this.uses.generic;
    return k.pipeline;
  }

  _generic(k) {
    ++this.uses.generic;
    return k.pipeline;
  }

  _compile(k, s) {
    const at = k.spec.uniforms.map((u, i) => `${u}=${s.values[i]}`).join(', ');
    const label = `${k.spec.name} (${at})`;
    const p = (async () => {
      // Constant symbols can make the module invalid where the generic one is not (a constant
      // index past a private array in a branch those values never take, an i32 product that
      // overflows): captured here, that shape keeps the generic pipeline.
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code: Specializer.specialize(k.spec.wgsl, s.values), label });
      const invalid = this.device.popErrorScope();
      try {
        s.pipeline = await this.device.createComputePipelineAsync({
          label, layout: k.pipelineLayout, compute: { module, entryPoint: k.spec.entry },
        });
        ++this.compiled;
      } catch (e) {
        throw new Error((await invalid)?.message ?? e?.message ?? String(e));
      }
    })().catch((e) => this.errors.push(`kernel '${k.spec.name}' at ${at}: ${e.message}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every specialization started so far is ready (or failed). */
  async settled() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
