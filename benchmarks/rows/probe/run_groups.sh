#!/usr/bin/env bash
# groups_probe.mjs on the GPU machine (carry .gpu and .probe; the WGSL files in .probe/gp/, see
# benchmarks/results/clock_2026-11-28-h200/NOTE.md): two fresh processes per op, GPU clocks logged.
set -uo pipefail
. .gpu/env.sh
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader > "$OUT/device.txt"
nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,utilization.gpu,power.draw,clocks_throttle_reasons.active --format=csv,noheader -lms 100 > "$OUT/clocks.txt" &
LOG=$!
for p in 1 2; do
  for op in layernorm softmax; do
    k=ln; [ $op = softmax ] && k=sm
    echo "$(date -u +%T.%N) start $op p$p" >> "$OUT/clocks.txt"
    HEATS=0,200 ROUNDS=5 timeout 200 node benchmarks/rows/probe/groups_probe.mjs "$PWD" $op ${ROWS:-16,32,64,128} \
      g1=.probe/gp/${k}_g1.wgsl g2=.probe/gp/${k}_g2.wgsl:2 > "$OUT/${op}_p$p.txt" 2>&1
    grep -v JSON "$OUT/${op}_p$p.txt" | tail -45
  done
done
kill $LOG
