#!/usr/bin/env python3
"""PyTorch's MobileNetV2 on the webtx weights: the native anchors of the MobileNetV2 benchmark
(eager with cuDNN, and one CUDA graph replay) and a reference for webtx's logits.

  python3 benchmarks/mobilenet_v2_torch.py --weights mobilenet_v2.safetensors \
      [--images mobilenet_v2.ref224.safetensors] [--batch 1 --batch 8] [--json out.json]

Latency per inference includes the host->device copy of the images and the device->host copy
of the logits (as webtx's end-to-end numbers do); the GPU-only time is reported apart.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "mobilenet_v2"))
from make_weights import read_safetensors, folded_torchvision_model  # noqa: E402


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def bench(fn, iters):
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    return median(times), min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--images", help="reference images to compare logits (safetensors)")
    ap.add_argument("--batch", type=int, action="append", default=[])
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--json")
    args = ap.parse_args()
    batches = args.batch or [1, 8]
    model = folded_torchvision_model(read_safetensors(args.weights))
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    model = model.to(dev).eval()
    torch.backends.cudnn.benchmark = True
    results = {"device": torch.cuda.get_device_name() if dev == "cuda" else "cpu", "runs": []}
    with torch.no_grad():
        for b in batches:
            host = torch.randn(b, 3, 224, 224).pin_memory() if dev == "cuda" else torch.randn(b, 3, 224, 224)
            x = host.to(dev)
            eager_gpu = bench(lambda: model(x), args.iters)
            eager_e2e = bench(lambda: model(host.to(dev, non_blocking=True)).cpu(), args.iters)
            row = {"batch": b, "eager_gpu_ms": eager_gpu[0], "eager_e2e_ms": eager_e2e[0]}
            if dev == "cuda":
                static_in = torch.zeros_like(x)
                s = torch.cuda.Stream()
                s.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(s):
                    for _ in range(3):
                        model(static_in)
                torch.cuda.current_stream().wait_stream(s)
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g):
                    static_out = model(static_in)
                graph_gpu = bench(lambda: g.replay(), args.iters)

                def e2e():
                    static_in.copy_(host, non_blocking=True)
                    g.replay()
                    return static_out.cpu()
                graph_e2e = bench(e2e, args.iters)
                row.update(cuda_graph_gpu_ms=graph_gpu[0], cuda_graph_e2e_ms=graph_e2e[0])
            results["runs"].append(row)
            print(json.dumps(row))
        if args.images:
            # Timings above use PyTorch's defaults (cuDNN convolutions may use TF32); the
            # comparison with the f32 reference (made on the CPU) turns TF32 off.
            torch.backends.cudnn.allow_tf32 = False
            torch.backends.cuda.matmul.allow_tf32 = False
            ref = read_safetensors(args.images)
            got = model(ref["images"].to(dev)).cpu()
            err = (got - ref["logits"]).abs().max().item()
            same = sum(got[i].topk(5).indices.tolist() == ref["logits"][i].topk(5).indices.tolist()
                       for i in range(got.shape[0]))
            results["reference_max_abs_err"] = err
            results["reference_top5_same"] = f"{same}/{got.shape[0]}"
            print(f"logits vs the reference file (TF32 off): max abs error {err:.3g}, top-5 identical {same}/{got.shape[0]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
