// The WebAssembly softmax kernels (src/wasm/kernels/softmax.ts) and their exp/log helpers.
// The helpers against Math.exp / Math.log over the whole float64 range that matters
// (float32 accuracy and beyond, special values, underflow and overflow); the kernels against
// the interpreter (float64) on random rows of any length, one-hot and soft labels, with
// NaN and ±Infinity in the inputs; and against the JS target's float64 formulas (written out
// here from generated/lenet.ts), which they must match to within one float32 ulp.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { softmaxBackward, softmaxCrossEntropy, softmaxForward } from '../src/interp/ops/softmax.js';
import type { SoftmaxLayer } from '../src/model/checked.js';
import { buildNetwork } from '../src/model/build.js';
import { mulberry32 } from '../src/model/init.js';
import { Module } from '../src/wasm/asm.js';
import { emitExp, emitLog, wasmSoftmax } from '../src/wasm/kernels/softmax.js';
import { agree, f64, randomValues, runKernel, watRoundTrip } from './helpers/wasm-fc-check.js';

function softmaxLayer(T: number, K: number): SoftmaxLayer {
  const net = buildNetwork({ name: 'n', batch: T, input: [K, 1, 1], layers: [{ op: 'softmax', name: 's' }] });
  return net.layers[0] as SoftmaxLayer;
}

function helpers(): { exp: (x: number) => number; log: (x: number) => number } {
  const m = new Module().add(emitExp('e$exp'), 'exp').add(emitLog('e$log'), 'log');
  const inst = new WebAssembly.Instance(new WebAssembly.Module(m.toBytes()));
  return inst.exports as unknown as { exp: (x: number) => number; log: (x: number) => number };
}

const bits32 = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0];
/** Distance in float32 ulps (both finite or equal). */
const ulps32 = (a: number, b: number) => (Object.is(Math.fround(a), Math.fround(b)) ? 0 : Math.abs(bits32(a) - bits32(b)));

describe('wasm exp and log helpers', () => {
  const { exp, log } = helpers();

  it('exp: within 2 float64 ulps of Math.exp on [−708, 709], so within 2e-7 and 1 float32 ulp on [−87, 88]', () => {
    const rnd = mulberry32(7);
    let worst = 0, worst32 = 0, bad = '';
    for (let i = 0; i < 200_000; i++) {
      const x = i < 100_000 ? -87 + 175 * rnd() : -708 + 1417 * rnd();
      const a = exp(x), b = Math.exp(x);
      worst = Math.max(worst, Math.abs(a - b) / b);
      if (x >= -87 && x <= 88) {
        worst32 = Math.max(worst32, Math.abs(Math.fround(a) - b) / b);
        if (ulps32(a, b) > 1) bad ||= `x=${x}: ${a} vs ${b}`;
      }
    }
    expect(bad).toBe('');
    expect(worst32).toBeLessThanOrEqual(2e-7);
    expect(worst).toBeLessThan(4.5e-16);
  });

  it('exp: float32 underflow, denormals and overflow as Math.fround(Math.exp(x)), within 1 ulp', () => {
    const rnd = mulberry32(8);
    let bad = '';
    for (let i = 0; i < 50_000; i++) {
      const x = i % 2 ? -110 + 24 * rnd() : 87 + 2 * rnd();
      if (ulps32(exp(x), Math.exp(x)) > 1) bad ||= `x=${x}: ${exp(x)} vs ${Math.exp(x)}`;
    }
    expect(bad).toBe('');
    for (const x of [-103.97, -103.28, -88.72, 88.72, 88.73, 89, 100, 709.78, -745, -745.2, -800, 0, -0, 1, -1, 1e-300, -1e-300]) {
      const a = exp(x), b = Math.exp(x);
      expect(Math.abs(a - b) <= 4.5e-16 * b || (b < 1e-300 && a < 1e-300), `x=${x}: ${a} vs ${b}`).toBe(true);
    }
    expect(exp(0)).toBe(1);
    expect(exp(710)).toBe(Infinity);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(-1e300)).toBe(0);
    expect(exp(NaN)).toBeNaN();
  });

  it('log: within 2 float64 ulps of Math.log from subnormals to the largest double; special values', () => {
    const rnd = mulberry32(9);
    let bad = '';
    for (let i = 0; i < 200_000; i++) {
      const x = i < 50_000 ? 0.5 + 1.5 * rnd() : 2 ** (-1074 + 2098 * rnd()) * (1 + rnd());
      if (!Number.isFinite(x)) continue;
      const a = log(x), b = Math.log(x);
      const err = Math.abs(a - b);
      if (!(err <= 4.5e-16 * Math.abs(b) || err <= 1e-300)) bad ||= `x=${x}: ${a} vs ${b}`;
    }
    expect(bad).toBe('');
    for (const x of [1, 2, 0.5, Math.SQRT2, Math.SQRT1_2, 10, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1 + 2 ** -52, 1 - 2 ** -53]) {
      const a = log(x), b = Math.log(x);
      expect(Math.abs(a - b) <= 4.5e-16 * Math.abs(b), `x=${x}: ${a} vs ${b}`).toBe(true);
    }
    expect(log(1)).toBe(0);
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(Infinity)).toBe(Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(-Infinity)).toBeNaN();
    expect(log(NaN)).toBeNaN();
  });
});

