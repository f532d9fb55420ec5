#!/usr/bin/env bash
# The whole GPU benchmark in one device call (see RESULTS.md for the command):
#   device run, carry [".gpu", ".benchpack"]:  bash benchmarks/gpu/run_all.sh
# fp32 matmul at $SIZES through webtx WGSL on Dawn (Node), webtx SPIR-V on native Vulkan, the
# hand-written WGSL kernel, TF.js and ORT-web on the same Dawn adapter, and cuBLAS (PyTorch),
# plus the conv and MLP models. Writes Google Benchmark JSON per suite, RESULTS.md and plot.svg
# into $OUT (the device tool's output folder, else ./bench-out).
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
OUT=${OUT:-$PWD/bench-out}
SIZES=${SIZES:-1024,2048,4096,8192}
mkdir -p "$OUT"
. .gpu/env.sh
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
tar xJf .benchpack/peers.tar.xz -C benchmarks/web
M=.benchpack/models
{
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /'
  echo "sizes: $SIZES"
} | tee "$OUT/device.txt"

echo "== cuBLAS (PyTorch, TF32 off)"
timeout 120 python3 benchmarks/gpu/cublas_matmul.py --sizes "$SIZES" --out "$OUT/cublas.json"

if [ -x .benchpack/bin/bench_vulkan_matmul ]; then
  echo "== webtx SPIR-V on native Vulkan"
  # The generated kernels (through lower()) and the best hand-built one; three repetitions,
  # the report takes the fastest (the first after each size's setup runs while clocks ramp).
  LD_LIBRARY_PATH=$PWD/.benchpack/lib timeout 240 .benchpack/bin/bench_vulkan_matmul --sizes="$SIZES" \
    --benchmark_filter='t128x128x16|generated_fast/|generated_fast_scalar' --benchmark_min_time=0.3 --benchmark_repetitions=3 \
    --benchmark_out="$OUT/vulkan.json" --benchmark_out_format=json
fi

echo "== WebGPU (Dawn): webtx, hand-written anchor, TF.js, ORT-web"
webtx_args=()
[ -f $M/matmul.wasm ] && webtx_args+=(--matmul $M/matmul.wasm)
ls $M/matmul_fast_*.wasm >/dev/null 2>&1 && webtx_args+=(--matmul-const "$M/matmul_fast_{N}.wasm")
[ -f $M/matmul_fast.wasm ] && webtx_args+=(--matmul $M/matmul_fast.wasm)
# conv: N=1, 32->32 channels, 256x256, 3x3: 2*N*K*C*9*H*W flops. MLP: batch 4096, 64-48-10.
[ -f $M/conv_bench.wasm ] && webtx_args+=(--model "conv3x3_32ch_256px=$M/conv_bench.wasm:N=1,H=256,W=256:$((2*32*32*9*256*256))")
[ -f $M/mlp.wasm ] && webtx_args+=(--model "mlp_batch4096=$M/mlp.wasm:batch=4096:$((2*4096*(64*48+48*10)))")
timeout 200 node --liftoff-only benchmarks/web/bench_web.mjs --sizes "$SIZES" "${webtx_args[@]}" \
  --out "$OUT/webgpu.json"

echo "== report"
node benchmarks/report.mjs "$OUT"/cublas.json "$OUT"/vulkan.json "$OUT"/webgpu.json \
  --md "$OUT/table.md" --svg "$OUT/plot.svg" --title "fp32 matmul on $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
