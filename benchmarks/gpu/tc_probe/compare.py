#!/usr/bin/env python3
"""The tc probe's accuracy run, reference side (GPU machine): for each size, the f64 product of
accuracy.mjs's A and B (on the GPU, torch float64) is the reference; against it, webtx's
results (accuracy.mjs: C_matmul_f16_<n>.bin, f32 accumulation; C_matmul_f16h_<n>.bin, f16) and
cuBLAS's (torch on the same f16 tensors):
  cublas_f16          torch.matmul(A, B), f16 out, PyTorch's default (reduced-precision
                      reductions allowed)
  cublas_f16_strict   the same with allow_fp16_reduced_precision_reduction = False
  cublas_f16_f32out   torch.mm(A, B, out_dtype=float32) where this torch has it: f16 in, f32 out
  cublas_f32          torch.matmul(A.float(), B.float()), TF32 off: the f32 result
and two floors: the f64 reference rounded to f32 and to f16 (the least error an f32 or f16
result can have). Errors: max_abs, mean_abs, mean (signed), max_rel = max |err| / |ref| over
elements with |ref| >= 1e-2 * rms(ref), and norm_rel = ||err||_F / ||ref||_F.

    python3 compare.py <data dir> <n>... > accuracy.json   (one JSON line per row)
"""
import json
import os
import sys

import torch


def stats(name: str, n: int, got: torch.Tensor, ref: torch.Tensor) -> dict:
    e = got.double() - ref
    a = e.abs()
    rms = ref.pow(2).mean().sqrt()
    mask = ref.abs() >= 1e-2 * rms
    rel = (a[mask] / ref.abs()[mask]).max().item()
    return {"name": name, "N": n, "dtype": str(got.dtype).replace("torch.", ""),
            "max_abs": a.max().item(), "mean_abs": a.mean().item(), "mean": e.mean().item(),
            "max_rel": rel, "norm_rel": (e.norm() / ref.norm()).item(),
            "ref_rms": rms.item(), "nan": int(torch.isnan(got).sum().item())}


DEVICE = os.environ.get("TC_DEVICE", "cuda")  # cpu: a dry run of this script without a GPU


def load(path: str, dtype, n: int) -> torch.Tensor:
    """A raw little-endian n x n file (no numpy: the GPU machine may lack it)."""
    with open(path, "rb") as f:
        raw = bytearray(f.read())
    return torch.frombuffer(raw, dtype=dtype).reshape(n, n).to(DEVICE)


def cublas(rows: list, name: str, n: int, fn, ref: torch.Tensor) -> None:
    try:
        rows.append(stats(name, n, fn(), ref))
    except Exception as ex:  # e.g. out_dtype missing in this torch: say so in the table
        rows.append({"name": name, "N": n, "error": str(ex)[:200]})


def main() -> None:
    data, sizes = sys.argv[1], [int(a) for a in sys.argv[2:]]
    name = torch.cuda.get_device_name() if DEVICE == "cuda" else DEVICE
    print(json.dumps({"device": name, "torch": torch.__version__}))
    for n in sizes:
        A = load(f"{data}/A_{n}.f16", torch.float16, n)
        B = load(f"{data}/B_{n}.f16", torch.float16, n)
        ref = A.double() @ B.double()
        rows = [stats("floor_f32 (f64 ref rounded to f32)", n, ref.float(), ref),
                stats("floor_f16 (f64 ref rounded to f16)", n, ref.half(), ref)]
        for name, dt in ((f"webtx matmul_f16_{n} (f32 acc)", torch.float32),
                         (f"webtx matmul_f16h_{n} (f16 acc)", torch.float16)):
            model = name.split()[1]
            try:
                rows.append(stats(name, n, load(f"{data}/C_{model}.bin", dt, n), ref))
            except Exception as ex:  # the webtx run failed: say so in the table
                rows.append({"name": name, "N": n, "error": str(ex)[:300]})
        m = torch.backends.cuda.matmul
        keep = m.allow_fp16_reduced_precision_reduction, m.allow_tf32
        cublas(rows, "cublas_f16 (torch default)", n, lambda: torch.matmul(A, B), ref)
        m.allow_fp16_reduced_precision_reduction = False
        cublas(rows, "cublas_f16_strict (no reduced-precision reduction)", n,
               lambda: torch.matmul(A, B), ref)
        cublas(rows, "cublas_f16_f32out (mm out_dtype=f32)", n,
               lambda: torch.mm(A, B, out_dtype=torch.float32), ref)
        m.allow_tf32 = False
        cublas(rows, "cublas_f32 (A, B as f32, TF32 off)", n,
               lambda: torch.matmul(A.float(), B.float()), ref)
        m.allow_fp16_reduced_precision_reduction, m.allow_tf32 = keep
        for r in rows:
            print(json.dumps(r), flush=True)
        del A, B, ref
        if DEVICE == "cuda":
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
