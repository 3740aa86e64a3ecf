// GFLOP/s (2 · multiply-adds / CPU time, median of interleaved rounds) of the WebAssembly
// conv kernels (src/wasm/kernels/conv.ts: forward, backward, grad; mul+add and relaxed
// madd) on LeNet's convs and VGG-like ones at batch 32, beside the JS target's kernels of
// the committed generated/js/lenet.js and generated/js/vgg.js on the same shapes.
// Not a test: timings depend on the machine. Times are CPU time of this process.
//
//   node bench/kernels/wasm-conv.mjs [rounds] [case,...] [--tune]
//   cases: lenet-c1 lenet-c2 vgg-c1 vgg-32x32 vgg-c2 vgg-c3 (default: all)
//   --tune: also time other register blockings / grad bands for each case
//   --muladd: tune the mul+add variant (default: relaxed madd)
//   --role=forward|backward|grad: only that role
//
// The emitter is compiled from src/ by lib.mjs (no build needed).
//
// Measured 2026-12-02 (2-core AMD EPYC Zen 4 shared with other jobs, Node 20.20, 7 rounds),
// GFLOP/s wasm mul+add / wasm relaxed / JS target:
//   lenet-c1   forward 46.8 / 46.6 / 6.0   backward 36.4 / 35.9 / 5.4   grad 41.5 / 42.6 / 5.1
//   lenet-c2   forward 44.6 / 40.9 / 5.9   backward 41.7 / 39.3 / 5.6   grad 35.2 / 28.8 / 4.7
//   vgg-32x32  forward 45.7 / 44.8        backward 44.0 / 42.9        grad 41.7 / 43.6
//   vgg-c2     forward 46.9 / 46.7 / 6.2   backward 27.9 / 35.5 / 4.4   grad 29.8 / 39.9 / 3.7
//   vgg-c3     forward 27.5 / 34.7 / 4.2   backward 47.8 / 45.2 / 5.9   grad 24.7 / 36.6 / 3.7
// (±20 % between runs on the busy machine.)
import v8 from 'node:v8';
import { compileSources, cpuMs } from './lib.mjs';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd'); // Node 20: relaxed SIMD is behind a flag

const args = process.argv.slice(2);
const tune = args.includes('--tune');
const tuneRelaxed = !args.includes('--muladd');
const onlyRole = args.find((a) => a.startsWith('--role='))?.slice(7);
const pos = args.filter((a) => !a.startsWith('--'));
const rounds = Number(pos[0] ?? 7);
const load = compileSources(['src/wasm/kernels/conv.ts', 'src/lower/wasm-conv.ts']);
const { emitConv } = await load('src/wasm/kernels/conv.js');
// The schedule the plan chooses (src/lower/wasm-conv.ts), unless a --tune variant overrides it.
const { planWasmConv } = await load('src/lower/wasm-conv.js');
const { Module } = await load('src/wasm/asm.js');
const lenet = await import('../../generated/js/lenet.js');
const vgg = await import('../../generated/js/vgg.js');

const T = 32;
function convLayer(Cl, Cr, H, W, M, N, m, n) {
  return {
    op: 'conv', name: 'c', index: 0, input: { c: Cl, h: H, w: W }, output: { c: Cr, h: H, w: W },
    params: [{ key: 'w', shape: [Cr, Cl, M, N], size: Cr * Cl * M * N, learnable: true, init: 'he', fanIn: Cl * M * N }],
    macs: Cr * Cl * M * N * H * W, loc: { line: 1, column: 1, offset: 0, length: 1 },
    kernel: { rows: M, cols: N }, anchor: { row: m, col: n },
  };
}
const cases = {
  'lenet-c1': { layer: convLayer(1, 6, 28, 28, 5, 5, 2, 2), js: { forward: lenet.c1_forward, backward: lenet.c1_backward, grad: lenet.c1_grad } },
  'lenet-c2': { layer: convLayer(6, 16, 14, 14, 5, 6, 2, 1), js: { forward: lenet.c2_forward, backward: lenet.c2_backward, grad: lenet.c2_grad } },
  'vgg-c1': { layer: convLayer(3, 32, 32, 32, 3, 3, 1, 1), js: { forward: vgg.c1_forward, backward: vgg.c1_backward, grad: vgg.c1_grad } },
  'vgg-32x32': { layer: convLayer(32, 32, 32, 32, 3, 3, 1, 1), js: null },
  'vgg-c2': { layer: convLayer(32, 64, 16, 16, 3, 3, 1, 1), js: { forward: vgg.c2_forward, backward: vgg.c2_backward, grad: vgg.c2_grad } },
  'vgg-c3': { layer: convLayer(64, 64, 8, 8, 3, 3, 1, 1), js: { forward: vgg.c3_forward, backward: vgg.c3_backward, grad: vgg.c3_grad } },
};
const chosen = pos[1] ? pos[1].split(',') : Object.keys(cases);

