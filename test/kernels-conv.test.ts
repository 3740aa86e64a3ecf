// Emitted conv kernels (forward, backward, grad) against the interpreter, for random
// shapes: kernels 1–6 on each axis, anchors −2..M+1 (exclave anchors included), maps
// smaller than the kernel, channels 1–9, batch 1–5, in float64 and float32.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitConv, emitConvWith } from '../src/emit/kernels/conv.js';
import { convBackward, convForward, convGrad } from '../src/interp/index.js';
import type { ConvScheduleOptions } from '../src/lower/conv.js';
import { planConvPass } from '../src/lower/conv.js';
import { planPaddedConv } from '../src/lower/conv-padded.js';
import { MAX_TERMS_PER_FUNCTION } from '../src/lower/budget.js';
import type { ConvLayer } from '../src/model/checked.js';
import { buildNetwork } from '../src/model/build.js';
import { mulberry32 } from '../src/model/init.js';
import { loadKernels } from './support/load-kernels.js';

interface Case { T: number; Cl: number; Cr: number; H: number; W: number; M: number; N: number; m: number; n: number; seed: number }

function convLayer(c: Case): ConvLayer {
  const net = buildNetwork({
    name: 'n', batch: c.T, input: [c.Cl, c.H, c.W],
    layers: [{ op: 'conv', name: 'c', out: c.Cr, kernel: [c.M, c.N], anchor: [c.m, c.n] }],
  });
  return net.layers[0] as ConvLayer;
}

function random(n: number, rnd: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rnd() * 2 - 1;
  return a;
}

/**
 * Asserts |got - want| ≤ rel · (Σ|terms| bound) element-wise. `scale[e]` bounds the sum of
 * absolute products that formed element e (inputs are in [-1, 1], so the count of terms).
 */
function expectClose(got: ArrayLike<number>, want: Float64Array, rel: number, scale: number): void {
  expect(got.length).toBe(want.length);
  for (let e = 0; e < want.length; e++) {
    const err = Math.abs(got[e] - want[e]);
    if (!(err <= rel * scale)) {
      throw new Error(`element ${e}: got ${got[e]}, want ${want[e]} (tolerance ${rel * scale})`);
    }
  }
}

function check(c: Case, dtype: 'f32' | 'f64', options?: Partial<ConvScheduleOptions>): void {
  const layer = convLayer(c);
  const ctx = { dtype, batch: c.T };
  const k = loadKernels(options ? emitConvWith(layer, ctx, options) : emitConv(layer, ctx), dtype);
  const Arr = dtype === 'f32' ? Float32Array : Float64Array;
  const rnd = mulberry32(c.seed);
  const nx = c.T * c.Cl * c.H * c.W;
  const ny = c.T * c.Cr * c.H * c.W;
  const nw = c.Cr * c.Cl * c.M * c.N;
  // Round the inputs to the dtype first so both sides see the same numbers.
  const x = Float64Array.from(Arr.from(random(nx, rnd)));
  const w = Float64Array.from(Arr.from(random(nw, rnd)));
  const dy = Float64Array.from(Arr.from(random(ny, rnd)));
  const rel = dtype === 'f64' ? 1e-12 : 1e-5;

  const y = new Arr(ny).fill(7); // stale values must be overwritten
  k.c_forward(Arr.from(x), Arr.from(w), y);
  expectClose(y, convForward(layer, c.T, x, w), rel, c.Cl * c.M * c.N);

  const dx = new Arr(nx).fill(7);
  k.c_backward(Arr.from(dy), Arr.from(w), dx);
  expectClose(dx, convBackward(layer, c.T, dy, w), rel, c.Cr * c.M * c.N);

  // grad adds into dw: start from a known value and subtract it back out.
  const start = random(nw, rnd);
  const dw = Arr.from(start);
  k.c_grad(Arr.from(dy), Arr.from(x), dw);
  const want = convGrad(layer, c.T, dy, x);
  for (let e = 0; e < nw; e++) want[e] += Arr.from([start[e]])[0];
  expectClose(dw, want, rel, c.T * c.H * c.W + 1);
}

