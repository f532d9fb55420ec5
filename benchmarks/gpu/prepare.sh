#!/usr/bin/env bash
# Here (not on the GPU machine): gathers what run_all.sh needs into .benchpack/ (ignored by
# git, carried by the device tool; keep .benchpack + .gpu under 64 MiB): the built models'
# .wasm, the native Vulkan bench binary (stripped) with the shared libraries the GPU machine
# lacks, and the peers tarball. Needs a build (scripts/webtx build) and ../shared/tools/gpu-bundle.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
BUILD=${BUILD:-build}
[ -d .gpu ] || ../shared/tools/gpu-bundle
rm -rf .benchpack/models .benchpack/bin .benchpack/lib
mkdir -p .benchpack/models .benchpack/bin .benchpack/lib
find "$BUILD/examples" "$BUILD/benchmarks" -name '*.wasm' -not -path '*/CMakeFiles/*' -exec cp {} .benchpack/models/ \;
if [ -x "$BUILD/benchmarks/vulkan/bench_vulkan_matmul" ]; then
  strip -o .benchpack/bin/bench_vulkan_matmul "$BUILD/benchmarks/vulkan/bench_vulkan_matmul"
  # Debian ships libbenchmark only as a shared library; the GPU machine has none.
  for lib in $(ldd "$BUILD/benchmarks/vulkan/bench_vulkan_matmul" | awk '/libbenchmark/ {print $3}'); do cp -L "$lib" .benchpack/lib/; done
fi
[ -f .benchpack/peers.tar.xz ] || benchmarks/gpu/pack_peers.sh
du -sh .benchpack .gpu
ls .benchpack/models
