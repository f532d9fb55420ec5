#!/usr/bin/env python3
"""Variants of fuzz seed 8064's kernel t4 (and synthetic kernels) for the NVIDIA probe of issue 12.

NVIDIA's vkCreateComputePipelines fails with VK_ERROR_UNKNOWN on t4, with or without the loops
spirv-opt unrolled. t4 holds a 4608-float (18 KiB) Function-scope array. Each variant changes one
thing, so the probe (pipe_probe.c) shows which one NVIDIA rejects:
  k*  the real kernel: as compiled, before spirv-opt, spirv-opt -O/-Os, main's and the all-hint
      modules, the array shrunk (a ladder of sizes), moved to Private, Workgroup or StorageBuffer;
  s*  synthetic GLSL kernels: one dynamically indexed float array of N elements per invocation
      (Function or Private storage), workgroups of 1, 64 and 1024, and two arrays of N/2;
  g*  t4's WGSL as GLSL through glslang (another SPIR-V compiler), with loop nests dropped.
usage: make_8064_variants.py EMIT_DIR MAIN_SPV HINT_SPV OUT_DIR
(EMIT_DIR from `webtx_fuzz_programs --replay 8064.json --engines none --emit EMIT_DIR`.)
"""
import os
import re
import shutil
import subprocess
import sys

emit, main_spv, hint_spv, out = sys.argv[1:5]
os.makedirs(out, exist_ok=True)
made = []


def run(*cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True).stdout


def save(name, words_file=None, asm=None):
    path = os.path.join(out, name + ".spv")
    if asm is not None:
        run("spirv-as", "--target-env", "vulkan1.1", "-o", path, "-", stdin=asm)
    else:
        shutil.copy(words_file, path)
    v = subprocess.run(["spirv-val", "--target-env", "vulkan1.1", path], capture_output=True,
                       text=True)
    made.append((name, os.path.getsize(path), "ok" if v.returncode == 0 else "INVALID"))
    if v.returncode:
        print(name, v.stderr, file=sys.stderr)


fixed = os.path.join(emit, "8064_t4.spv")
save("k00_t2_control", os.path.join(emit, "8064_t2.spv"))
save("k01_t4_fixed", fixed)
save("k02_t4_main_unrolled", main_spv)
save("k03_t4_hint_every_loop", hint_spv)
save("k04_t4_before_spirv_opt", os.path.join(emit, "8064_t4.raw.spv"))
for flag in ("-O", "-Os"):
    p = os.path.join(out, "tmp.spv")
    run("spirv-opt", "--target-env=vulkan1.1", flag, fixed, "-o", p)
    save("k05_t4_spirv_opt" + flag, p)
    os.remove(p)

asm = run("spirv-dis", "--raw-id", fixed)
ARR = re.search(r"(%\d+) = OpTypeArray (%\d+) (%\d+)", asm)
arr_type, elem_type, len_id = ARR.group(1), ARR.group(2), ARR.group(3)
assert re.search(len_id + r" = OpConstant %\d+ 4608\n", asm), "array length not 4608"
PTR = re.search(r"(%\d+) = OpTypePointer Function " + arr_type, asm).group(1)
EPTR = re.search(r"(%\d+) = OpTypePointer Function (" + elem_type + r")\n", asm)
VAR = re.search(r"\s*(%\d+) = OpVariable " + PTR + r" Function\n", asm)
assert len(re.findall(r"OpVariable %\d+ Function", asm)) == 1, "one Function variable expected"


def sized(n):
    return re.sub(len_id + r" = OpConstant (%\d+) 4608\n",
                  lambda m: f"{len_id} = OpConstant {m.group(1)} {n}\n", asm)


# 4096 floats = 16 KiB; 4608 = 18 KiB (the real kernel)
for n in (256, 1024, 2048, 3072, 3584, 4032, 4096, 4097, 4160, 4352, 4607, 6144, 9216):
    save(f"k10_t4_array_{n:05d}_floats", asm=sized(n))


def moved(cls):
    a = asm.replace(f"{PTR} = OpTypePointer Function {arr_type}",
                    f"{PTR} = OpTypePointer {cls} {arr_type}")
    a = a.replace(EPTR.group(0), f"{EPTR.group(1)} = OpTypePointer {cls} {EPTR.group(2)}\n")
    a = a.replace(VAR.group(0), "\n")
    var = f"{VAR.group(1)} = OpVariable {PTR} {cls}\n"
    i = a.index(" = OpFunction ")
    i = a.rindex("\n", 0, i) + 1
    return a[:i] + var + a[i:]


save("k20_t4_array_private", asm=moved("Private"))
save("k21_t4_array_workgroup", asm=moved("Workgroup"))  # workgroup size is 1: same program

# StorageBuffer scratch (binding 4): one struct { float[4608] } per invocation.
v = VAR.group(1)
a = asm.replace(VAR.group(0), "\n")
sb_ptr_f = re.search(r"(%\d+) = OpTypePointer StorageBuffer " + elem_type + r"\n", a)
assert sb_ptr_f
uint0 = re.search(r"(%\d+) = OpConstant %\d+ 0\n", a).group(1)
a = re.sub(r"OpAccessChain " + EPTR.group(1) + " " + v + " ",
           f"OpAccessChain {sb_ptr_f.group(1)} {v} {uint0} ", a)
i = a.index("OpDecorate")
a = (a[:i] + f"OpDecorate {arr_type} ArrayStride 4\nOpDecorate %900 Block\n"
     f"OpMemberDecorate %900 0 Offset 0\nOpDecorate {v} DescriptorSet 0\n"
     f"OpDecorate {v} Binding 4\n" + a[i:])
