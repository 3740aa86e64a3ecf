// The WebAssembly batch-norm kernels (src/wasm/kernels/bn.ts) against the interpreter, in
// position and channel mode, for random shapes (positions and run lengths of every
// remainder mod 4 and mod the position block, 1x1 maps, T = 1..5, and a batch above the
// unrolled limit), eps and momentum: forward (training: y, xhat, invStd and the updated
// running statistics), infer, and backward in both `training` settings (dgamma and dbeta
// ADDED to 0.5, dx written). Tolerance as the generated tests (1e-3 relative with the m/100
// floor; dx with the f32 generated tests' 1e-3 absolute as well, for lines whose gradient is
// all cancellation). Outputs start as NaN and guard bytes must survive. No relaxed
// instruction is used: both ctx.relaxed variants run without a flag.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bnBackward, bnForward } from '../src/interp/ops/bn.js';
import type { BnLayer } from '../src/model/checked.js';
import { buildNetwork } from '../src/model/build.js';
import { mulberry32 } from '../src/model/init.js';
import { wasmBn } from '../src/wasm/kernels/bn.js';
import { closeTo } from './helpers/compare.js';
import { instantiate, layoutBuffers } from './helpers/wasm-kernel.js';

interface Case { T: number; C: number; H: number; W: number; mode: 'position' | 'channel'; eps: number; momentum: number; seed: number; relaxed: boolean; offset: number }

function bnLayer(c: Case): BnLayer {
  const net = buildNetwork({ name: 'n', batch: c.T, input: [c.C, c.H, c.W], layers: [{ op: 'bn', name: 'b', mode: c.mode, eps: c.eps, momentum: c.momentum }] });
  return net.layers[0] as BnLayer;
}

function rand(n: number, rnd: () => number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rnd());
}

type Io = Record<string, Float32Array>;

/** Runs one role; `outs` are written (prefilled NaN unless given in `inouts`); other bytes must not change. */
function run(layer: BnLayer, c: Case, role: 'forward' | 'infer' | 'backward', ins: Io, inouts: Io, outs: Record<string, number>, training = 0): Io {
  const sizes: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...ins, ...inouts })) sizes[k] = v.length;
  Object.assign(sizes, outs);
  const buffers = layoutBuffers(sizes);
  const k = wasmBn.emit(layer, role, 'k', buffers.at, { batch: c.T, relaxed: c.relaxed });
  const inst = instantiate([{ func: k.func }], buffers);
  const bytes = new Uint8Array(inst.memory.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 29 + 3) & 0xff;
  for (const [name, v] of Object.entries({ ...ins, ...inouts })) inst.f32(name, v.length).set(v);
  for (const [name, n] of Object.entries(outs)) inst.f32(name, n).fill(NaN);
  const before = bytes.slice();
  if (role === 'backward') inst.exports.k(training); else inst.exports.k();
  const written = [...Object.entries(outs), ...Object.entries(inouts).map(([k, v]) => [k, v.length] as const)];
  const ranges = written.map(([name, n]) => [buffers.at[name], buffers.at[name] + 4 * n]);
  const mayChange = new Uint8Array(bytes.length);
  for (const [lo, hi] of ranges) mayChange.fill(1, lo, hi);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== before[i] && !mayChange[i]) throw new Error(`${role}: byte ${i} outside the outputs changed`);
  }
  const out: Io = {};
  for (const [name, n] of written) out[name] = inst.f32(name, n).slice();
  return out;
}

function ok(name: string, r: string | null): void {
  expect(r, name).toBeNull();
}

function check(c: Case, training: boolean): void {
  const layer = bnLayer(c);
  const n = c.T * c.C * c.H * c.W;
  const G = c.mode === 'position' ? c.C * c.H * c.W : c.C;
  const rnd = mulberry32(c.seed);
  const x = rand(n, rnd, c.offset - 2, c.offset + 2);
  const gamma = rand(G, rnd, 0.5, 1.5), beta = rand(G, rnd, -1, 1);
  const runningMean = rand(G, rnd, -1, 1), runningVar = rand(G, rnd, 0.5, 2);
  const dy = rand(n, rnd, -1, 1);
  const p = { gamma: Float64Array.from(gamma), beta: Float64Array.from(beta), runningMean: Float64Array.from(runningMean), runningVar: Float64Array.from(runningVar) };
  const want = bnForward(layer, c.T, Float64Array.from(x), p, training);
  const ins = { x, gamma, beta };
  const fwd = training
    ? run(layer, c, 'forward', ins, { runningMean, runningVar }, { y: n, xhat: n, invStd: G })
    : run(layer, c, 'infer', { ...ins, runningMean, runningVar }, {}, { y: n, xhat: n, invStd: G });
  ok('y', closeTo(fwd.y, want.y, 1e-3));
  ok('xhat', closeTo(fwd.xhat, want.cache.xhat, 1e-3));
  ok('invStd', closeTo(fwd.invStd, want.cache.variance.map((v) => 1 / Math.sqrt(v + layer.eps)), 1e-3));
  ok('runningMean', closeTo(fwd.runningMean ?? runningMean, p.runningMean, 1e-3));
  ok('runningVar', closeTo(fwd.runningVar ?? runningVar, p.runningVar, 1e-3));
  const bw = bnBackward(layer, c.T, Float64Array.from(dy), want.cache, p.gamma);
  const half = (k: number) => new Float32Array(k).fill(0.5);
  const b = run(layer, c, 'backward', { dy, xhat: fwd.xhat, invStd: fwd.invStd, gamma }, { dgamma: half(G), dbeta: half(G) }, { dx: n }, training ? 1 : 0);
  ok('dx', closeTo(b.dx, bw.dx, 1e-3, 1e-3));
  ok('dgamma', closeTo(b.dgamma, bw.dgamma.map((v) => v + 0.5), 1e-3));
  ok('dbeta', closeTo(b.dbeta, bw.dbeta.map((v) => v + 0.5), 1e-3));
}

