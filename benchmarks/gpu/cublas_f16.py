#!/usr/bin/env python3
"""cuBLAS f16 matmul (PyTorch, tensor cores) on the GPU machine: the native bar for
benchmarks/web/bench_f16.mjs. torch.matmul on half inputs accumulates in f32 and writes f16.

    python3 benchmarks/gpu/cublas_f16.py [N ...]      # default 1024 2048 4096 8192

Prints one JSON line per size: CUDA-event time per matmul, median of 7 batches of 20.
"""
import json
import sys

import torch


def time_matmul(n: int) -> dict:
    a = torch.randn(n, n, device="cuda", dtype=torch.half)
    b = torch.randn(n, n, device="cuda", dtype=torch.half)
    for _ in range(5):
        torch.matmul(a, b)
    torch.cuda.synchronize()
    per_batch = []
    for _ in range(7):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(20):
            torch.matmul(a, b)
        end.record()
        torch.cuda.synchronize()
        per_batch.append(start.elapsed_time(end) / 20)
    ms = sorted(per_batch)[len(per_batch) // 2]
    return {"name": "cublas_f16", "N": n, "ms": round(ms, 4),
            "tflops": round(2 * n**3 / ms / 1e9, 1), "device": torch.cuda.get_device_name()}


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [1024, 2048, 4096, 8192]
    for n in sizes:
        print(json.dumps(time_matmul(n)), flush=True)
