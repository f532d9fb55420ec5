#!/usr/bin/env bash
# Row reductions on the GPU machine, one device call (issue 11):
#   here:   cmake -B build -DWEBTX_ROW_CONSTANT_SHAPES="1x1024;1x4096;1x32768;64x1024;64x4096;64x32768;4096x1024;4096x4096;4096x32768" \
#                 -DWEBTX_ROW_CONSTANT_BIG="16777216;4096x4096"   # the constant-shape builds beside
#           cmake --build build --target rows_softmax rows_layernorm rows_elementwise rows_rowsum \
#                 rows_softmax_sg rows_layernorm_sg rows_constant
#           && benchmarks/gpu/prepare.sh
#   device run, carry [".gpu", ".benchpack"]:  bash benchmarks/gpu/rows.sh
# softmax and layernorm over M x N (M in $ROWS, N in $COLS) through webtx (symbolic shapes,
# auto_schedule), TF.js and ORT-web on one Dawn adapter, each against a plain vec4 copy kernel
# of the same bytes timed in the same run; webtx's unscheduled elementwise op and row sum at
# $BIG_MIB MiB. Writes rows.json (Google Benchmark format) and rows.md (the table) into $OUT.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
OUT=${OUT:-$PWD/bench-out}
ROWS=${ROWS:-1,64,4096}
COLS=${COLS:-1024,4096,32768}
BIG_MIB=${BIG_MIB:-64}
mkdir -p "$OUT"
. .gpu/env.sh
mkdir -p web/node_modules && ln -sfn "$WEBGPU_NODE_MODULES/webgpu" web/node_modules/webgpu
tar xJf .benchpack/peers.tar.xz -C benchmarks/web
{
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /'
  echo "rows: $ROWS cols: $COLS big: $BIG_MIB MiB"
} | tee "$OUT/device_rows.txt"
timeout 500 node --liftoff-only benchmarks/web/bench_rows.mjs --models .benchpack/models \
  --rows "$ROWS" --cols "$COLS" --big-mib "$BIG_MIB" --out "$OUT/rows.json" --md "$OUT/rows.md" \
  2>&1 | grep -v '^\[webtx\]' | tee "$OUT/rows.txt"
