#!/usr/bin/env bash
# Packs what the tensor-core f16 GPU run needs into bench-out/f16 (ignored by git, ~3 MB): every
# built examples/matmul_f16 model (description, wasm + js, WGSL, SPIR-V) and the native
# bench_vulkan_f16. Build first: cmake --build build --target matmul_f16_models bench_vulkan_f16
# Then on the GPU machine (carry .gpu and bench-out/f16):
#   . .gpu/env.sh && mkdir -p web/node_modules && ln -sfn $WEBGPU_NODE_MODULES/webgpu web/node_modules/webgpu
#   node benchmarks/web/bench_f16.mjs bench-out/f16            # WebGPU (Dawn), robustness on
#   bench-out/f16/bench_vulkan_f16 bench-out/f16 matmul_f16_4096 ...   # native Vulkan
#   node .gpu/anchor-matmul-f16.mjs --sizes=4096,8192 --variants=s128x256_8sg_64x64_bk32_nodb_P
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
build=${1:-build}
out=bench-out/f16
rm -rf "$out" && mkdir -p "$out"
for d in "$build"/examples/matmul_f16/matmul_f16*/; do
  name=$(basename "$d")
  [[ -f $d/$name.manifest.json ]] || continue
  mkdir -p "$out/$name"
  cp "$d/$name.manifest.json" "$d/$name.wasm" "$d/$name.js" "$d"/*.wgsl "$d"/*.spv "$out/$name/"
done
cp "$build/benchmarks/vulkan/bench_vulkan_f16" "$out/"
du -sh "$out"
