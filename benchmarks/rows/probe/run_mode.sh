#!/usr/bin/env bash
# On the GPU machine: bash .probe/mode/run.sh (carry .gpu and .probe/mode; bundle: benchmarks/rows/probe/mode.mjs, this file and rows_softmax.wasm, rows_layernorm.wasm in models/); writes $OUT/mode.txt
set -uo pipefail
. .gpu/env.sh
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
H="$(dirname "$(readlink -f "$0")")"
for p in 1 2 3; do timeout 100 node --liftoff-only "$H/mode.mjs" "$PWD" "$H/models" "process$p" 2>&1 | grep -v '^\[webtx\]'; done > "$OUT/mode.txt"
cat "$OUT/mode.txt"
