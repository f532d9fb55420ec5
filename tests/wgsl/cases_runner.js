// Runs the emitted WGSL cases on a GPUDevice and compares with the C++ reference. Shared by
// the Node runner and the Chromium page (served from the repo root, so the import resolves
// in both).
import { runWGSL, compileWGSL, formatMessages } from '../../web/src/kernel.js';
import { fromNumbers, toNumbers, dtypeInfo } from '../../web/src/dtype.js';

function num(v) {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === 'nan') return NaN;
  return v;
}

function close(got, want, tol) {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol.abs + tol.rel * Math.abs(want);
}

function typedFromBytes(dtype, bytes, count) {
  return new (dtypeInfo(dtype).array === Uint16Array || dtype !== 'f16'
    ? dtypeInfo(dtype).array
    : Uint16Array)(bytes, 0, count);
}

/** A 'skip' result when the device lacks a feature the case needs, else null. */
function skipIfUnsupported(device, c) {
  const missing = c.features.filter((f) => !device.features.has(f));
  return missing.length ? { name: c.name, status: 'skip', detail: `device lacks ${missing.join(', ')}` } : null;
}

/** Compile-only check: every case must compile with no message at all. */
export async function compileCases(device, cases) {
  const results = [];
  for (const c of cases) {
    const skip = skipIfUnsupported(device, c);
    if (skip) {
      results.push(skip);
      continue;
    }
    const { messages } = await compileWGSL(device, c.wgsl);
    results.push(messages.length
      ? { name: c.name, status: 'fail', detail: formatMessages(c.wgsl, messages) }
      : { name: c.name, status: 'pass' });
  }
  return results;
}

/** Runs every case; a case needing a feature the device lacks is skipped (and says so). */
export async function runCases(device, cases) {
  const results = [];
  for (const c of cases) {
    const skip = skipIfUnsupported(device, c);
    if (skip) {
      results.push(skip);
      continue;
    }
    try {
      const bindings = c.buffers.map((b) => ({
        binding: b.binding,
        access: b.access,
        data: b.data ? fromNumbers(b.dtype, b.data.map(num)) : undefined,
        size: b.count * dtypeInfo(b.dtype).bytes,
      }));
      if (c.uniforms.length) {
        const u = new Int32Array(Math.ceil(c.uniforms.length / 4) * 4);
        u.set(c.uniforms);
        bindings.push({ binding: c.buffers.length, access: 'uniform', data: u });
      }
      const out = await runWGSL(device, { code: c.wgsl, grid: c.grid, bindings });
      const errors = [];
      for (const b of c.buffers) {
        if (!b.expected) continue;
        const got = toNumbers(b.dtype, typedFromBytes(b.dtype, out.get(b.binding), b.count));
        const exact = !b.dtype.startsWith('f');
        const tol = exact ? { abs: 0, rel: 0 } : c.tolerance;
        let bad = 0;
        b.expected.forEach((w, i) => {
          if (close(got[i], num(w), tol)) return;
          if (++bad <= 5) errors.push(`${b.name}[${i}]: got ${got[i]}, want ${num(w)}`);
        });
        if (bad > 5) errors.push(`${b.name}: ${bad} mismatches in all`);
      }
      results.push(errors.length
        ? { name: c.name, status: 'fail', detail: errors.join('\n') }
        : { name: c.name, status: 'pass' });
    } catch (e) {
      results.push({ name: c.name, status: 'fail', detail: String(e && e.stack || e) });
    }
  }
  return results;
}

/** Prints results; returns true when nothing failed. */
export function report(results, label, print = console.log) {
  for (const r of results) {
    print(`${label} ${r.status.toUpperCase().padEnd(4)} ${r.name}${r.detail ? '\n  ' + r.detail.replace(/\n/g, '\n  ') : ''}`);
  }
  const n = (s) => results.filter((r) => r.status === s).length;
  print(`${label}: ${n('pass')} passed, ${n('fail')} failed, ${n('skip')} skipped`);
  return n('fail') === 0 && n('pass') > 0;
}
