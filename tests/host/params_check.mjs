// node params_check.mjs <dir a> <dir b> <generator of a> <generator of b>: the two PARAMS
// variants of host_params_model (tests/host/CMakeLists.txt) record their parameters, have the
// shapes they set, and were made by one generator executable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseModelSpec } from '../../web/src/index.js';

const [dirA, dirB, genA, genB] = process.argv.slice(2);
const spec = (dir) => parseModelSpec(readFileSync(join(dir, `${basename(dir)}.manifest.json`), 'utf8'));
const a = spec(dirA), b = spec(dirB);
assert.equal(genA, genB, 'both variants share one generator');
assert.equal(a.model, 'host_params_a');
assert.deepEqual(a.params, { N: '16', output: 'y', relu: 'false', scale: '2' });
assert.deepEqual(a.tensorByName.get('x').shape, [16]);
assert.equal(b.model, 'host_params_b');
assert.deepEqual(b.params, { N: '8', output: 'out', relu: 'true', scale: '1' });
assert.deepEqual(b.tensorByName.get('out').shape, [8]);
assert.match(readFileSync(join(dirB, 'host_params_b_0_scaled.wgsl'), 'utf8'), /max\(/);
const dts = readFileSync(join(dirB, 'host_params_b.d.ts'), 'utf8');
assert.match(dts, /'x': TensorInput;/);
assert.match(dts, /'out': TensorOutput;/);
// The loader imports the runtime as 'webtx' (build/node_modules/webtx links web/ in this tree).
const loader = await import(pathToFileURL(join(dirB, 'host_params_b.js')).href);
assert.equal(typeof loader.loadModel, 'function');
assert.equal(basename(new URL(loader.wasmUrl).pathname), 'host_params_b.wasm');
console.log('PARAMS variants: ok');
