// Runs every case of the C++ reference (build/refs.json) on the models and compares: the same
// code in Node (node_check.mjs) and in the browser (page.js). Returns one line per case;
// throws an Error naming the model, the output and the error when a number is off.
export async function checkCases(loaders, cases, options) {
  const models = new Map();
  const lines = [];
  try {
    for (const c of cases) {
      if (!models.has(c.model)) models.set(c.model, await loaders[c.model].loadModel(options));
      const inputs = Object.fromEntries(Object.entries(c.inputs)
        .map(([name, t]) => [name, { data: new Float32Array(t.data), shape: t.shape }]));
      const outputs = await models.get(c.model).run(inputs, c.symbols);
      for (const [name, want] of Object.entries(c.expected)) {
        const got = outputs[name];
        if (!got || got.length !== want.length) {
          throw new Error(`${c.model}: output '${name}' has ${got?.length} values, the reference ${want.length}`);
        }
        let worst = 0;
        for (let i = 0; i < want.length; ++i) {
          const err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
          if (!(err <= worst)) worst = err;  // NaN propagates
        }
        if (!(worst < 1e-4)) throw new Error(`${c.model}: output '${name}' is off by ${worst} (relative)`);
        lines.push(`${c.model} x ${JSON.stringify(c.inputs.x.shape)}: ${name} matches (max rel. error ${worst.toExponential(1)})`);
      }
    }
  } finally {
    for (const m of models.values()) m.dispose();
  }
  return lines;
}
