// Compares conv schedules on the same kernels: the default padded schedule, padded bodies
// with another statement budget, and the border-split schedule. Cases are timed in
// alternating rounds (CPU time of this process, after a warm-up) and the median of the
// rounds is printed with its range, so a busy shared machine moves all cases alike.
// Not a test: timings depend on the machine.
//
//   node bench/kernels/conv-schedules.mjs [rounds] [layer,...]
//   layers: lenet-c1 lenet-c2 vgg-c1 vgg-c2 vgg-c3 (default: the two LeNet convs)
//
// The emitters are compiled from src/ by lib.mjs (no build needed).
import { compileSources, cpuMs, loadKernels } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 7);
const chosen = (process.argv[3] ?? 'lenet-c1,lenet-c2').split(',');
const load = compileSources(['src/emit/kernels/conv.ts', 'src/emit/kernels/conv-padded.ts', 'src/lower/conv-padded.ts', 'src/model/build.ts']);
const { emitConvWith } = await load('src/emit/kernels/conv.js');
const { emitPaddedPass } = await load('src/emit/kernels/conv-padded.js');
const { planPaddedConv } = await load('src/lower/conv-padded.js');
const { buildNetwork } = await load('src/model/build.js');

const T = 32;
const convLayer = ([C, H, W], o, kernel, anchor) =>
  buildNetwork({ name: 'b', batch: T, input: [C, H, W], layers: [{ op: 'conv', name: 'c', out: o, kernel, anchor }] }).layers[0];
const layers = {
  'lenet-c1': convLayer([1, 28, 28], 6, [5, 5]),
  'lenet-c2': convLayer([6, 14, 14], 16, [5, 6], [2, 1]),
  'vgg-c1': convLayer([3, 32, 32], 32, [3, 3]),
  'vgg-c2': convLayer([32, 16, 16], 64, [3, 3]),
  'vgg-c3': convLayer([64, 8, 8], 64, [3, 3]),
};
// [label, options]: `padded` options go to planPaddedConv (src/lower/conv-padded.ts), the
// others to emitConvWith (src/lower/conv.ts).
const schedules = [
  ['padded', { padded: {} }],
  ['padded-150', { padded: { budget: 150 } }],
  ['p1-150', { padded: { budget: 150, maxPixels: 1 } }],
  ['split', { padded: false }],
];
const emitWith = (layer, ctx, options) => (options.padded
  ? ['forward', 'backward', 'grad'].map((pass) => emitPaddedPass('c', planPaddedConv(layer, pass, T, options.padded), ctx))
  : emitConvWith(layer, ctx, options));

const rnd = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);

for (const name of chosen) {
  const layer = layers[name];
  if (!layer) throw new Error(`unknown layer ${name}; one of ${Object.keys(layers).join(', ')}`);
  const { c: Cl, h: H, w: W } = layer.input;
  const Cr = layer.output.c;
  const { rows: M, cols: N } = layer.kernel;
  const x = rnd(T * Cl * H * W), y = new Float32Array(T * Cr * H * W), w = rnd(Cr * Cl * M * N);
  const dy = rnd(T * Cr * H * W), dx = new Float32Array(T * Cl * H * W), dw = new Float32Array(w.length);
  const flops = 2 * T * layer.macs;
  const cases = [];
  for (const [label, options] of schedules) {
    const sources = emitWith(layer, { dtype: 'f32', batch: T }, options);
    const k = loadKernels(sources);
    const run = { forward: () => k.c_forward(x, w, y), backward: () => k.c_backward(dy, w, dx), grad: () => k.c_grad(dy, x, dw) };
    for (const s of sources) cases.push({ label, pass: s.role, fn: run[s.role], schedule: s.schedule, gflops: [] });
  }
  for (const c of cases) { const t0 = cpuMs(); while (cpuMs() - t0 < 800) c.fn(); }
  for (let r = 0; r < rounds; r++)
    for (const c of cases) {
      let calls = 0;
      const start = cpuMs();
      let now = start;
      while (now - start < 250) { c.fn(); calls++; now = cpuMs(); }
      c.gflops.push((flops * calls) / ((now - start) / 1000) / 1e9);
    }
  console.log(`\n${name}: ${Cl}->${Cr} ${H}x${W}, ${M}x${N} kernel, batch ${T}; GFLOP/s, median of ${rounds} rounds [range]`);
  for (const pass of ['forward', 'backward', 'grad'])
    for (const c of cases.filter((c) => c.pass === pass)) {
      const g = [...c.gflops].sort((a, b) => a - b);
      const how = c.schedule.replace(/^[a-z]+: [^;]*; /, '').replace(/each sample's [a-z]+ map copied into an? /, '');
      console.log(`  ${pass.padEnd(8)} ${c.label.padEnd(11)} ${g[g.length >> 1].toFixed(2).padStart(5)} [${g[0].toFixed(2)}–${g[g.length - 1].toFixed(2)}]  ${how.slice(0, 120)}`);
    }
}
