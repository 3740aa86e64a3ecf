// Times the WebAssembly relu, pool and bn kernels (src/wasm/kernels/{relu,pool,bn}.ts)
// against the JS target's kernels of generated/js/lenet.js on LeNet's shapes at batch 32:
// relu1 (6x28x28), p1 (2x2 stride 2 over 6x28x28), n2 (position mode over 16x14x14),
// plus a channel-mode bn on n2's shape. Each case is timed in alternating rounds (CPU time
// of this process after a warm-up; the median of the rounds with its range), so a busy
// shared machine moves both alike. Not a test: timings depend on the machine.
//
//   node bench/kernels/wasm-misc.mjs [rounds]
//
// The emitters are compiled from src/ by lib.mjs (no build needed).
import { compileSources, cpuMs } from './lib.mjs';
import * as js from '../../generated/js/lenet.js';

const rounds = Number(process.argv[2] ?? 9);
const load = compileSources(['src/wasm/kernels/relu.ts', 'src/wasm/kernels/pool.ts', 'src/wasm/kernels/bn.ts', 'src/wasm/asm.ts', 'src/model/build.ts']);
const { wasmRelu } = await load('src/wasm/kernels/relu.js');
const { wasmPool } = await load('src/wasm/kernels/pool.js');
const { wasmBn } = await load('src/wasm/kernels/bn.js');
const { Module } = await load('src/wasm/asm.js');
const { buildNetwork } = await load('src/model/build.js');

const T = 32;
const net = buildNetwork({
  name: 'b', batch: T, input: [6, 28, 28],
  layers: [{ op: 'relu', name: 'relu1' }, { op: 'pool', name: 'p1', size: [2, 2], stride: [2, 2] }],
});
const [relu1, p1] = net.layers;
const bnOf = (mode) => buildNetwork({ name: 'b', batch: T, input: [16, 14, 14], layers: [{ op: 'bn', name: 'n2', mode }] }).layers[0];
const n2 = bnOf('position'), n2c = bnOf('channel');

// Buffers in wasm memory (16-byte aligned, 64 bytes apart).
const sizes = {
  rx: T * 6 * 28 * 28, ry: T * 6 * 28 * 28, rdy: T * 6 * 28 * 28, rdx: T * 6 * 28 * 28,
  py: T * 6 * 14 * 14, ppath: T * 6 * 14 * 14, pdy: T * 6 * 14 * 14,
  bx: T * 3136, by: T * 3136, bxhat: T * 3136, bdy: T * 3136, bdx: T * 3136,
  gamma: 3136, beta: 3136, rm: 3136, rv: 3136, inv: 3136, dgamma: 3136, dbeta: 3136,
};
const at = {};
let o = 64;
for (const [k, n] of Object.entries(sizes)) { at[k] = o; o += Math.ceil((4 * n + 64) / 16) * 16; }
const pages = Math.ceil(o / 65536);

const ctx = { batch: T, relaxed: false };
const kernels = [
  wasmRelu.emit(relu1, 'forward', 'relu_forward', { x: at.rx, y: at.ry }, ctx),
  wasmRelu.emit(relu1, 'backward', 'relu_backward', { x: at.rx, dy: at.rdy, dx: at.rdx }, ctx),
  wasmPool.emit(p1, 'forward', 'pool_forward', { x: at.ry, y: at.py }, ctx),
  wasmPool.emit(p1, 'path', 'pool_path', { x: at.ry, y: at.py, path: at.ppath }, ctx),
  wasmPool.emit(p1, 'backward', 'pool_backward', { dy: at.pdy, path: at.ppath, dx: at.rdx }, ctx),
];
const bnAt = { x: at.bx, gamma: at.gamma, beta: at.beta, runningMean: at.rm, runningVar: at.rv, y: at.by, xhat: at.bxhat, invStd: at.inv, dy: at.bdy, dx: at.bdx, dgamma: at.dgamma, dbeta: at.dbeta };
for (const [layer, tag] of [[n2, 'bn'], [n2c, 'bnc']])
  for (const role of ['forward', 'infer', 'backward']) kernels.push(wasmBn.emit(layer, role, `${tag}_${role}`, bnAt, ctx));
const m = new Module().memory(pages);
for (const k of kernels) m.add(k.func, k.func.name);
const bytes = m.toBytes();
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
const w = inst.exports;
const mem = w.memory.buffer;
const view = (k) => new Float32Array(mem, at[k], sizes[k]);
const fill = (a, f) => { for (let i = 0; i < a.length; i++) a[i] = f(i); };
fill(view('rx'), (i) => Math.sin(i * 12.9898));
fill(view('rdy'), (i) => Math.cos(i * 7.1));
fill(view('pdy'), (i) => Math.cos(i * 3.3));
fill(view('bx'), (i) => Math.sin(i * 1.7) * 2 + 0.5);
fill(view('bdy'), (i) => Math.cos(i * 0.37));
fill(view('gamma'), () => 1); fill(view('rv'), () => 1);
w.relu_forward(); w.pool_path();
const ppath = new Int32Array(mem, at.ppath, sizes.ppath);

