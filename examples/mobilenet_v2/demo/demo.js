// The MobileNetV2 demo page: loads the model and its weights, runs one image of the reference
// file, shows the top-5 classes beside PyTorch's, the latency, and a bar chart of GPU time per
// kernel (timestamp queries, when the device has them). Sets window.webtxMobileNet for tests.
import { loadModel, parseSafetensors } from '../../../web/src/index.js';
import { compareLogits, readReference, top5 } from '../reference.js';

const q = new URLSearchParams(location.search);
const status = document.getElementById('status');
const say = (msg) => (status.textContent = msg);

function drawImage(canvas, data, size) {
  // The input is a normalised image: map each channel's [-2, 2] to [0, 255] for display.
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    for (let c = 0; c < 3; c++) img.data[4 * i + c] = Math.max(0, Math.min(255, (data[c * size * size + i] + 2) * 64));
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function barChart(rows) {
  // rows: [{name, ms}], slowest first; one horizontal bar each.
  const width = 700, bar = 14, left = 260, max = Math.max(...rows.map((r) => r.ms));
  const parts = rows.map((r, i) => {
    const w = Math.max(1, ((width - left - 80) * r.ms) / max), y = i * (bar + 2);
    return `<text x="${left - 6}" y="${y + bar - 3}" text-anchor="end">${r.name}</text>` +
      `<rect x="${left}" y="${y}" width="${w}" height="${bar}" fill="#4a7bd0"/>` +
      `<text x="${left + w + 4}" y="${y + bar - 3}">${(r.ms * 1000).toFixed(1)} µs</text>`;
  });
  return `<svg width="${width}" height="${rows.length * (bar + 2)}">${parts.join('')}</svg>`;
}

async function main() {
  const modelUrl = q.get('model'), weightsUrl = q.get('weights'), refUrl = q.get('ref');
  const index = Number(q.get('image') ?? 0);
  if (!modelUrl || !weightsUrl || !refUrl) throw new Error('give ?model=…&weights=…&ref=…');
  say('loading the model and its weights…');
  const model = await loadModel(modelUrl, { gpu: navigator.gpu, weights: weightsUrl });
  const ref = parseSafetensors(new Uint8Array(await (await fetch(refUrl)).arrayBuffer()), refUrl);
  const reference = readReference(ref);
  if (index < 0 || index >= reference.count) throw new Error(`image ${index} is not in ${refUrl} (${reference.count} images)`);
  const [, c, h, w] = reference.images.shape;
  const per = c * h * w;
  const image = reference.images.data.slice(index * per, (index + 1) * per);
  drawImage(document.getElementById('image'), image, h);

  say('running…');
  const t0 = performance.now();
  const { logits } = await model.run({ input: { data: image, shape: [1, c, h, w] } });
  const firstMs = performance.now() - t0;
  const want = reference.logits.slice(index * 1000, (index + 1) * 1000);
  const maxErr = compareLogits(logits, want, 1).maxAbs;
  const ours = top5(logits), theirs = top5(want);
  const tbody = document.querySelector('#top5 tbody');
  ours.forEach((k, i) => {
    const tr = tbody.insertRow();
    tr.innerHTML = `<td>${i + 1}</td><td>class ${k}</td><td>${logits[k].toFixed(4)}</td>` +
      `<td class="${theirs[i] === k ? 'ok' : 'bad'}">class ${theirs[i]} (${want[theirs[i]].toFixed(4)})</td>`;
  });
  document.getElementById('top5').hidden = false;

  const timing = await model.time({ input: { data: image, shape: [1, c, h, w] } }, { iterations: 5 });
  document.getElementById('latency').textContent =
    `first run ${firstMs.toFixed(1)} ms; median ${timing.medianMs.toFixed(2)} ms per inference (${timing.method}), ${timing.dispatches} dispatches`;
  let kernels = [];
  if (model.profile && model.device.features.has('timestamp-query')) {
    kernels = await model.profile({ input: { data: image, shape: [1, c, h, w] } }, { iterations: 3 });
    const top = [...kernels].sort((a, b) => b.ms - a.ms);
    document.getElementById('kernels').innerHTML = barChart(top);
  }
  const sameTop5 = ours.every((k, i) => k === theirs[i]);
  say(`done: top-5 ${sameTop5 ? 'identical to' : 'DIFFERENT from'} PyTorch's; max abs error of the logits ${maxErr.toExponential(2)}`);
  window.webtxMobileNet = { top5: ours, torchTop5: theirs, sameTop5, maxAbsError: maxErr, medianMs: timing.medianMs,
    method: timing.method, dispatches: timing.dispatches, kernels };
  model.dispose();
}

main().catch((e) => {
  say(`error: ${e.message}`);
  window.webtxMobileNet = { error: e.message };
});
