#!/usr/bin/env bash
# Here: builds the row models (the current rule and the candidates of CMakeLists.txt) and puts
# them with probe_rows.mjs and run.sh into $DEST (default /work/main/.probe/rows), the bundle
# the lead runs on the GPU machine as `bash .probe/rows/run.sh` with $OUT set.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../../.."
BUILD=${BUILD:-build}
DEST=${DEST:-/work/main/.probe/rows}
targets=$(grep -o 'rows_[a-z_]*__[a-z0-9]*' "$BUILD/build.ninja" | sort -u | grep -v '^rows_models' || true)
plain="rows_softmax rows_layernorm rows_rowsum rows_elementwise rows_softmax_sg rows_layernorm_sg"
cmake --build "$BUILD" --target $plain $targets
rm -rf "$DEST/models"
mkdir -p "$DEST/models"
# Only the models CMakeLists.txt declares now (the build folder may hold older candidates).
for t in $plain $targets; do cp "$BUILD/benchmarks/rows/$t/$t.wasm" "$DEST/models/"; done
cp benchmarks/rows/probe/probe_rows.mjs benchmarks/rows/probe/run.sh "$DEST/"
du -sh "$DEST"
ls "$DEST/models"
