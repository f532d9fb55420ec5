#!/usr/bin/env bash
# The row-rule probe (issue 11) on the GPU machine, from the repository root with $OUT set:
#   bash .probe/rows/run.sh        (bundle made by benchmarks/rows/probe/make_bundle.sh)
# Runs probe_rows.mjs over the bundled models (the rule's defaults: rows_softmax,
# rows_layernorm, rows_rowsum, rows_elementwise and the _sg builds; candidates if any were
# built) beside the vec4 copy kernel, re-measuring 4096x32768 and 512x32768 in 3 more fresh
# loads of each model. Leaves exactly two files in $OUT/rows/: probe.md (the tables) and
# rows.tgz (probe.md, probe.json, log.txt, device.txt).
set -uo pipefail
HERE="$(dirname "$(readlink -f "$0")")"
OUTD="${OUT:?set OUT}/rows"
WORK="$(mktemp -d)"
mkdir -p "$OUTD"
. .gpu/env.sh
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
{
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem,temperature.gpu,power.draw \
    --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
  ls "$HERE/models"
} > "$WORK/device.txt"
timeout 225 node --liftoff-only "$HERE/probe_rows.mjs" --models "$HERE/models" --out "$WORK" --rows 1,64,512,4096 \
  --again 3 --again-shapes 4096x32768,512x32768 --budget-s "${PROBE_BUDGET_S:-190}" "$@" 2>&1 |
  grep -v '^\[webtx\]' > "$WORK/log.txt"
rc=${PIPESTATUS[0]}
echo "exit: $rc" >> "$WORK/log.txt"
[ -f "$WORK/probe.md" ] || echo "probe_rows.mjs wrote no probe.md (exit $rc); see log.txt in rows.tgz" > "$WORK/probe.md"
cp "$WORK/probe.md" "$OUTD/probe.md"
tar -czf "$OUTD/rows.tgz" -C "$WORK" .
rm -rf "$WORK"
tail -5 "$OUTD/probe.md"
