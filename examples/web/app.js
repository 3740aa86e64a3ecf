// The page's logic: load the model, let the user draw, turn the drawing into an MNIST-style
// 28×28 input (preprocess.js) and classify it. The model is one script, ./lenet.js: the
// inference build of examples/lenet.cnn with the trained weights built in
// (`cnnc build examples/lenet.cnn --inference --weights examples/mnist/lenet.bin`), so
// nothing else is fetched.
//
// Test hook (used by test/web-digits.test.ts, handy in the console too):
//   window.cnncDemo.ready              resolves when the model is loaded, with meta.target
//                                      (wasm: the WebAssembly SIMD kernels; js: plain JavaScript)
//   window.cnncDemo.drawPixels(p)      paints 784 grey levels in [0, 1] (a 28×28 digit) onto the pad, ×10
//   window.cnncDemo.classify()         classifies what is on the pad → { digit, probabilities, input }
//   window.cnncDemo.clear()
import { inkFromRgba, SIZE, toMnist } from './preprocess.js';

const pad = /** @type {HTMLCanvasElement} */ (document.getElementById('pad'));
const seen = /** @type {HTMLCanvasElement} */ (document.getElementById('seen'));
const digitEl = document.getElementById('digit');
const bars = document.getElementById('bars');
const status = document.getElementById('status');
const ctx = pad.getContext('2d', { willReadFrequently: true });

let model;
let classes;
let batch;

const ready = (async () => {
  // Imported here rather than at the top so that a missing build shows a message below.
  const { createModelAsync, meta } = await import('./lenet.js');
  const [C, H, W] = meta.input;
  if (C !== 1 || H !== SIZE || W !== SIZE) throw new Error(`the network takes ${C}x${H}x${W}, not 1x28x28 digits`);
  // Compiles the WebAssembly kernels asynchronously: a page's main thread may not compile
  // big modules synchronously (createModel() would, and works here for LeNet's ~75 KB).
  model = await createModelAsync();
  classes = meta.output[0];
  // One mini-batch of the compiled size T: our digit in slot 0, blank images elsewhere.
  // In inference mode every slot is computed on its own, so the blanks do not matter.
  batch = new Float32Array(meta.batch * C * H * W);
  status.textContent = '';
  return meta.target;
})();
ready.catch((e) => {
  status.textContent = `cannot load the model: ${e.message}. Build it (npx cnnc examples/lenet.cnn --inference --weights examples/mnist/lenet.bin -o DIR, then copy DIR/lenet.js here) and serve the folder: node examples/web/serve.mjs`;
});

function clear() {
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, pad.width, pad.height);
  digitEl.textContent = '?';
  bars.replaceChildren();
  seen.getContext('2d').clearRect(0, 0, SIZE, SIZE);
}

function classify() {
  const ink = inkFromRgba(ctx.getImageData(0, 0, pad.width, pad.height).data);
  const input = toMnist(ink, pad.width, pad.height);
  if (!input) return null;
  showInput(input);
  batch.fill(0);
  batch.set(input, 0);
  const y = model.forward(batch); // an inference module: inference mode is all it has
  const probabilities = Array.from(y.subarray(0, classes));
  const digit = probabilities.indexOf(Math.max(...probabilities));
  digitEl.textContent = String(digit);
  showBars(probabilities);
  return { digit, probabilities, input: Array.from(input) };
}

function showInput(input) {
  const g = seen.getContext('2d');
  const image = g.createImageData(SIZE, SIZE);
  for (let i = 0; i < input.length; i++) {
    const v = 255 - Math.round(255 * input[i]);
    image.data.set([v, v, v, 255], 4 * i);
  }
  g.putImageData(image, 0, 0);
}

function showBars(p) {
  bars.replaceChildren(
    ...p.flatMap((v, k) => {
      const label = document.createElement('span');
      label.textContent = String(k);
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${Math.max(1, Math.round(160 * v))}px`;
      const value = document.createElement('span');
      value.textContent = `${(100 * v).toFixed(1)}%`;
      return [label, bar, value];
    }),
  );
}

function drawPixels(pixels) {
  clear();
  const cell = pad.width / SIZE;
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    if (v === 255) continue;
    ctx.fillStyle = `rgb(${v},${v},${v})`;
    ctx.fillRect((i % SIZE) * cell, Math.floor(i / SIZE) * cell, cell, cell);
  }
}

// Drawing with the mouse (or a pen or finger): round strokes about as thick, relative to
// the digit, as MNIST's.
let last = null;
let pending = false;
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  last = [e.offsetX, e.offsetY];
  stroke(e.offsetX, e.offsetY);
});
pad.addEventListener('pointermove', (e) => {
  if (last) stroke(e.offsetX, e.offsetY);
});
pad.addEventListener('pointerup', () => {
  last = null;
  ready.then(classify);
});
document.getElementById('clear').addEventListener('click', clear);

function stroke(x, y) {
  ctx.strokeStyle = 'black';
  ctx.lineWidth = 22;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(last[0], last[1]);
  ctx.lineTo(x, y);
  ctx.stroke();
  last = [x, y];
  // Classify while drawing, at most once a frame.
  if (!pending) {
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      ready.then(classify);
    });
  }
}

clear();
window.cnncDemo = { ready, classify, clear, drawPixels };
