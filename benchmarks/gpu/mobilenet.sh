#!/usr/bin/env bash
# MobileNetV2 on the GPU machine, one device call (see RESULTS.md for the command):
#   device run, carry [".gpu", ".benchpack"]:  bash benchmarks/gpu/mobilenet.sh
# Makes the weights, the PyTorch reference (16 images) and the ONNX file there (PyTorch is
# installed there), then in one run: Dawn's dispatch floor, webtx vs ONNX Runtime Web on the
# same Dawn adapter (bench_mobilenet.mjs), PyTorch eager and CUDA graphs, the floor again.
# Writes into $OUT (else ./bench-out).
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
OUT=${OUT:-$PWD/bench-out}
mkdir -p "$OUT"
. .gpu/env.sh
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
tar xJf .benchpack/peers.tar.xz -C benchmarks/web
W=$OUT/weights
{
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /'
} | tee "$OUT/device.txt"
echo "== weights (make_weights.py: calibrated BN, folded), PyTorch reference, ONNX"
timeout 300 python3 examples/mobilenet_v2/make_weights.py --out "$W" --reference 224 --images 16 --onnx 2>&1 | tail -3
echo "== Dawn dispatch floor (before)"
timeout 120 node .gpu/dispatch-floor.mjs 1,54 2>&1 | tee "$OUT/floor_before.txt"
echo "== webtx vs ORT-web (Dawn, Node)"
timeout 400 node --liftoff-only benchmarks/web/bench_mobilenet.mjs --model .benchpack/models/mobilenet_v2.wasm \
  --weights "$W/mobilenet_v2.safetensors" --ref "$W/mobilenet_v2.ref224.safetensors" --onnx "$W/mobilenet_v2.onnx" \
  --batches 1,8 --out "$OUT/mobilenet_webgpu.json" 2>&1 | grep -v '^\[webtx\]' | tee "$OUT/mobilenet_webgpu.txt"
echo "== PyTorch (eager, CUDA graph)"
timeout 200 python3 benchmarks/mobilenet_v2_torch.py --weights "$W/mobilenet_v2.safetensors" \
  --images "$W/mobilenet_v2.ref224.safetensors" --batch 1 --batch 8 --json "$OUT/mobilenet_torch.json" 2>&1 | tee "$OUT/mobilenet_torch.txt"
echo "== Dawn dispatch floor (after)"
timeout 120 node .gpu/dispatch-floor.mjs 1,54 2>&1 | tee "$OUT/floor_after.txt"
rm -rf "$W"  # 30 MB of weights and ONNX: not worth carrying back
