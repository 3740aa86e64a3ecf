// Emitted max-pool kernels (forward, path, backward) against the interpreter, for random
// pools of any size and stride (overlapping and gapped), floor and ceil, with many ties,
// NaNs and -Infinity in the inputs. Max and routing are exact, so the comparison is exact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitPool } from '../src/emit/kernels/pool.js';
import { poolBackward, poolForward } from '../src/interp/index.js';
import type { PoolLayer } from '../src/model/checked.js';
import { buildNetwork, pooledSize } from '../src/model/build.js';
import { mulberry32 } from '../src/model/init.js';
import { loadKernels } from './support/load-kernels.js';

interface Case { T: number; C: number; H: number; W: number; ph: number; pw: number; sh: number; sw: number; round: 'floor' | 'ceil'; seed: number; nan: boolean }

function poolLayer(c: Case): PoolLayer {
  const net = buildNetwork({
    name: 'n', batch: c.T, input: [c.C, c.H, c.W],
    layers: [{ op: 'pool', name: 'p', size: [c.ph, c.pw], stride: [c.sh, c.sw], round: c.round }],
  });
  return net.layers[0] as PoolLayer;
}

/** Few distinct values so ties are common; NaN and -Infinity sprinkled in when asked. */
function input(n: number, seed: number, nan: boolean): Float64Array {
  const rnd = mulberry32(seed);
  const a = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const u = rnd();
    a[e] = nan && u < 0.05 ? NaN : u < 0.1 ? -Infinity : Math.floor(rnd() * 4) - 2;
  }
  return a;
}

function check(c: Case, dtype: 'f32' | 'f64'): void {
  const layer = poolLayer(c);
  const k = loadKernels(emitPool(layer, { dtype, batch: c.T }), dtype);
  const Arr = dtype === 'f32' ? Float32Array : Float64Array;
  const x = input(c.T * c.C * c.H * c.W, c.seed, c.nan);
  const want = poolForward(layer, c.T, x);
  const n = want.y.length;

  const y = new Arr(n).fill(7);
  k.p_forward(Arr.from(x), y);
  expect(Array.from(y)).toEqual(Array.from(want.y)); // toEqual treats NaN as equal to NaN

  const y2 = new Arr(n).fill(7);
  const path = new Int32Array(n).fill(-7);
  k.p_path(Arr.from(x), y2, path);
  expect(Array.from(y2)).toEqual(Array.from(want.y));
  expect(Array.from(path)).toEqual(Array.from(want.path));

  const dy = Float64Array.from({ length: n }, (_, e) => (e % 7) - 3);
  const dx = new Arr(x.length).fill(7); // must be cleared first
  k.p_backward(Arr.from(dy), path, dx);
  expect(Array.from(dx)).toEqual(Array.from(poolBackward(layer, c.T, dy, want.path)));
}

const caseArb = fc.record({
  T: fc.integer({ min: 1, max: 3 }),
  C: fc.integer({ min: 1, max: 4 }),
  H: fc.integer({ min: 1, max: 13 }),
  W: fc.integer({ min: 1, max: 13 }),
  ph: fc.integer({ min: 1, max: 6 }),
  pw: fc.integer({ min: 1, max: 6 }),
  sh: fc.integer({ min: 1, max: 6 }),
  sw: fc.integer({ min: 1, max: 6 }),
  round: fc.constantFrom<'floor' | 'ceil'>('floor', 'ceil'),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  nan: fc.boolean(),
}).filter((c) => pooledSize(c.H, c.ph, c.sh, c.round) !== null && pooledSize(c.W, c.pw, c.sw, c.round) !== null);

describe('emitted pool kernels agree with the interpreter', () => {
  it('random pools, ties, NaN and -Infinity, float64 and float32', () => {
    fc.assert(fc.property(caseArb, (c) => { check(c, 'f64'); check(c, 'f32'); }), { numRuns: 150, seed: 99 });
  });

  it('ties go to the first maximum in scan order, NaN to the first NaN', () => {
    // One 2x3 pool over a 2x3 map: values [[1, 3, 3], [NaN, 3, NaN]].
    const c: Case = { T: 1, C: 1, H: 2, W: 3, ph: 2, pw: 3, sh: 2, sw: 3, round: 'floor', seed: 0, nan: true };
    const k = loadKernels(emitPool(poolLayer(c), { dtype: 'f64', batch: 1 }), 'f64');
    const y = new Float64Array(1);
    const path = new Int32Array(1);
    k.p_path(Float64Array.of(1, 3, 3, NaN, 3, NaN), y, path);
    expect(y[0]).toBeNaN();
    expect(path[0]).toBe(3); // the first NaN: row 1, column 0 → 1·3 + 0
    k.p_path(Float64Array.of(1, 3, 3, 2, 3, -1), y, path);
    expect([y[0], path[0]]).toEqual([3, 1]); // the first 3, at row 0, column 1
    k.p_path(Float64Array.of(-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity), y, path);
    expect([y[0], path[0]]).toEqual([-Infinity, 0]);
  });

  it('overlapping ceil pools clip the last row and column and accumulate in backward', () => {
    // 3x3 pools every 2 on a 4x4 map, ceil: rows start 0, 2 → the second pool covers rows 2..3.
    const c: Case = { T: 2, C: 2, H: 4, W: 4, ph: 3, pw: 3, sh: 2, sw: 2, round: 'ceil', seed: 5, nan: false };
    expect(poolLayer(c).output).toEqual({ c: 2, h: 2, w: 2 });
    check(c, 'f64');
    // A pool too large for the budget (25x25 = 625 taps) keeps rolled tap loops.
    check({ ...c, H: 27, W: 26, ph: 25, pw: 25, sh: 1, sw: 1 }, 'f64');
  });
});