// The JS target's kernels (generated/lenet.ts softmax1_*), float64 with float32 storage.
function jsForward(T: number, K: number, x: Float32Array): Float32Array {
  const y = new Float32Array(T * K);
  for (let o = 0; o < T * K; o += K) {
    let m = x[o];
    for (let k = 1; k < K; k++) if (x[o + k] > m) m = x[o + k];
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(x[o + k] - m);
    for (let k = 0; k < K; k++) y[o + k] = Math.exp(x[o + k] - m) / s;
  }
  return y;
}

function jsLoss(T: number, K: number, x: Float32Array, y: Float32Array, z: Float32Array, dx: Float32Array): number {
  let loss = 0;
  for (let o = 0; o < T * K; o += K) {
    let m = x[o];
    for (let k = 1; k < K; k++) if (x[o + k] > m) m = x[o + k];
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(x[o + k] - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < K; k++) {
      const zk = z[o + k];
      dx[o + k] = y[o + k] - zk;
      if (zk !== 0) loss -= zk * (x[o + k] - lse);
    }
  }
  return loss;
}

function labels(T: number, K: number, seed: number, soft: boolean): Float32Array {
  const rnd = mulberry32(seed);
  const z = new Float32Array(T * K);
  for (let t = 0; t < T; t++) {
    if (!soft) { z[t * K + Math.floor(rnd() * K)] = 1; continue; }
    let s = 0;
    for (let k = 0; k < K; k++) s += (z[t * K + k] = rnd() < 0.3 ? 0 : rnd());
    for (let k = 0; k < K; k++) z[t * K + k] = s > 0 ? z[t * K + k] / s : 1 / K;
  }
  return z;
}

