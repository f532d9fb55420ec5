// Checks the imports and exports of a linked model module and of its host-stub object with
// wabt's wasm-objdump, independently of any JS engine.
// usage: node wasm_sections_test.mjs <wasm-objdump> <model.wasm> <model.host.o>
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const [objdump, wasmPath, hostObj] = process.argv.slice(2);

// "Import[n]:" / "Export[n]:" sections of `wasm-objdump -x` as lists of "module.name" / names.
function sections(path) {
  const text = execFileSync(objdump, ['-x', path], { encoding: 'utf8' });
  const out = { Import: [], Export: [] };
  let cur = null;
  for (const line of text.split('\n')) {
    const head = line.match(/^(\w+)\[\d+\]:/);
    if (head) { cur = out[head[1]] ? head[1] : null; continue; }
    if (!cur) continue;
    if (cur === 'Import') {
      const m = line.match(/<- ([\w$.]+)$/);
      if (m) out.Import.push(m[1]);
    } else {
      const m = line.match(/-> "([^"]+)"/);
      if (m) out.Export.push(m[1]);
    }
  }
  return out;
}

const mod = sections(wasmPath);
const expectedImports = ['webtx_js.webtx_js_planned_buffer', 'webtx_js.webtx_js_dispatch',
  'webtx_js.webtx_js_log'];
assert.deepEqual([...mod.Import].sort(), expectedImports.sort(),
  `the module may import only the webtx_js closures, got ${mod.Import}`);
for (const e of ['memory', 'webtx_alloc', 'webtx_free', 'webtx_manifest', 'webtx_get_function',
  'webtx_call', 'webtx_last_error']) {
  assert.ok(mod.Export.includes(e), `missing export ${e} (have ${mod.Export})`);
}
// Runtime-internal symbols stay internal.
for (const e of mod.Export) {
  assert.ok(!/^webtx_rt_|^webtx_generated_|^webtx_model_/.test(e), `internal symbol exported: ${e}`);
}

// The stub object calls only the webtx_rt_* runtime functions (plus the linker's own symbols).
const obj = sections(hostObj);
const calls = obj.Import.filter((i) => !/^env\.(__linear_memory|__stack_pointer|__indirect_function_table)$/.test(i));
assert.deepEqual(calls.sort(), ['env.webtx_rt_dispatch', 'env.webtx_rt_error',
  'env.webtx_rt_planned_buffer']);
console.log(`imports ${mod.Import.length}, exports ${mod.Export.length}: ok`);