const io = { forward: ['x', 'w', 'y'], backward: ['dy', 'w', 'dx'], grad: ['dy', 'x', 'dw'] };

/** A runnable wasm kernel of one role with its buffers filled with random data. */
function wasmRunner(layer, role, relaxed, opt) {
  const x = T * layer.input.c * layer.input.h * layer.input.w;
  const y = T * layer.output.c * layer.output.h * layer.output.w;
  const w = layer.params[0].size;
  const sizes = role === 'forward' ? { x, w, y } : role === 'backward' ? { dy: y, w, dx: x } : { dy: y, x, dw: w };
  const ctx = { batch: T, relaxed };
  const planned = planWasmConv(layer, role, T);
  const scratch = planned.scratchBytes;
  const schedule = relaxed ? planned.relaxed : planned.plain;
  opt ??= role === 'grad' ? { grad: schedule } : { blocking: schedule };
  const at = {};
  let o = 64;
  for (const [k, n] of Object.entries({ ...sizes, scratch: scratch / 4 })) { at[k] = o; o += Math.ceil((4 * n + 64) / 64) * 64; }
  const kernel = emitConv(layer, role, 'k', at, ctx, opt);
  const bytes = new Module().memory(Math.ceil(o / 65536)).add(kernel.func, 'k').toBytes();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const mem = inst.exports.memory.buffer;
  for (const [k, n] of Object.entries(sizes)) {
    const v = new Float32Array(mem, at[k], n);
    for (let i = 0; i < n; i++) v[i] = Math.random() - 0.5;
  }
  return { run: inst.exports.k, schedule: kernel.schedule, bytes: bytes.length };
}

function jsRunner(layer, role, fn) {
  const x = T * layer.input.c * layer.input.h * layer.input.w;
  const y = T * layer.output.c * layer.output.h * layer.output.w;
  const w = layer.params[0].size;
  const r = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const [a, b, c] = role === 'forward' ? [r(x), r(w), r(y)] : role === 'backward' ? [r(y), r(w), r(x)] : [r(y), r(x), r(w)];
  return { run: () => fn(a, b, c) };
}

/** Median GFLOP/s of each runner over interleaved rounds of about `ms` CPU milliseconds. */
function time(runners, flops, ms = 150) {
  for (const r of runners) { const t0 = cpuMs(); while (cpuMs() - t0 < 300) r.run(); } // warm-up
  const rates = runners.map(() => []);
  for (let k = 0; k < rounds; k++) {
    runners.forEach((r, i) => {
      let n = 0;
      const t0 = cpuMs();
      let t1 = t0;
      while (t1 - t0 < ms) { r.run(); n++; t1 = cpuMs(); }
      rates[i].push((flops * n) / ((t1 - t0) * 1e6));
    });
  }
  return rates.map((v) => v.sort((a, b) => a - b)[v.length >> 1]);
}

const fmt = (x) => x.toFixed(1).padStart(6);
for (const name of chosen) {
  const { layer, js } = cases[name];
  const flops = 2 * T * layer.macs;
  console.log(`\n${name}: ${layer.input.c}->${layer.output.c} ${layer.kernel.rows}x${layer.kernel.cols} on ${layer.input.h}x${layer.input.w}, batch ${T}, ${(flops / 1e6).toFixed(1)} MFLOP per call`);
  for (const role of ['forward', 'backward', 'grad']) {
    if (onlyRole && role !== onlyRole) continue;
    const variants = [['wasm mul+add', wasmRunner(layer, role, false)], ['wasm relaxed', wasmRunner(layer, role, true)]];
    if (js) variants.push(['js', jsRunner(layer, role, js[role])]);
    if (tune) {
      const opts = role === 'grad'
        ? [[1, 3, 3], [2, 2, 2], [1, 2, 4], [1, 1, 5], [2, 1, 3], [1, 2, 3], [4, 1, 2], [3, 1, 3], [1, 3, 2], [2, 2, 1]].map(([kc, band, cols]) => ({ grad: { band, cols, kc, vLoop: true } }))
        : [[2, 1, 4], [4, 2, 1], [2, 2, 2], [2, 4, 1], [1, 1, 7], [4, 1, 2], [2, 1, 2]].flatMap((b) => [1, 2, 3].map((qUnroll) => [...b, qUnroll]))
          .map(([kb, ph, pv, qUnroll]) => ({ blocking: { kb, ph, pv, tapLoop: true, qUnroll } }));
      for (const o of opts) variants.push([`${tuneRelaxed ? 'relaxed' : 'mul+add'} ${JSON.stringify(o)}`, wasmRunner(layer, role, tuneRelaxed, o)]);
    }
    const rates = time(variants.map(([, r]) => r), flops);
    console.log(`  ${role}: ${variants[0][1].schedule.replace(/; (mul\+add|relaxed madd)$/, '')} (${variants[0][1].bytes} bytes)`);
    variants.forEach(([label], i) => console.log(`    ${label.padEnd(36)} ${fmt(rates[i])} GFLOP/s`));
  }
}