// JS kernels on their own arrays (copies of the same data).
const J = Object.fromEntries(Object.keys(sizes).map((k) => [k, view(k).slice()]));
J.ppath = Int32Array.from(ppath);

const cases = [
  ['relu forward', () => js.relu1_forward(J.rx, J.ry), () => w.relu_forward()],
  ['relu backward', () => js.relu1_backward(J.rx, J.rdy, J.rdx), () => w.relu_backward()],
  ['pool forward', () => js.p1_forward(J.ry, J.py), () => w.pool_forward()],
  ['pool path', () => js.p1_path(J.ry, J.py, J.ppath), () => w.pool_path()],
  ['pool backward', () => js.p1_backward(J.pdy, J.ppath, J.rdx), () => w.pool_backward()],
  ['bn forward', () => js.n2_forward(J.bx, J.gamma, J.beta, J.rm, J.rv, J.by, J.bxhat, J.inv), () => w.bn_forward()],
  ['bn infer', () => js.n2_infer(J.bx, J.gamma, J.beta, J.rm, J.rv, J.by, J.bxhat, J.inv), () => w.bn_infer()],
  ['bn backward', () => js.n2_backward(J.bdy, J.bxhat, J.inv, J.gamma, J.bdx, J.dgamma, J.dbeta, true), () => w.bn_backward(1)],
  ['bn backward (infer)', () => js.n2_backward(J.bdy, J.bxhat, J.inv, J.gamma, J.bdx, J.dgamma, J.dbeta, false), () => w.bn_backward(0)],
  ['bn channel forward', null, () => w.bnc_forward()],
  ['bn channel infer', null, () => w.bnc_infer()],
  ['bn channel backward', null, () => w.bnc_backward(1)],
];

// Agreement first, on identical inputs: each JS kernel and its wasm kernel once, then the
// elements whose float32 bits differ (NaN payloads aside) in what they write.
const writes = {
  'relu forward': ['ry'], 'relu backward': ['rdx'], 'pool forward': ['py'], 'pool path': ['py', 'ppath'], 'pool backward': ['rdx'],
  'bn forward': ['by', 'bxhat', 'inv', 'rm', 'rv'], 'bn infer': ['by', 'bxhat', 'inv'],
  'bn backward': ['bdx', 'dgamma', 'dbeta'], 'bn backward (infer)': ['bdx', 'dgamma', 'dbeta'],
};
const agreement = {};
for (const [name, a, b] of cases) {
  if (!a) continue;
  a(); b();
  agreement[name] = writes[name].map((k) => {
    const x = J[k], y = k === 'ppath' ? ppath : view(k);
    let d = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i]) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) d++;
    return `${k} ${d}`;
  }).join(', ');
}

/** Milliseconds per call: enough calls for ~20 ms of CPU. */
function time(fn) {
  let reps = 1;
  for (;;) {
    const t0 = cpuMs();
    for (let r = 0; r < reps; r++) fn();
    const dt = cpuMs() - t0;
    if (dt > 20) return dt / reps;
    reps *= dt < 2 ? 8 : 2;
  }
}

const results = cases.map(([name, a, b]) => ({ name, js: [], wasm: [], a, b }));
for (const c of results) { if (c.a) time(c.a); time(c.b); } // warm-up (tier-up)
for (let r = 0; r < rounds; r++)
  for (const c of results) {
    if (c.a) c.js.push(time(c.a));
    c.wasm.push(time(c.b));
  }
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const fmt = (a) => (a.length ? `${med(a).toFixed(3)} ms [${Math.min(...a).toFixed(3)}-${Math.max(...a).toFixed(3)}]` : '-');
console.log(`LeNet shapes, T = ${T}, ${rounds} rounds (median [range], CPU ms per call); wasm module ${bytes.length} bytes`);
console.log(`${'kernel'.padEnd(22)} ${'JS (generated/js/lenet.js)'.padEnd(28)} ${'wasm'.padEnd(28)} speed-up`);
for (const c of results) {
  const s = c.js.length ? `${(med(c.js) / med(c.wasm)).toFixed(1)}x` : '';
  console.log(`${c.name.padEnd(22)} ${fmt(c.js).padEnd(28)} ${fmt(c.wasm).padEnd(28)} ${s}`);
}
console.log('elements differing from the JS kernel\'s bit for bit, on the same inputs:');
for (const [name, a] of Object.entries(agreement)) console.log(`  ${name.padEnd(20)} ${a}`);
for (const k of kernels) console.log(`  ${k.func.name}: ${k.schedule}`);