const caseArb = fc.record({
  T: fc.integer({ min: 1, max: 5 }),
  Cl: fc.integer({ min: 1, max: 9 }),
  Cr: fc.integer({ min: 1, max: 9 }),
  H: fc.integer({ min: 1, max: 10 }),
  W: fc.integer({ min: 1, max: 10 }),
  M: fc.integer({ min: 1, max: 6 }),
  N: fc.integer({ min: 1, max: 6 }),
  am: fc.integer({ min: 0, max: 9 }),
  an: fc.integer({ min: 0, max: 9 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).map(({ am, an, ...c }) => ({ ...c, m: (am % (c.M + 4)) - 2, n: (an % (c.N + 4)) - 2 }));

describe('emitted conv kernels agree with the interpreter', () => {
  it('float64, random shapes and anchors (rel 1e-12 of the term count)', () => {
    fc.assert(fc.property(caseArb, (c) => check(c, 'f64')), { numRuns: 50, seed: 4242 });
  });

  it('float32, random shapes and anchors (rel 1e-5 of the term count)', () => {
    fc.assert(fc.property(caseArb, (c) => check(c, 'f32')), { numRuns: 30, seed: 777 });
  });

  it('clipped-region schedule (padded: false), random shapes and anchors', () => {
    fc.assert(fc.property(caseArb, (c) => check(c, 'f64', { padded: false })), { numRuns: 30, seed: 99 });
  });

  it('hand-picked edges: exclave anchors, maps smaller than the kernel, 1x1', () => {
    const base = { T: 2, Cl: 3, Cr: 4, seed: 1 };
    const cases: Omit<Case, 'T' | 'Cl' | 'Cr' | 'seed'>[] = [
      { H: 5, W: 5, M: 3, N: 3, m: 1, n: 1 },
      { H: 2, W: 3, M: 5, N: 6, m: 2, n: 1 }, // map smaller than the kernel on both axes
      { H: 6, W: 5, M: 2, N: 3, m: -1, n: 3 }, // the exotic example's exclave anchor
      { H: 4, W: 4, M: 3, N: 3, m: -2, n: 4 }, // window entirely beside the anchor
      { H: 3, W: 3, M: 3, N: 3, m: 5, n: -3 }, // every output reads off the map: all zeros
      { H: 1, W: 1, M: 1, N: 1, m: 0, n: 0 },
      { H: 7, W: 9, M: 6, N: 1, m: 5, n: 0 },
    ];
    for (const c of cases) for (const dtype of ['f64', 'f32'] as const) check({ ...base, ...c }, dtype);
    // The clipped-region schedule (no padded scratch), and its gradient by tap rows for
    // every piece, whatever its number of accumulators.
    for (const c of cases) check({ ...base, ...c }, 'f64', { padded: false });
    for (const c of cases) check({ ...base, ...c }, 'f64', { padded: false, gradRowsAbove: 0 });
    // The padded schedule at every channel block and position count.
    for (const maxBlock of [1, 2, 3]) for (const c of cases) check({ ...base, ...c }, 'f64', { maxBlock });
  });

  it('tight budgets: regions split over functions, then rolled tap loops, all within the budget', () => {
    // With a budget of 20 statements a 5x5 window (25 taps) no longer fits one function
    // and must use rolled tap loops; a budget of 40 splits the border into functions.
    const c: Case = { T: 2, Cl: 2, Cr: 3, H: 7, W: 6, M: 5, N: 5, m: 2, n: 1, seed: 3 };
    for (const budget of [20, 40, 120]) {
      for (const pass of ['forward', 'backward', 'grad'] as const) {
        const plan = planConvPass(convLayer(c), pass, c.T, { budget });
        for (const p of plan.pieces) expect(p.terms).toBeLessThanOrEqual(budget);
        if (budget === 20) expect(plan.pieces.some((p) => p.unroll === 'rolled')).toBe(true);
      }
      check(c, 'f64', { budget });
      check({ ...c, H: 2, W: 3, m: -2, n: 6 }, 'f64', { budget });
    }
  });

  it('default schedules of the example convs stay within the budget', () => {
    const layers = [
      convLayer({ T: 32, Cl: 1, Cr: 6, H: 28, W: 28, M: 5, N: 5, m: 2, n: 2, seed: 0 }),
      convLayer({ T: 32, Cl: 6, Cr: 16, H: 14, W: 14, M: 5, N: 6, m: 2, n: 1, seed: 0 }),
      convLayer({ T: 32, Cl: 32, Cr: 64, H: 16, W: 16, M: 3, N: 3, m: 1, n: 1, seed: 0 }),
      convLayer({ T: 4, Cl: 2, Cr: 4, H: 15, W: 14, M: 2, N: 3, m: -1, n: 3, seed: 0 }),
    ];
    for (const layer of layers) {
      for (const pass of ['forward', 'backward', 'grad'] as const) {
        const plan = planConvPass(layer, pass, 32);
        for (const p of plan.pieces) expect(p.terms).toBeLessThanOrEqual(MAX_TERMS_PER_FUNCTION);
        expect(plan.schedule).toMatch(/interior rows/);
        const padded = planPaddedConv(layer, pass, 32);
        expect(padded?.terms).toBeLessThanOrEqual(MAX_TERMS_PER_FUNCTION);
      }
    }
  });
});
