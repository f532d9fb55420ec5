// MobileNetV2's reference files (make_weights.py: "images" [n, 3, H, W] and PyTorch's
// "logits" [n, 1000], F32 safetensors) and the checks against them, shared by the demo page,
// the tests and the benchmark. Browser and Node: takes the file already parsed
// (parseSafetensors of the web runtime).

/** {images: {shape, data}, logits: Float32Array, count, batch(b)} of a parsed reference file. */
export function readReference(file) {
  const f32 = (name) => {
    const t = file.tensors.get(name);
    if (!t || t.dtype !== 'F32') throw new Error(`${file.source} has no F32 tensor '${name}'`);
    return { shape: t.shape, data: new Float32Array(t.data.slice().buffer) };
  };
  const images = f32('images'), logits = f32('logits').data;
  const [count, C, H, W] = images.shape;
  const per = C * H * W;
  return {
    images, logits, count,
    /** b images (the reference images cycled) as {data, shape} and PyTorch's logits for them. */
    batch(b) {
      const data = new Float32Array(b * per), want = new Float32Array(b * 1000);
      for (let i = 0; i < b; i++) {
        data.set(images.data.subarray((i % count) * per, (i % count + 1) * per), i * per);
        want.set(logits.subarray((i % count) * 1000, (i % count + 1) * 1000), i * 1000);
      }
      return { input: { data, shape: [b, C, H, W] }, logits: want };
    },
  };
}

/** The five largest logits of image i, best first. */
export function top5(logits, i = 0) {
  return [...Array(1000).keys()].sort((a, b) => logits[i * 1000 + b] - logits[i * 1000 + a]).slice(0, 5);
}

/** Logits of n images against the reference: max abs error, the largest |reference|, and
 *  how many images have the same top-5. */
export function compareLogits(got, want, n) {
  let maxAbs = 0, maxRef = 0, top5Same = 0;
  for (let i = 0; i < n * 1000; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
    maxRef = Math.max(maxRef, Math.abs(want[i]));
  }
  for (let i = 0; i < n; i++) top5Same += top5(got, i).join() === top5(want, i).join();
  return { maxAbs, maxRef, maxRel: maxAbs / maxRef, top5Same, images: n };
}
