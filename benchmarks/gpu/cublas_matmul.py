#!/usr/bin/env python3
"""cuBLAS fp32 N×N×N matmul through PyTorch (TF32 off), the native ceiling for our kernels.

Timed like the WebGPU side: median of 7 batches of back-to-back matmuls, CUDA events.
Writes Google Benchmark JSON.   python3 cublas_matmul.py --sizes 1024,2048 --out cublas.json
"""
import argparse
import datetime
import json
import socket

import torch


def time_matmul(n, batches=7, target_ms=50.0):
    a = torch.rand(n, n, device="cuda") - 0.5
    b = torch.rand(n, n, device="cuda") - 0.5
    c = a @ b
    torch.cuda.synchronize()
    # Spot-check against float64 on the GPU.
    ref = (a.double() @ b.double()).float()
    err = (c - ref).abs().max().item()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    torch.mm(a, b, out=c)
    stop.record()
    torch.cuda.synchronize()
    one = max(start.elapsed_time(stop), 0.01)
    reps = max(1, min(200, int(target_ms / one)))
    per = []
    for _ in range(batches):
        start.record()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        stop.record()
        torch.cuda.synchronize()
        per.append(start.elapsed_time(stop) / reps)
    per.sort()
    return per[len(per) // 2], reps * batches, err


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1024")
    p.add_argument("--out", default=None)
    args = p.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    benchmarks = []
    print("| implementation | N | ms | TFLOP/s | max abs err |")
    print("| --- | --- | --- | --- | --- |")
    for n in [int(s) for s in args.sizes.split(",")]:
        ms, iters, err = time_matmul(n)
        tf = 2 * n**3 / ms / 1e9
        print(f"| cublas_fp32 | {n} | {ms:.3f} | {tf:.2f} | {err:.1e} |")
        benchmarks.append({"name": f"BM_cublas_fp32/{n}", "run_name": f"BM_cublas_fp32/{n}",
                           "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
                           "threads": 1, "iterations": iters, "real_time": ms, "cpu_time": ms,
                           "time_unit": "ms", "TFLOPS": tf, "max_abs_err": err,
                           "label": "cuda-events"})
    report = {"context": {"date": datetime.datetime.now().isoformat(), "host_name": socket.gethostname(),
                          "executable": "benchmarks/gpu/cublas_matmul.py",
                          "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
                          "library_build_type": "release"},
              "benchmarks": benchmarks}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
