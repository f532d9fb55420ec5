// web/src/abi.js and web/src/dtype.js against wasm_abi.h: the layout abi_layout prints (from
// the header itself) must be exactly what the JS side writes.
// usage: node abi_test.mjs <abi_layout executable>
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as abi from '../../web/src/abi.js';
import { DTYPES, dtypeInfo } from '../../web/src/dtype.js';

const c = JSON.parse(execFileSync(process.argv[2], { encoding: 'utf8' }));
for (const key of ['MAX_DIMS', 'TENSOR_BYTES', 'TENSOR', 'VALUE_BYTES', 'VALUE', 'TYPE_CODE']) {
  assert.deepEqual(abi[key], c[key], `abi.js ${key} differs from wasm_abi.h`);
}
assert.deepEqual(Object.fromEntries(DTYPES.map((d) => [d, dtypeInfo(d).code])), c.DTYPE_CODE, 'dtype.js codes differ from wasm_abi.h');
// writeTensor puts every field where the header says.
const memory = { buffer: new ArrayBuffer(128) };
abi.writeTensor(memory, 8, { handle: 11, dtype: 3, shape: [5, 6, 7], nbytes: 420 });
const v = new DataView(memory.buffer, 8);
assert.deepEqual([v.getInt32(c.TENSOR.handle, true), v.getInt32(c.TENSOR.dtype, true), v.getInt32(c.TENSOR.ndim, true),
  v.getInt32(c.TENSOR.nbytes, true), v.getInt32(c.TENSOR.shape + 8, true), v.getInt32(c.TENSOR.shape + 4 * (c.MAX_DIMS - 1), true)],
[11, 3, 3, 420, 7, 0]);
abi.writeTensorValue(memory, 64, 1234);
assert.deepEqual([new DataView(memory.buffer, 64).getInt32(c.VALUE.type_code, true), new DataView(memory.buffer, 64).getInt32(c.VALUE.payload, true)], [c.TYPE_CODE.tensor, 1234]);
console.log('abi.js and dtype.js match wasm_abi.h', JSON.stringify(c));
