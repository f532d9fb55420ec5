#!/usr/bin/env bash
# The row-rule probe (issue 11) on the GPU machine, from the repository root with $OUT set:
#   bash .probe/rows/run.sh        (bundle made by benchmarks/rows/probe/make_bundle.sh)
# Runs probe_rows.mjs over the bundled models (the current rule and its candidates) beside the
# vec4 copy kernel; writes probe.md, probe.json, log.txt and device.txt into $OUT/rows/.
set -uo pipefail
HERE="$(dirname "$(readlink -f "$0")")"
OUTD="${OUT:?set OUT}/rows"
mkdir -p "$OUTD"
. .gpu/env.sh
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
{
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
  ls "$HERE/models"
} > "$OUTD/device.txt"
timeout 225 node --liftoff-only "$HERE/probe_rows.mjs" --models "$HERE/models" --out "$OUTD" --rows 1,64,512,4096 \
  --budget-s "${PROBE_BUDGET_S:-190}" "$@" 2>&1 | grep -v '^\[webtx\]' | tee "$OUTD/log.txt"