const cases = fc.record({
  T: fc.integer({ min: 1, max: 5 }), C: fc.integer({ min: 1, max: 4 }),
  H: fc.integer({ min: 1, max: 7 }), W: fc.integer({ min: 1, max: 7 }),
  mode: fc.constantFrom<'position' | 'channel'>('position', 'channel'),
  eps: fc.constantFrom(1e-5, 1e-3, 0.1), momentum: fc.constantFrom(0.1, 0.05, 0.5, 1),
  seed: fc.integer({ min: 0, max: 1e9 }), relaxed: fc.boolean(), offset: fc.constantFrom(0, 0, 3, -50),
});

describe('wasm bn kernels', () => {
  it('training forward and backward agree with the interpreter', () => {
    fc.assert(fc.property(cases, (c) => check(c, true)), { numRuns: 120 });
  });

  it('inference forward and backward (μ, σ² constants) agree with the interpreter', () => {
    fc.assert(fc.property(cases, (c) => check(c, false)), { numRuns: 80 });
  });

  it('LeNet n2 shape (position mode, T = 32), channel mode at T = 32, and a batch beyond the unrolled loop', () => {
    for (const training of [true, false]) {
      check({ T: 32, C: 16, H: 14, W: 14, mode: 'position', eps: 1e-5, momentum: 0.1, seed: 3, relaxed: false, offset: 1 }, training);
      check({ T: 32, C: 3, H: 7, W: 9, mode: 'channel', eps: 1e-3, momentum: 0.05, seed: 4, relaxed: true, offset: 1 }, training);
      check({ T: 37, C: 1, H: 3, W: 5, mode: 'position', eps: 1e-5, momentum: 0.1, seed: 5, relaxed: false, offset: 0 }, training);
    }
    const k = wasmBn.emit(bnLayer({ T: 32, C: 16, H: 14, W: 14, mode: 'position', eps: 1e-5, momentum: 0.1, seed: 0, relaxed: false, offset: 0 }), 'backward', 'k',
      { dy: 64, xhat: 64, invStd: 64, gamma: 64, dx: 64, dgamma: 64, dbeta: 64 }, { batch: 32, relaxed: false });
    expect(k.func.params).toEqual([['training', 'i32']]);
    expect(k.schedule).toMatch(/position mode: 3136 lines of 32 values/);
  });

  it('NaN and Infinity propagate: a NaN in x poisons its line only', () => {
    for (const mode of ['position', 'channel'] as const) {
      const c: Case = { T: 3, C: 2, H: 1, W: 3, mode, eps: 1e-5, momentum: 0.1, seed: 0, relaxed: false, offset: 0 };
      const layer = bnLayer(c);
      const n = 18, G = mode === 'position' ? 6 : 2;
      const x = Float32Array.from({ length: n }, (_, i) => (i * 7) % 5);
      x[0] = NaN; // sample 0, channel 0, position 0
      const one = () => new Float32Array(G).fill(1), nul = () => new Float32Array(G);
      const out = run(layer, c, 'forward', { x, gamma: one(), beta: nul() }, { runningMean: nul(), runningVar: one() }, { y: n, xhat: n, invStd: G });
      const p = { gamma: Float64Array.from(one()), beta: Float64Array.from(nul()), runningMean: Float64Array.from(nul()), runningVar: Float64Array.from(one()) };
      const want = bnForward(layer, 3, Float64Array.from(x), p, true);
      for (let e = 0; e < n; e++) expect(Number.isNaN(out.y[e]), `${mode} y[${e}]`).toBe(Number.isNaN(want.y[e]));
      for (let g = 0; g < G; g++) expect(Number.isNaN(out.runningMean[g])).toBe(Number.isNaN(p.runningMean[g]));
      const inf = Float32Array.from(x); inf[0] = Infinity;
      const o2 = run(layer, c, 'forward', { x: inf, gamma: one(), beta: nul() }, { runningMean: nul(), runningVar: one() }, { y: n, xhat: n, invStd: G });
      const p2 = { gamma: Float64Array.from(one()), beta: Float64Array.from(nul()), runningMean: Float64Array.from(nul()), runningVar: Float64Array.from(one()) };
      const w2 = bnForward(layer, 3, Float64Array.from(inf), p2, true);
      for (let e = 0; e < n; e++) expect(Object.is(o2.y[e], Math.fround(w2.y[e])) || (Number.isNaN(o2.y[e]) && Number.isNaN(w2.y[e])) || Math.abs(o2.y[e] - w2.y[e]) < 1e-3, `${mode} inf y[${e}]`).toBe(true);
    }
  });

  it('emits no relaxed instruction, so ctx.relaxed needs no flag and changes nothing', () => {
    const layer = bnLayer({ T: 2, C: 3, H: 5, W: 7, mode: 'position', eps: 1e-5, momentum: 0.1, seed: 0, relaxed: false, offset: 0 });
    const at = new Proxy({}, { get: () => 64 });
    for (const role of wasmBn.roles) {
      const ops = (relaxed: boolean) => wasmBn.emit(layer, role, 'k', at, { batch: 2, relaxed }).func.body.map((i) => `${i.op} ${i.args.join(' ')}`);
      expect(ops(true).some((o) => o.includes('relaxed'))).toBe(false);
      expect(ops(true)).toEqual(ops(false));
    }
  });
});