const cases = fc.record({
  T: fc.integer({ min: 1, max: 5 }),
  K: fc.integer({ min: 1, max: 13 }),
  scale: fc.constantFrom(0.5, 4, 30, 200, 1e30),
  soft: fc.boolean(),
  relaxed: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

type Case = { T: number; K: number; scale: number; soft: boolean; relaxed: boolean; seed: number };

function check(c: Case, poison?: (x: Float32Array, dy: Float32Array) => void): void {
  const { T, K } = c;
  const layer = softmaxLayer(T, K);
  const ctx = { batch: T, relaxed: c.relaxed };
  const x = randomValues(T * K, c.seed, c.scale), dy = randomValues(T * K, c.seed + 1);
  const z = labels(T, K, c.seed + 2, c.soft);
  poison?.(x, dy);
  const where = JSON.stringify(c);

  const fwd = runKernel((at) => wasmSoftmax.emit(layer, 'forward', 'k', at, ctx), { x }, { y: { n: T * K, init: NaN } });
  const yI = softmaxForward(T, K, f64(x));
  expect(agree(fwd.outputs.y, yI), `forward ${where}`).toBeNull();
  const yJ = jsForward(T, K, x);
  for (let i = 0; i < T * K; i++) {
    if (Number.isNaN(yJ[i])) expect(fwd.outputs.y[i]).toBeNaN();
    else expect(ulps32(fwd.outputs.y[i], yJ[i]), `forward vs JS [${i}] ${where}`).toBeLessThanOrEqual(1);
  }

  const y = Float32Array.from(yI);
  const ls = runKernel((at) => wasmSoftmax.emit(layer, 'loss', 'k', at, ctx), { x, y, z }, { dx: { n: T * K, init: NaN } });
  const ref = softmaxCrossEntropy(T, K, f64(x), f64(z));
  expect(agree(ls.outputs.dx, f64(y).map((v, i) => v - z[i])), `loss dx ${where}`).toBeNull();
  // J cancels (x − lse ≈ 0 for a confident row): a floor proportional to the x's involved.
  const floor = 1e-14 * x.reduce((a, v) => a + (Number.isFinite(v) ? Math.abs(v) : 0), 1);
  const near = (a: number, b: number, tol: number) =>
    Number.isNaN(b) ? Number.isNaN(a) : !Number.isFinite(b) ? a === b : Math.abs(a - b) <= tol * Math.abs(b) + floor;
  expect(near(ls.result, ref.loss, 1e-6), `loss J ${ls.result} vs ${ref.loss}, ${where}`).toBe(true);
  const dxJ = new Float32Array(T * K);
  const jJ = jsLoss(T, K, x, y, z, dxJ);
  expect(near(ls.result, jJ, 1e-12), `loss J ${ls.result} vs JS ${jJ}, ${where}`).toBe(true);
  for (let i = 0; i < T * K; i++) expect(Object.is(ls.outputs.dx[i], dxJ[i]) || (Number.isNaN(dxJ[i]) && Number.isNaN(ls.outputs.dx[i]))).toBe(true);

  const bwd = runKernel((at) => wasmSoftmax.emit(layer, 'backward', 'k', at, ctx), { y, dy }, { dx: { n: T * K, init: NaN } });
  expect(agree(bwd.outputs.dx, softmaxBackward(T, K, f64(y), f64(dy))), `backward ${where}`).toBeNull();
}

describe('wasm softmax kernels', () => {
  it('agree with the interpreter and the JS target on random rows and labels', () => {
    fc.assert(fc.property(cases, (c) => check(c)), { numRuns: 150 });
  });

  it('propagate NaN and ±Infinity as the interpreter does', () => {
    fc.assert(fc.property(cases, fc.integer({ min: 0, max: 1 << 30 }), (c, r) => {
      check(c, (x, dy) => {
        const specials = [NaN, Infinity, -Infinity, -Infinity];
        x[r % x.length] = specials[r % 4];
        if (r % 3 === 0) x[(r >> 3) % x.length] = -Infinity;
        if (r % 5 === 0) dy[(r >> 5) % dy.length] = specials[(r >> 2) % 3];
      });
    }), { numRuns: 100 });
  });

  it('computes the LeNet shape (32 rows of 10), one-hot labels', () => {
    check({ T: 32, K: 10, scale: 6, soft: false, relaxed: false, seed: 5 });
  });
});

describe('wasm softmax kernels as text', () => {
  it('print WAT that wabt assembles to the same bytes (with the exp and log helpers)', async () => {
    const layer = softmaxLayer(3, 7);
    const at = { x: 64, y: 256, z: 512, dx: 768, dy: 1024 };
    const funcs = (['forward', 'loss', 'backward'] as const).flatMap((role) => {
      const k = wasmSoftmax.emit(layer, role, role, at, { batch: 3, relaxed: false });
      return [k.func, ...(k.helpers ?? [])];
    });
    expect(await watRoundTrip(funcs)).toBeNull();
  });
});
