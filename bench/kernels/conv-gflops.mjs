// GFLOP/s of the emitted conv kernels (forward, backward, grad) on the LeNet and VGG convs,
// against a generic loop (runtime sizes, bounds test per tap) on the same float32 data.
// Not a test: timings depend on the machine. Times are CPU time of this process.
//
//   node bench/kernels/conv-gflops.mjs [seconds-per-kernel]
//
// The emitters are compiled from src/ by lib.mjs (no build needed).
import { compileSources, cpuMs, loadKernels } from './lib.mjs';

const seconds = Number(process.argv[2] ?? 0.6);
const load = compileSources(['src/emit/kernels/conv.ts', 'src/model/build.ts']);
const { emitConv } = await load('src/emit/kernels/conv.js');
const { buildNetwork } = await load('src/model/build.js');

function convLayer(batch, [C, H, W], out, kernel, anchor) {
  return buildNetwork({ name: 'b', batch, input: [C, H, W], layers: [{ op: 'conv', name: 'c', out, kernel, anchor }] }).layers[0];
}

const T = 32;
const layers = [
  ['lenet c1', convLayer(T, [1, 28, 28], 6, [5, 5])],
  ['lenet c2', convLayer(T, [6, 14, 14], 16, [5, 6], [2, 1])],
  ['vgg c1', convLayer(T, [3, 32, 32], 32, [3, 3])],
  ['vgg c2', convLayer(T, [32, 16, 16], 64, [3, 3])],
  ['vgg c3', convLayer(T, [64, 8, 8], 64, [3, 3])],
];

/** The generic loop: sizes at run time, the pad condition tested for every tap. */
function genericForward(T, Cl, Cr, H, W, M, N, m, n, x, w, y) {
  for (let t = 0; t < T; t++)
    for (let k = 0; k < Cr; k++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          let s = 0;
          for (let c = 0; c < Cl; c++)
            for (let p = 0; p < M; p++) {
              const r = i - m + p;
              if (r < 0 || r >= H) continue;
              for (let q = 0; q < N; q++) {
                const col = j - n + q;
                if (col < 0 || col >= W) continue;
                s += w[((k * Cl + c) * M + p) * N + q] * x[((t * Cl + c) * H + r) * W + col];
              }
            }
          y[((t * Cr + k) * H + i) * W + j] = s;
        }
}

// CPU time of this process rather than wall time: the figures then hold up on a shared,
// busy machine. Warm-up: 1.5 s of CPU, until TurboFan has compiled (and, after early deopts, recompiled) every piece.
function time(fn, macs) {
  const w0 = cpuMs();
  while (cpuMs() - w0 < 1500) fn();
  let calls = 0;
  const start = cpuMs();
  let now = start;
  while (now - start < seconds * 1000) { fn(); calls++; now = cpuMs(); }
  return (2 * macs * calls) / ((now - start) / 1000) / 1e9;
}

const rnd = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
console.log('layer      shape               fwd GF/s  bwd GF/s  grad GF/s  generic fwd GF/s');
for (const [label, layer] of layers) {
  const k = loadKernels(emitConv(layer, { dtype: 'f32', batch: T }));
  const { c: Cl, h: H, w: W } = layer.input;
  const Cr = layer.output.c;
  const { rows: M, cols: N } = layer.kernel;
  const x = rnd(T * Cl * H * W), y = new Float32Array(T * Cr * H * W), w = rnd(Cr * Cl * M * N);
  const dy = rnd(T * Cr * H * W), dx = new Float32Array(T * Cl * H * W), dw = new Float32Array(w.length);
  const macs = T * layer.macs;
  const f = time(() => k.c_forward(x, w, y), macs);
  const b = time(() => k.c_backward(dy, w, dx), macs);
  const g = time(() => k.c_grad(dy, x, dw), macs);
  const gen = time(() => genericForward(T, Cl, Cr, H, W, M, N, layer.anchor.row, layer.anchor.col, x, w, y), macs);
  const shape = `${Cl}->${Cr} ${H}x${W} k${M}x${N}`;
  console.log(`${label.padEnd(10)} ${shape.padEnd(19)} ${f.toFixed(2).padStart(8)}  ${b.toFixed(2).padStart(8)}  ${g.toFixed(2).padStart(9)}  ${gen.toFixed(2).padStart(16)}`);
}
