#!/usr/bin/env bash
# Packs the peer libraries the WebGPU bench needs on the GPU machine (TF.js WebGPU, ONNX Runtime
# Web) from benchmarks/web/node_modules into an xz tarball of only the files they load (~10 MB
# instead of ~200 MB), so they fit the device tool's 64 MiB carry limit. Output: $1 (default
# .benchpack/peers.tar.xz, ignored by git).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../web"
out=${1:-../../.benchpack/peers.tar.xz}
mkdir -p "$(dirname "$out")"
[ -d node_modules/onnxruntime-web ] || npm ci --no-audit --no-fund
files=(
  node_modules/@tensorflow/tfjs-core/package.json node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js
  node_modules/@tensorflow/tfjs-backend-webgpu/package.json node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js
  node_modules/@tensorflow/tfjs-backend-cpu/package.json node_modules/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.node.js
  node_modules/seedrandom node_modules/long node_modules/node-fetch node_modules/whatwg-url
  node_modules/tr46 node_modules/webidl-conversions
  node_modules/onnxruntime-web/package.json node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs
  node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs
  node_modules/onnxruntime-web/lib/onnxjs/ort-schema/protobuf
  node_modules/onnxruntime-common node_modules/protobufjs node_modules/@protobufjs
  package.json
)
existing=()
for f in "${files[@]}"; do [ -e "$f" ] && existing+=("$f"); done
tar --exclude='*.map' -cJf "$out" "${existing[@]}"
du -h "$out"
