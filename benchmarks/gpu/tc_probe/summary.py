#!/usr/bin/env python3
"""Markdown summary of a tc probe run: python3 summary.py <results dir> (the *.jsonl run.sh wrote).
Every number comes from those files; a part that failed shows its error lines."""
import json
import os
import sys


def rows(d: str, f: str) -> list:
    p = os.path.join(d, f)
    if not os.path.exists(p):
        return [{"missing": f}]
    out = []
    for line in open(p):
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"unparsed": line[:200]})
    return out or [{"empty": f}]


def fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:.3g}"
    return str(x)


def table(rs: list, cols: list) -> str:
    s = "| " + " | ".join(cols) + " |\n| " + " | ".join("---" for _ in cols) + " |\n"
    for r in rs:
        s += "| " + " | ".join(fmt(r.get(c, "")) for c in cols) + " |\n"
    return s


def main() -> None:
    d = sys.argv[1]
    have = lambda f: os.path.exists(os.path.join(d, f))  # parts not run (TC_PARTS) are left out
    out = ["# tc probe results\n", "```", open(os.path.join(d, "device.txt")).read().strip()
           if have("device.txt") else "", "```\n"]
    if have("mlp.jsonl"):
        m = rows(d, "mlp.jsonl")
        out.append("## 1. MLP (mlp_f16_tc) through Dawn\n")
        out.append(table([r for r in m if "model" in r or "missing" in r],
                         ["batch", "model", "target", "ms", "tflops", "method", "error"]))
        out.append("\n" + table([r for r in m if "compare" in r],
                                ["batch", "compare", "max_abs", "mean_abs", "max_rel", "norm_rel", "nan"]))
        for r in [r for r in m if r.get("profile")]:
            out.append(f"\nprofile batch {r['batch']}: " + "; ".join(r["profile"]) if isinstance(r["profile"], list) else str(r["profile"]))
    if have("accuracy.jsonl") or have("accuracy_webtx.jsonl"):
        out.append("\n## 2. Accuracy on N(0,1) f16 inputs vs an f64 reference\n")
        a = rows(d, "accuracy.jsonl")
        out.append(table([r for r in a if "name" in r or "missing" in r],
                         ["N", "name", "dtype", "max_abs", "mean_abs", "mean", "max_rel", "norm_rel", "nan", "error"]))
        errs = [r for r in rows(d, "accuracy_webtx.jsonl") if "error" in r or "skip" in r]
        if errs:
            out.append("\nwebtx run problems: " + json.dumps(errs)[:1500])
    out.append("\n## 3. Throughput at 4096^3 f16 x f16 -> f32\n")
    if have("vulkan.jsonl"):
        out.append("### 3a. Native Vulkan (generated SPIR-V) + driver statistics\n")
        out.append(table(rows(d, "vulkan.jsonl"), ["name", "tflops", "ms", "maxAbsErr", "error"]))
        for r in rows(d, "vulkan_stats.jsonl"):
            st = r.get("stats")
            if isinstance(st, dict):
                out.append(f"\n{r['name']}: " + ", ".join(f"{k.split('/')[-1]}={val}" for k, val in st.items()))
            else:
                out.append(f"\n{r.get('name')}: stats {st or r.get('error') or r}")
    if have("dawn_generated.jsonl"):
        out.append("\n\n### 3b. Generated variants through Dawn (robustness on)\n")
        out.append(table(rows(d, "dawn_generated.jsonl"),
                         ["name", "tflops", "ms", "workgroup", "workgroupBytes", "maxAbsErr", "badSamples", "error", "exception"]))
    out.append("\n### 3c. Hand-written variants and ablations through Dawn\n")
    for f, label in (("variants.jsonl", "robustness on"), ("variants_norobust.jsonl", "robustness off")):
        if not have(f):
            continue
        vs = [r for r in rows(d, f) if "name" in r or "missing" in r]
        base = next((r.get("tflops") for r in vs if r.get("name") == "base_128x128_4sg"), None)
        for r in vs:  # relative to the base kernel of the same run
            if base and isinstance(r.get("tflops"), (int, float)):
                r["vs_base"] = round(r["tflops"] / base, 3)
        out.append(f"\n{label}:\n")
        out.append(table(vs, ["name", "tflops", "vs_base", "ms", "ablation", "T", "smem", "maxAbsErr",
                              "badSamples", "error", "exception", "skip"]))
    if have("cublas.jsonl"):
        out.append("\n### 3d. cuBLAS f16\n")
        out.append(table(rows(d, "cublas.jsonl"), ["N", "tflops", "ms", "device"]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
