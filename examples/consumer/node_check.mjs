// node node_check.mjs: the models in Node through Dawn (npm 'webgpu'), against the reference.
import { readFileSync } from 'node:fs';
import { createNodeGPU } from 'webtx/node';
import { checkCases } from './check.js';
import * as loaders from './models.js';

const cases = JSON.parse(readFileSync(new URL('./build/refs.json', import.meta.url), 'utf8'));
const lines = await checkCases(loaders, cases, { gpu: await createNodeGPU() });
for (const l of lines) console.log(l);
console.log(`node: ${lines.length} cases match the C++ reference`);
process.exit(0);
