// GFLOP/s of the WebAssembly full-layer kernels (src/wasm/kernels/full.ts) under several
// register blockings, beside the JS target's kernels (generated/js/lenet.js f1_*, f2_*) on the
// same shapes, batch 32. Cases are timed in alternating rounds (CPU time of this process,
// after a warm-up); the median of the rounds is printed with its range, so a busy shared
// machine moves all cases alike. Not a test: timings depend on the machine.
//
//   node bench/kernels/wasm-full.mjs [rounds] [shape,...] [relaxed|plain|both]
//   shapes: 784-120 120-84 84-10 120-10 (default: all; the JS target exists for 784-120 and 120-10)
//
// The emitters are compiled from src/ by lib.mjs (no build needed). Relaxed SIMD needs
// V8's flag on Node 20: it is set at run time.
import v8 from 'node:v8';
import { compileSources, cpuMs } from './lib.mjs';
import * as lenet from '../../generated/js/lenet.js';

const rounds = Number(process.argv[2] ?? 5);
const chosen = (process.argv[3] ?? '784-120,120-84,84-10,120-10').split(',');
const mode = process.argv[4] ?? 'both';
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

const load = compileSources(['src/wasm/kernels/full.ts', 'src/lower/wasm-full.ts', 'src/wasm/asm.ts', 'src/model/build.ts']);
const { emitFull } = await load('src/wasm/kernels/full.js');
const { defaultFullBlocking } = await load('src/lower/wasm-full.js');
const { Module } = await load('src/wasm/asm.js');
const { buildNetwork } = await load('src/model/build.js');

const T = 32;
const js = { '784-120': 'f1', '120-10': 'f2' };
// [TB or OB, OB or IV, U] per pass (see the header line of the output).
const blockings = [[2, 4, 1], [4, 2, 1], [3, 3, 1], [2, 3, 1], [3, 2, 1], [1, 4, 1], [4, 1, 1], [2, 2, 1], [4, 3, 1], [2, 4, 2]];
const fwd = blockings, bwd = blockings, grd = blockings;
const d = defaultFullBlocking;
const isDefault = (pass, b) => {
  const x = pass === 'forward' ? d.fwd : pass === 'backward' ? d.bwd : d.grad;
  return Object.values(x).join(',') === b.join(',');
};

const rnd = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 0.5);

for (const shape of chosen) {
  const [K, O] = shape.split('-').map(Number);
  const layer = buildNetwork({ name: 'b', batch: T, input: [K, 1, 1], layers: [{ op: 'full', name: 'f', out: O }] }).layers[0];
  const flops = 2 * T * K * O;
  const sizes = { x: T * K, w: O * K, y: T * O, dy: T * O, dx: T * K, dw: O * K };
  const at = {};
  let top = 64;
  for (const [k, n] of Object.entries(sizes)) { at[k] = top; top += Math.ceil((4 * n + 64) / 64) * 64; }
  const m = new Module().memory(Math.ceil(top / 65536));
  const cases = [];
  const variants = mode === 'both' ? [false, true] : [mode === 'relaxed'];
  let id = 0;
  for (const relaxed of variants) {
    for (const [pass, list] of [['forward', fwd], ['backward', bwd], ['grad', grd]]) {
      for (const b of list) {
        const blocking = { fwd: { tb: b[0], ob: b[1], u: b[2] }, bwd: { tb: b[0], iv: b[1], u: b[2] }, grad: { ob: b[0], iv: b[1], u: b[2] } };
        const name = `k${id++}`;
        m.add(emitFull(layer, pass, name, at, { batch: T, relaxed }, blocking).func, name);
        cases.push({ label: `wasm${relaxed ? '-relaxed' : ''} ${b.join('×')}${isDefault(pass, b) ? '*' : ''}`, pass, name, gflops: [] });
      }
    }
  }
  const inst = new WebAssembly.Instance(new WebAssembly.Module(m.toBytes()));
  const mem = inst.exports.memory.buffer;
  const view = (k) => new Float32Array(mem, at[k], sizes[k]);
  view('x').set(rnd(sizes.x, 1)); view('w').set(rnd(sizes.w, 2)); view('dy').set(rnd(sizes.dy, 3));
  for (const c of cases) c.fn = inst.exports[c.name];
  if (js[shape]) {
    const f = js[shape];
    const x = rnd(sizes.x, 1), w = rnd(sizes.w, 2), dy = rnd(sizes.dy, 3);
    const y = new Float32Array(sizes.y), dx = new Float32Array(sizes.dx), dw = new Float32Array(sizes.dw);
    cases.push({ label: 'js', pass: 'forward', fn: () => lenet[`${f}_forward`](x, w, y), gflops: [] });
    cases.push({ label: 'js', pass: 'backward', fn: () => lenet[`${f}_backward`](dy, w, dx), gflops: [] });
    cases.push({ label: 'js', pass: 'grad', fn: () => lenet[`${f}_grad`](dy, x, dw), gflops: [] });
  }
  for (const c of cases) { const t0 = cpuMs(); while (cpuMs() - t0 < 150) c.fn(); }
  for (let r = 0; r < rounds; r++)
    for (const c of cases) {
      let calls = 0;
      const start = cpuMs();
      let now = start;
      while (now - start < 120) { c.fn(); calls++; now = cpuMs(); }
      c.gflops.push((flops * calls) / ((now - start) / 1000) / 1e9);
    }
  console.log(`\nfull ${K}->${O}, batch ${T}; GFLOP/s, median of ${rounds} rounds [range]; blocking forward TB×OB×U, backward TB×IV×U, grad OB×IV×U; * = default`);
  for (const pass of ['forward', 'backward', 'grad'])
    for (const c of cases.filter((c) => c.pass === pass)) {
      const g = [...c.gflops].sort((a, b) => a - b);
      console.log(`  ${pass.padEnd(8)} ${c.label.padEnd(22)} ${g[g.length >> 1].toFixed(2).padStart(6)} [${g[0].toFixed(2)}–${g[g.length - 1].toFixed(2)}]`);
    }
}
