#!/usr/bin/env bash
# Packs the tc probe (run.sh and its scripts, the built models it runs, a stripped
# bench_vulkan_f16) into <dest> (default /work/main/.probe/tc), < 12 MiB. Build first:
#   cmake --build build --target matmul_f16_models mlp_f16_tc mlp_f32_wide bench_vulkan_f16
# On the GPU machine: bash .probe/tc/run.sh (with $OUT set; carry .gpu and .probe).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${BUILD:-$root/build}
dest=${1:-/work/main/.probe/tc}
rm -rf "$dest" && mkdir -p "$dest/models"
cp "$here"/run.sh "$here"/*.mjs "$here"/*.py "$dest/"
for name in matmul_f16_4096 matmul_f16_8192 matmul_f16h_4096 matmul_f16h_8192 matmul_f16_4096_128x128_2x2 \
    matmul_f16_4096_128x128_2x2_db matmul_f16_4096_128x128_2x2_f8 matmul_f16_4096_f8 \
    matmul_f16_4096_128x128_4x2 matmul_f16_4096_128x128_2x2_nt; do
  d=$build/examples/matmul_f16/$name
  mkdir -p "$dest/models/$name"
  cp "$d/$name.manifest.json" "$d/$name.wasm" "$d"/*.spv "$dest/models/$name/"
done
for m in mlp_f16_tc mlp_f32_wide; do
  (cd "$build/examples" && find "$m" \( -name '*.wasm' -o -name '*.manifest.json' -o -name '*.spv' -o -name "$m.js" \) -print0 |
    xargs -0 -I{} cp --parents {} "$dest/models/")
done
cp "$build/benchmarks/vulkan/bench_vulkan_f16" "$dest/" && strip "$dest/bench_vulkan_f16"
du -sh "$dest"
