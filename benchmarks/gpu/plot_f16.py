#!/usr/bin/env python3
"""Bar chart (SVG, no dependencies) of one f16 GPU run: webtx through Dawn and native Vulkan,
the hand-written anchor and cuBLAS, TFLOP/s at each size.

    python3 benchmarks/gpu/plot_f16.py <results dir> > <results dir>/f16.svg

<results dir> holds what the run wrote: bench_f16.jsonl (benchmarks/web/bench_f16.mjs),
vulkan_f16.txt (bench_vulkan_f16), anchor_f16.jsonl (anchor-matmul-f16.mjs) and
cublas_f16.jsonl (benchmarks/gpu/cublas_f16.py). For each size the best model or variant of
each kind is drawn (f32 and f16 accumulation apart).
"""
import json
import sys
from pathlib import Path


def lines(path):
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                pass


def best(rows, key):
    out = {}
    for k, v in rows:
        out[k] = max(out.get(k, 0.0), v)
    return out


def main(d):
    d = Path(d)
    series = {}
    web = [r for r in lines(d / "bench_f16.jsonl") if "tflops" in r and "M" in r]
    for acc in ("f32", "f16"):
        series[f"webtx, Dawn (f16→{acc})"] = best(
            [(r["M"], r["tflops"]) for r in web if r.get("acc") == acc], "M")
        series[f"webtx, Vulkan (f16→{acc})"] = best(
            [(r["M"], r["tflops"]) for r in lines(d / "vulkan_f16.txt") if r.get("acc") == acc],
            "M")
    anchor = list(lines(d / "anchor_f16.jsonl"))
    series["hand-written WGSL (f16→f32)"] = best(
        [(r["N"], r["tflops"]) for r in anchor if "tflops" in r and not r["name"].endswith("f16acc")],
        "N")
    series["hand-written WGSL (f16→f16)"] = best(
        [(r["N"], r["tflops"]) for r in anchor if "tflops" in r and r["name"].endswith("f16acc")],
        "N")
    series["cuBLAS (f16, f32 accumulate)"] = best(
        [(r["N"], r["tflops"]) for r in lines(d / "cublas_f16.jsonl")], "N")
    sizes = [4096, 8192]
    names = [n for n in series if any(s in series[n] for s in sizes)]
    colors = ["#1f77b4", "#aec7e8", "#2ca02c", "#98df8a", "#ff7f0e", "#ffbb78", "#7f7f7f"]
    top = max(v for n in names for s, v in series[n].items() if s in sizes)
    w, h, left, bottom, bar = 760, 380, 60, 40, 18
    group = bar * len(names) + 40
    scale = (h - bottom - 30) / top
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="16" font-size="13">f16 matmul N×N×N on the H100, TFLOP/s (one run)</text>']
    for t in range(0, int(top) + 1, 100):
        y = h - bottom - t * scale
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + group * len(sizes)}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{t}</text>')
    for gi, s in enumerate(sizes):
        x0 = left + 20 + gi * group
        out.append(f'<text x="{x0 + bar * len(names) / 2:.1f}" y="{h - bottom + 16}" text-anchor="middle">{s}³</text>')
        for ni, n in enumerate(names):
            v = series[n].get(s)
            if v is None:
                continue
            x, y = x0 + ni * bar, h - bottom - v * scale
            out.append(f'<rect x="{x}" y="{y:.1f}" width="{bar - 2}" height="{v * scale:.1f}" fill="{colors[ni % len(colors)]}"/>')
            out.append(f'<text x="{x + (bar - 2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="8">{v:.0f}</text>')
    lx = left + group * len(sizes) + 10
    for ni, n in enumerate(names):
        y = 40 + ni * 18
        out.append(f'<rect x="{lx}" y="{y - 9}" width="10" height="10" fill="{colors[ni % len(colors)]}"/>')
        out.append(f'<text x="{lx + 14}" y="{y}">{n}</text>')
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
