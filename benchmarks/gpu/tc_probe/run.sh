#!/usr/bin/env bash
# The tc probe (issue 14) on the GPU machine, from the repository root with $OUT set:
#   bash .probe/tc/run.sh            (results in $OUT/tc/: *.jsonl raw, summary.md)
# Parts (each bounded by `timeout`, 270 s in all; expected about 2 minutes):
#   1 mlp        examples/mlp_f16_tc (tensorized f16) vs the f32 MLP and its plain-f16
#                fallback, batch 4096 and 8192: errors and time through Dawn (mlp.mjs)
#   2 accuracy   seeded N(0,1) f16 A, B at 4096^3 and 8192^3: webtx matmul_f16 (f32 and f16
#                accumulation, through Dawn) and cuBLAS (torch) against an f64 reference
#                (accuracy.mjs: inputs and webtx; compare.py: reference and cuBLAS)
#   3 throughput 4096^3 f16 x f16 -> f32: (a) native Vulkan timings plus the driver's pipeline
#                statistics (registers, spills, ...) and internal representations of the
#                generated kernels (bench_vulkan_f16, then --no-time --ir-dir); (b) the generated
#                variants through Dawn (bench_f16.mjs); (c) hand-written variants and
#                ablations (variants.mjs), robustness on and off; (d) cuBLAS f16.
# Made by benchmarks/gpu/tc_probe/pack.sh (branch tc) into .probe/tc with the built models.
set -uo pipefail
P=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
R=${OUT:?set OUT}/tc
mkdir -p "$R" "$R/vk_ir"
. ${TC_ENV:-.gpu/env.sh}
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
M=${TC_MODELS:-$P/models}  # TC_* variables: a dry run elsewhere (small sizes, other models)
DATA=${TC_DATA:-/tmp/tc_data}
SIZES=${TC_SIZES:-4096 8192}
BATCHES=${TC_BATCHES:-4096,8192}
step() { echo "== $(date -u +%T) $*" | tee -a "$R/log.txt"; }
run() {  # run <seconds> <output file> <command...>: stdout to the file, stderr to the log
  local t=$1 f=$2; shift 2
  timeout "$t" "$@" > "$R/$f" 2>> "$R/log.txt"
  local rc=$?; [ $rc -ne 0 ] && echo "   (exit $rc: $*)" | tee -a "$R/log.txt"
  return 0
}
(nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv; node --version) > "$R/device.txt" 2>&1

step "1 mlp"
run 40 mlp.jsonl node "$P/mlp.mjs" "$M" --batch "$BATCHES" --rows 16 ${TC_MLP_SUFFIX:+--suffix $TC_MLP_SUFFIX}

step "2 accuracy: inputs + webtx through Dawn, then f64 reference and cuBLAS"
run 55 accuracy_webtx.jsonl node "$P/accuracy.mjs" "$M" "$DATA" $SIZES
run 35 accuracy.jsonl python3 "$P/compare.py" "$DATA" $SIZES
rm -rf "$DATA"

step "3a native Vulkan: timings + pipeline statistics"
GEN="matmul_f16_4096 matmul_f16_4096_128x128_2x2 matmul_f16_4096_128x128_2x2_db matmul_f16_4096_128x128_2x2_f8 matmul_f16_4096_f8 matmul_f16_4096_128x128_4x2 matmul_f16_4096_128x128_2x2_nt matmul_f16h_4096"
run 25 vulkan.jsonl "$P/bench_vulkan_f16" "$M" $GEN
run 15 vulkan_stats.jsonl "$P/bench_vulkan_f16" "$M" $GEN --no-time --ir-dir "$R/vk_ir"
step "3b generated variants through Dawn"
run 25 dawn_generated.jsonl node benchmarks/web/bench_f16.mjs "$M" $GEN --no-runtime
step "3c hand-written variants and ablations through Dawn"
run 45 variants.jsonl node "$P/variants.mjs" --sizes=${TC_VARIANT_SIZE:-4096}
run 15 variants_norobust.jsonl node "$P/variants.mjs" --sizes=${TC_VARIANT_SIZE:-4096} --norobust \
  --variants=base_128x128_4sg,base_128x128_4sg_mmaonly,base_128x128_4sg_unr2,wide_128x256_8sg
step "3d cuBLAS f16"
run 15 cublas.jsonl python3 benchmarks/gpu/cublas_f16.py ${TC_CUBLAS_SIZES:-4096 8192}
step "summary"
python3 "$P/summary.py" "$R" > "$R/summary.md" 2>> "$R/log.txt"
step "done"
cat "$R/summary.md"
