#!/usr/bin/env bash
# The tc probe (issue 14) on the GPU machine, from the repository root with $OUT set:
#   bash .probe/tc/run.sh     results: $OUT/tc/summary.md and every raw file in $OUT/tc/tc.tgz
# TC_PARTS picks the parts (default: probe 2's "mlp generated variants"; "all" = every part,
# the first probe's run, results/tc_probe_2026-11-27-h100). Each part is bounded by `timeout`.
#   mlp        examples/mlp_f16_tc (tensorized f16) vs the f32 MLP and its plain-f16
#              fallback, batch 4096 and 8192: errors and time through Dawn (mlp.mjs)
#   accuracy   seeded N(0,1) f16 A, B at 4096^3 and 8192^3: webtx matmul_f16 (f32 and f16
#              accumulation, through Dawn) and cuBLAS (torch) against an f64 reference
#              (accuracy.mjs: inputs and webtx; compare.py: reference and cuBLAS)
#   vulkan     native Vulkan timings plus the driver's pipeline statistics (registers, spills,
#              ...) and internal representations of the generated kernels (bench_vulkan_f16)
#   generated  generated matmul_f16 variants at 4096^3 through Dawn (bench_f16.mjs); probe 2:
#              only the default and 128x128_2x2 (TC_GEN overrides)
#   variants   hand-written variants and ablations (variants.mjs), robustness on; probe 2: the
#              new register/occupancy variants, the base and the anchor's best (TC_VARIANTS
#              overrides; "all" every variant, robustness on and off)
#   cublas     cuBLAS f16 (torch)
# Expected about 1 minute for probe 2's parts. Made by benchmarks/gpu/tc_probe/pack.sh (branch tc).
set -uo pipefail
P=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
R=${OUT:?set OUT}/tc/raw  # archived into $OUT/tc/tc.tgz at the end
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

PARTS=" ${TC_PARTS:-mlp generated variants} "
[ "$PARTS" = " all " ] && PARTS=" mlp accuracy vulkan generated variants cublas "
has() { [[ "$PARTS" == *" $1 "* ]]; }

if has mlp; then
  step "mlp: tensorized f16, fallback f16, f32 at batch $BATCHES"
  run 90 mlp.jsonl node "$P/mlp.mjs" "$M" --batch "$BATCHES" --rows 16 ${TC_MLP_SUFFIX:+--suffix $TC_MLP_SUFFIX}
fi
if has accuracy; then
  step "accuracy: inputs + webtx through Dawn, then f64 reference and cuBLAS"
  run 55 accuracy_webtx.jsonl node "$P/accuracy.mjs" "$M" "$DATA" $SIZES
  run 35 accuracy.jsonl python3 "$P/compare.py" "$DATA" $SIZES
  rm -rf "$DATA"
fi
ALLGEN="matmul_f16_4096 matmul_f16_4096_128x128_2x2 matmul_f16_4096_128x128_2x2_db matmul_f16_4096_128x128_2x2_f8 matmul_f16_4096_f8 matmul_f16_4096_128x128_4x2 matmul_f16_4096_128x128_2x2_nt matmul_f16h_4096"
if has vulkan; then
  step "native Vulkan: timings + pipeline statistics"
  run 25 vulkan.jsonl "$P/bench_vulkan_f16" "$M" $ALLGEN
  run 15 vulkan_stats.jsonl "$P/bench_vulkan_f16" "$M" $ALLGEN --no-time --ir-dir "$R/vk_ir"
fi
if has generated; then
  GEN=${TC_GEN:-matmul_f16_4096 matmul_f16_4096_128x128_2x2}
  [ "$GEN" = all ] && GEN=$ALLGEN
  step "generated variants through Dawn: $GEN"
  run 25 dawn_generated.jsonl node benchmarks/web/bench_f16.mjs "$M" $GEN --no-runtime
fi
if has variants; then
  step "hand-written variants through Dawn"
  V2=base_128x128_4sg,base_128x128_4sg_sf,lowreg_128x128_8sg_64x32,lowreg_128x128_8sg_64x32_sf,lowreg_128x64_4sg_64x32_sf,anchor_s128x256_8sg_64x64_bk32_nodb_P
  V=${TC_VARIANTS:-$V2}
  if [ "$V" = all ]; then
    run 60 variants.jsonl node "$P/variants.mjs" --sizes=${TC_VARIANT_SIZE:-4096}
    run 15 variants_norobust.jsonl node "$P/variants.mjs" --sizes=${TC_VARIANT_SIZE:-4096} --norobust \
      --variants=base_128x128_4sg,base_128x128_4sg_mmaonly,base_128x128_4sg_unr2,wide_128x256_8sg
  else
    run 40 variants.jsonl node "$P/variants.mjs" --sizes=${TC_VARIANT_SIZE:-4096} --variants=$V
  fi
fi
if has cublas; then
  step "cuBLAS f16"
  run 15 cublas.jsonl python3 benchmarks/gpu/cublas_f16.py ${TC_CUBLAS_SIZES:-4096 8192}
fi
step "summary"
python3 "$P/summary.py" "$R" > "$OUT/tc/summary.md" 2>> "$R/log.txt"
step "done"
# The device machine returns few files: everything raw in one archive, the summary beside it.
tar -czf "$OUT/tc/tc.tgz" -C "$R" . && rm -rf "$R"
cat "$OUT/tc/summary.md"
