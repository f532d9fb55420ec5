// Smoke check of a Google Benchmark JSON file written by the web runners: valid JSON, no
// errored entries, and every expected name prefix present.
//   node check_json.mjs <file.json> <prefix> [<prefix> ...]
import { readFileSync } from 'node:fs';

const [file, ...prefixes] = process.argv.slice(2);
const j = JSON.parse(readFileSync(file, 'utf8'));
if (!j.context || !Array.isArray(j.benchmarks) || j.benchmarks.length === 0) {
  throw new Error(`${file}: not Google Benchmark JSON with benchmarks`);
}
for (const b of j.benchmarks) {
  if (b.error_occurred) throw new Error(`${file}: ${b.name} failed: ${b.error_message}`);
  for (const k of ['name', 'iterations', 'real_time', 'time_unit']) {
    if (b[k] === undefined) throw new Error(`${file}: ${b.name} lacks '${k}'`);
  }
}
const names = j.benchmarks.map((b) => b.name);
for (const p of prefixes) {
  if (!names.some((n) => n.startsWith(p))) throw new Error(`${file}: no benchmark named ${p}*; have ${names.join(', ')}`);
}
console.log(`${file}: ${names.length} benchmarks: ${names.join(', ')}`);
