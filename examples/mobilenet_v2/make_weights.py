#!/usr/bin/env python3
"""MobileNetV2 weights for webtx: torchvision's architecture (width 1.0, 1000 classes) with
random weights whose batch-norm statistics are calibrated, folded into the convolutions.

No pretrained weights can be downloaded here, and torchvision's default initialisation gives
activations that shrink layer by layer (logits near 1e-9 would hide any error). So every BN
gets a random scale and shift, its running mean and variance are then measured on random
images (train mode, cumulative averages), and each BN is folded into the convolution before it:
    w' = w * g / sqrt(v + eps),   b' = beta - m * g / sqrt(v + eps)
Every layer's output stays O(1).

Writes, into --out:
  mobilenet_v2.safetensors  the folded weights, named "<conv>.weight" / "<conv>.bias" after
                            torchvision's modules (features.0.0, features.2.conv.1.0, ...,
                            classifier.1), f32 little-endian
  mobilenet_v2.onnx         the same folded network for the peers (batch symbolic), if asked
  mobilenet_v2.ref<R>.safetensors  --images random images at R x R and PyTorch's logits
                            ("images" [n,3,R,R], "logits" [n,1000])
"""
import argparse
import json
import os
import struct

import torch
import torchvision


def write_safetensors(path, tensors):
    """The safetensors format: an 8-byte little-endian header length, a JSON header of
    {name: {dtype, shape, data_offsets}}, padded with spaces to 8 bytes, then the raw data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype('<f4').tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt", "producer": "webtx examples/mobilenet_v2/make_weights.py"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """name -> f32 torch tensor, from a file write_safetensors wrote (F32 only)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{path}: {name} is {info['dtype']}, expected F32"
        b, e = info["data_offsets"]
        data = bytearray(blob[8 + n + b:8 + n + e])
        out[name] = torch.frombuffer(data, dtype=torch.float32).reshape(info["shape"])
    return out


def folded_torchvision_model(weights):
    """torchvision's MobileNetV2 with every BN an identity and the convolutions taking the
    folded weights and biases of `weights` (what fold() produces)."""
    model = torchvision.models.mobilenet_v2(weights=None, num_classes=1000, width_mult=1.0)
    modules = dict(model.named_modules())
    with torch.no_grad():
        for name, m in modules.items():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.fill_(1.0)
                m.bias.zero_()
                m.running_mean.zero_()
                m.running_var.fill_(1.0 - m.eps)
            elif isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                m.weight.copy_(weights[f"{name}.weight"])
                m.bias = torch.nn.Parameter(weights[f"{name}.bias"].clone())
    return model.eval()


def calibrated_model(seed, calibration_images, resolution):
    torch.manual_seed(seed)
    model = torchvision.models.mobilenet_v2(weights=None, num_classes=1000, width_mult=1.0)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
            bn.reset_running_stats()
            bn.momentum = None  # cumulative average over all calibration batches
        linear = model.classifier[1]
        bound = 1.0 / linear.in_features ** 0.5
        linear.weight.uniform_(-bound, bound)
        linear.bias.uniform_(-bound, bound)
        model.train()
        for _ in range(calibration_images // 8):
            model(torch.randn(8, 3, resolution, resolution))
    model.eval()
    return model


def fold(model):
    """Each Conv2d followed (in module order) by a BatchNorm2d gets the BN folded in; the BN
    becomes an identity. Returns the folded model and its weights by name."""
    weights = {}
    modules = list(model.named_modules())
    for i, (name, m) in enumerate(modules):
        if not isinstance(m, torch.nn.Conv2d):
            continue
        bn_name, bn = next((n, b) for n, b in modules[i + 1:] if isinstance(b, (torch.nn.BatchNorm2d, torch.nn.Conv2d)))
        assert isinstance(bn, torch.nn.BatchNorm2d), f"{name} is not followed by a batch norm"
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        w = m.weight * scale[:, None, None, None]
        b = bn.bias - bn.running_mean * scale
        with torch.no_grad():
            m.weight.copy_(w)
            m.bias = torch.nn.Parameter(b.detach().clone())
            bn.weight.fill_(1.0)
            bn.bias.zero_()
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
        weights[f"{name}.weight"] = w.detach()
        weights[f"{name}.bias"] = b.detach()
    weights["classifier.1.weight"] = model.classifier[1].weight.detach()
    weights["classifier.1.bias"] = model.classifier[1].bias.detach()
    return weights


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calibration-images", type=int, default=32)
    ap.add_argument("--calibration-resolution", type=int, default=224)
    ap.add_argument("--reference", type=int, action="append", default=[],
                    help="write mobilenet_v2.ref<R>.safetensors at resolution R (repeatable)")
    ap.add_argument("--images", type=int, default=2, help="images per reference file")
    ap.add_argument("--onnx", action="store_true", help="also write mobilenet_v2.onnx")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

    model = calibrated_model(args.seed, args.calibration_images, args.calibration_resolution)
    check = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        before = model(check)
        weights = fold(model)
        after = model(check)
    err = (before - after).abs().max().item()
    assert err < 1e-3 * (1 + before.abs().max().item()), f"folding changed the logits by {err}"
    write_safetensors(os.path.join(args.out, "mobilenet_v2.safetensors"), weights)

    gen = torch.Generator().manual_seed(args.seed + 1000)
    for r in args.reference:
        images = torch.randn(args.images, 3, r, r, generator=gen)
        with torch.no_grad():
            logits = model(images)
        write_safetensors(os.path.join(args.out, f"mobilenet_v2.ref{r}.safetensors"),
                          {"images": images, "logits": logits})
        print(f"reference {r}x{r}: {args.images} images, logits std {logits.std().item():.3f}, "
              f"max |logit| {logits.abs().max().item():.3f}")
    if args.onnx:
        path = os.path.join(args.out, "mobilenet_v2.onnx")
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path,
                          input_names=["input"], output_names=["logits"], opset_version=13,
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        # Newer PyTorch writes the weights to a side file (mobilenet_v2.onnx.data), which
        # ONNX Runtime Web cannot open from a buffer: keep one self-contained file.
        import onnx
        onnx.save(onnx.load(path), path, save_as_external_data=False)
        if os.path.exists(path + ".data"):
            os.remove(path + ".data")
    print(f"wrote {len(weights)} tensors ({sum(w.numel() for w in weights.values())} values) to {args.out}")


if __name__ == "__main__":
    main()