i = a.index(" = OpFunction ")
i = a.rindex("\n", 0, i) + 1
a = (a[:i] + f"%900 = OpTypeStruct {arr_type}\n%901 = OpTypePointer StorageBuffer %900\n"
     f"{v} = OpVariable %901 StorageBuffer\n" + a[i:])
a = re.sub(r"; Bound: \d+", "; Bound: 1000", a)
save("k22_t4_array_storage_buffer", asm=a)

# Synthetic kernels.
GLSL = """#version 450
layout(local_size_x = {wg}) in;
layout(set = 0, binding = 0) readonly buffer In {{ float x[]; }} inb;
layout(set = 0, binding = 1) buffer Out {{ float y[]; }} outb;
{glob}
void main() {{
  {loc}
  uint g = gl_GlobalInvocationID.x;
  uint n = uint(inb.x[0]);
  {body}
}}
"""


def glsl(name, wg, n, cls="function", split=False):
    decl = (f"float a[{n // 2}]; float b[{n - n // 2}];" if split else f"float a[{n}];")
    body = (f"for (uint i = 0u; i < {n // 2}u; ++i) {{ a[i] = inb.x[i + g]; "
            f"b[i] = inb.x[i + g + 7u]; }}\n  outb.y[g] = a[n % {n // 2}u] + b[(n * 3u) % {n // 2}u];"
            if split else
            f"for (uint i = 0u; i < {n}u; ++i) a[i] = inb.x[i + g];\n  outb.y[g] = a[n % {n}u];")
    src = GLSL.format(wg=wg, glob=decl if cls == "private" else "",
                      loc=decl if cls == "function" else "", body=body)
    p = os.path.join(out, "tmp.comp")
    open(p, "w").write(src)
    sp = os.path.join(out, "tmp.spv")
    run("glslangValidator", "-V", "--target-env", "vulkan1.1", "-o", sp, p)
    save(name, sp)
    os.remove(p)
    os.remove(sp)


for n in (1024, 2048, 3072, 4032, 4096, 4097, 4160, 4608, 6144, 8192, 16384, 32768, 65536,
          131072):
    glsl(f"s10_fn_wg1_{n:06d}_floats", 1, n)
for n in (2048, 4096, 4097, 4608, 8192, 32768):
    glsl(f"s11_fn_wg64_{n:06d}_floats", 64, n)
    glsl(f"s12_fn_wg1024_{n:06d}_floats", 1024, n)
for n in (4096, 4097, 4608, 8192):
    glsl(f"s20_private_wg1_{n:06d}_floats", 1, n, cls="private")
for n in (4608, 8192, 9216):
    glsl(f"s30_fn_wg1_two_arrays_{n:06d}_floats", 1, n, split=True)

# The WGSL of t4 turned into GLSL (glslang, another SPIR-V compiler) with its four top-level loop
# nests kept or dropped: g00 = all, g01 = 1+3 (no tails), g02 = 1 only (+ one read), g03 = 3+4.
wgsl = open(os.path.join(emit, "8064_t4.wgsl")).read()
body = wgsl[wgsl.index("{", wgsl.index("fn main")) + 1:wgsl.rindex("}")]
g = body
g = re.sub(r"\b(let|var) (\w+): i32 =", r"int \2 =", g)
g = re.sub(r"\b(\d+)i\b", r"\1", g)
g = re.sub(r"\b(\d+\.\d+)f\b", r"\1", g)
g = g.replace("i32(", "int(").replace("webtx_workgroup_id", "gl_WorkGroupID").replace(
    "webtx_local_id", "gl_LocalInvocationID").replace("webtx_uniforms.", "")
g = re.sub(r"var (\w+): array<f32, (\d+)>;", r"float \1[\2];", g)
lines = g.split("\n")
chunks, cur = [], []
for ln in lines:
    if re.match(r"  \S", ln) and not ln.startswith("  }"):
        if cur:
            chunks.append(cur)
        cur = [ln]
    elif ln.strip():
        cur.append(ln)
chunks.append(cur)
fors = [i for i, c in enumerate(chunks) if c[0].startswith("  for")]
assert len(fors) == 4, fors
HEAD = """#version 450
layout(local_size_x = 1, local_size_y = 1, local_size_z = 1) in;
layout(set = 0, binding = 0) readonly buffer B0 { float in0[]; };
layout(set = 0, binding = 1) readonly buffer B1 { float in3[]; };
layout(set = 0, binding = 2) buffer B2 { float t4[]; };
layout(set = 0, binding = 3) uniform U { int n0; int n2; };
void main() {
"""
for name, keep, extra in (("g00_t4_glsl_all_nests", {0, 1, 2, 3}, ""),
                          ("g01_t4_glsl_nests_1_3", {0, 2}, ""),
                          ("g02_t4_glsl_nest_1", {0}, "  t4[0] = t4_private[n2_1 & 4095];\n"),
                          ("g03_t4_glsl_nests_3_4", {2, 3}, "")):
    src = HEAD
    for i, c in enumerate(chunks):
        if i in fors and fors.index(i) not in keep:
            continue
        src += "\n".join(c) + "\n"
    src += extra + "}\n"
    p = os.path.join(out, "tmp.comp")
    open(p, "w").write(src)
    open(os.path.join(out, name + ".comp.txt"), "w").write(src)
    sp = os.path.join(out, "tmp.spv")
    run("glslangValidator", "-V", "--target-env", "vulkan1.1", "-o", sp, p)
    save(name, sp)
    os.remove(p)
    os.remove(sp)

with open(os.path.join(out, "VARIANTS.txt"), "w") as f:
    for name, size, val in made:
        f.write(f"{name}\t{size}\t{val}\n")
print(f"{len(made)} variants, {sum(v != 'ok' for _, _, v in made)} invalid", file=sys.stderr)
