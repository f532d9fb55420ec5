#!/usr/bin/env bash
# What one model generator TU costs to compile: user (CPU) time of one core, as
# add_webgpu_model() compiles it in BUILD_DIR now, against the same TU compiled as it was at a
# base revision (its include/, examples/ and codegen/driver/include/, exported to a temporary
# directory, with the flags generators had before: no precompiled header, the build type's -O).
# The two commands alternate RUNS times so that load on a shared machine hits both alike.
#
#   scripts/measure_generator_compile.sh [-b BUILD_DIR] [-r BASE_REF] [-n RUNS] [EXAMPLE...]
#
# BUILD_DIR defaults to build/ (configured; the precompiled header is built here first),
# BASE_REF to the merge base of HEAD and main, RUNS to 3, EXAMPLEs to "mlp matmul conv2d"
# (examples/<name>/<name>.cpp; matmul_fast is examples/matmul_fast/matmul_fast.cpp too).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build
base_ref=""
runs=3
while getopts "b:r:n:" opt; do
  case $opt in
    b) build=$(cd "$OPTARG" && pwd) ;;
    r) base_ref=$OPTARG ;;
    n) runs=$OPTARG ;;
    *) echo "usage: $0 [-b BUILD_DIR] [-r BASE_REF] [-n RUNS] [EXAMPLE...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=(mlp matmul conv2d)
[ -n "$base_ref" ] || base_ref=$(git -C "$src" merge-base HEAD main)
[ -f "$build/compile_commands.json" ] || { echo "$build: not configured" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }

# The shared precompiled header (a no-op when up to date or when generators don't use one).
if grep -q webtx_generator_pch "$build/build.ninja" 2>/dev/null; then
  cmake --build "$build" --target webtx_generator_pch >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/base"
git -C "$src" archive "$base_ref" include examples codegen/driver/include | tar -x -C "$tmp/base"

# commands.py EXAMPLE -> two lines: the new command and the base command (no -o: added below).
cat >"$tmp/commands.py" <<'EOF'
import json, shlex, sys
build, src, base, name = sys.argv[1:5]
file = f"{src}/examples/{name}/{name}.cpp"
cands = [e for e in json.load(open(f"{build}/compile_commands.json")) if e["file"] == file]
# The generator's own compile (not webtx-examples-ref's or a benchmark's copy of the source).
cands = [e for e in cands if "_generator.dir" in e["command"] or "_models.dir" in e["command"]]
if not cands:
    sys.exit(f"no generator compile of {file} in {build}/compile_commands.json")
args = shlex.split(cands[0]["command"])
new, old, skip = [], [], False
for i, a in enumerate(args):
    if skip:
        skip = False
        continue
    if a == "-o":
        skip = True
        continue
    new.append(a)
    if a == "-include" and args[i + 1].endswith("cmake_pch.hxx"):
        skip = True  # the precompiled header: base generators had none
        new.append(args[i + 1])
        continue
    if a in ("-O0", "-Winvalid-pch"):
        continue
    old.append(a.replace(src + "/", base + "/"))
print(shlex.join(new))
print(shlex.join(old))
EOF

utime() {  # command... -> user seconds
  /usr/bin/time -f "%U" -o "$tmp/t" "$@" -o "$tmp/out.o" >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    exit 1
  }
  cat "$tmp/t"
}

echo "base: $base_ref ($(git -C "$src" log -1 --format=%h "$base_ref")), now: working tree of $src"
echo "user seconds of one core, $runs alternating runs each (load $(cut -d' ' -f1-3 /proc/loadavg))"
for ex in "${examples[@]}"; do
  mapfile -t cmds < <(python3 "$tmp/commands.py" "$build" "$src" "$tmp/base" "$ex")
  eval "new_cmd=(${cmds[0]})"
  eval "old_cmd=(${cmds[1]})"
  old_t=() new_t=()
  for ((i = 0; i < runs; i++)); do
    old_t+=("$(utime "${old_cmd[@]}")")
    new_t+=("$(utime "${new_cmd[@]}")")
  done
  printf '%-12s before: %s   after: %s\n' "$ex" "${old_t[*]}" "${new_t[*]}"
done
echo "after (command): ${cmds[0]} -o <obj>"
