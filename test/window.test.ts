// The shared window arithmetic against brute-force enumeration: for every output and tap,
// is the read inside the map? Padding and window bugs are the most reported bug class of
// every peer compiler, so this covers many sizes, anchors (inside and outside the window),
// strides, and maps smaller than the window.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WindowAxis } from '../src/lower/window.js';
import {
  axisBands, convAxis, interiorRange, outputsForTap, poolAxis, rotatedAnchor, tapRange, windowRegions,
} from '../src/lower/window.js';
import { pooledSize } from '../src/model/build.js';

/** Taps of output o that read inside the map, by direct enumeration. */
function bruteTaps(a: WindowAxis, o: number): number[] {
  const taps: number[] = [];
  for (let t = 0; t < a.taps; t++) {
    const at = o * a.stride + a.offset + t;
    if (at >= 0 && at < a.inSize) taps.push(t);
  }
  return taps;
}

const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo) }, (_, k) => lo + k);

/** Throws with the axis and both values when they differ (cheaper than expect in hot loops). */
function same(a: WindowAxis, what: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${JSON.stringify(a)}: ${what}: got ${g}, want ${w}`);
}

function checkAxis(a: WindowAxis): void {
  const bands = axisBands(a);
  // Bands tile 0 .. outSize-1 in order, and are maximal: neighbours differ.
  same(a, 'first band start', bands[0]?.start ?? 0, 0);
  same(a, 'last band end', bands.length === 0 ? 0 : bands[bands.length - 1].end, a.outSize);
  for (let b = 1; b < bands.length; b++) {
    same(a, `band ${b} start`, bands[b].start, bands[b - 1].end);
    if (bands[b].lo === bands[b - 1].lo && bands[b].hi === bands[b - 1].hi) same(a, `band ${b} is maximal`, bands[b], 'different');
  }
  const interior: number[] = [];
  for (const band of bands) {
    for (let o = band.start; o < band.end; o++) {
      const taps = bruteTaps(a, o);
      same(a, `taps of output ${o}`, range(band.lo, band.hi), taps); // contiguous and exactly these
      same(a, `tapRange(${o})`, tapRange(a, o), { lo: band.lo, hi: band.hi });
      if (taps.length === 0) same(a, `empty band of ${o}`, [band.lo, band.hi], [0, 0]);
      if (taps.length === a.taps) interior.push(o);
    }
  }
  const ir = interiorRange(a);
  same(a, 'interior', range(ir.start, ir.end), interior);
  for (let t = 0; t < a.taps; t++) {
    const r = outputsForTap(a, t);
    same(a, `outputs of tap ${t}`, range(r.start, r.end), range(0, a.outSize).filter((o) => bruteTaps(a, o).includes(t)));
  }
}

const convArb = fc.record({
  size: fc.integer({ min: 1, max: 16 }),
  taps: fc.integer({ min: 1, max: 9 }),
  a: fc.integer({ min: 0, max: 100 }),
}).map(({ size, taps, a }) => ({ size, taps, anchor: (a % (taps + 6)) - 3 })); // anchors −3 .. taps+2

describe('window arithmetic, one axis', () => {
  it('conv axes: bands, interior and per-tap ranges match brute force', () => {
    fc.assert(fc.property(convArb, ({ size, taps, anchor }) => checkAxis(convAxis(size, taps, anchor))), { numRuns: 1500, seed: 1 });
  });

  it('every conv axis up to size 12, window 7, anchors −3..9 (exhaustive)', () => {
    for (let size = 1; size <= 12; size++)
      for (let taps = 1; taps <= 7; taps++)
        for (let anchor = -3; anchor <= taps + 2; anchor++) checkAxis(convAxis(size, taps, anchor));
  });

  it('pool axes of any size, stride and rounding', () => {
    for (let inSize = 1; inSize <= 14; inSize++)
      for (let pool = 1; pool <= 6; pool++)
        for (let stride = 1; stride <= 6; stride++)
          for (const round of ['floor', 'ceil'] as const) {
            const out = pooledSize(inSize, pool, stride, round);
            if (out === null) continue;
            const a = poolAxis(inSize, out, pool, stride);
            checkAxis(a);
            // A pool always starts inside the map and reads at least its first input.
            for (let o = 0; o < out; o++) expect(tapRange(a, o).lo).toBe(0);
            for (let o = 0; o < out; o++) expect(tapRange(a, o).hi).toBeGreaterThan(0);
          }
  });

  it('LeNet c2 columns: 5x6 kernel, anchor column 1, width 14 (worked by hand)', () => {
    // Output j reads columns j-1 .. j+4: column 0 loses tap 0; j = 10..13 lose taps from the
    // right (j+4 > 13 ⇔ j > 9), keeping 5, 4, 3, 2 taps.
    expect(axisBands(convAxis(14, 6, 1))).toEqual([
      { start: 0, end: 1, lo: 1, hi: 6 },
      { start: 1, end: 10, lo: 0, hi: 6 },
      { start: 10, end: 11, lo: 0, hi: 5 },
      { start: 11, end: 12, lo: 0, hi: 4 },
      { start: 12, end: 13, lo: 0, hi: 3 },
      { start: 13, end: 14, lo: 0, hi: 2 },
    ]);
    expect(interiorRange(convAxis(14, 6, 1))).toEqual({ start: 1, end: 10 });
  });

  it('exclave anchor and a map smaller than the window (worked by hand)', () => {
    // 2-row kernel anchored at -1: output i reads rows i+1, i+2. On 3 rows: i=0 reads 1,2
    // (full), i=1 reads 2 only (tap 0), i=2 reads nothing.
    expect(axisBands(convAxis(3, 2, -1))).toEqual([
      { start: 0, end: 1, lo: 0, hi: 2 },
      { start: 1, end: 2, lo: 0, hi: 1 },
      { start: 2, end: 3, lo: 0, hi: 0 },
    ]);
    // 5 taps centred (anchor 2) on a 2-wide map: j=0 reads -2..2 → taps 2,3; j=1 → taps 1,2. No interior.
    expect(axisBands(convAxis(2, 5, 2))).toEqual([
      { start: 0, end: 1, lo: 2, hi: 4 },
      { start: 1, end: 2, lo: 1, hi: 3 },
    ]);
    expect(interiorRange(convAxis(2, 5, 2))).toEqual({ start: 0, end: 0 });
  });

  it('ceil pool of the exotic example: 3 wide every 2 on 14 columns, last pool clipped to 2', () => {
    const a = poolAxis(14, 7, 3, 2);
    expect(axisBands(a)).toEqual([
      { start: 0, end: 6, lo: 0, hi: 3 },
      { start: 6, end: 7, lo: 0, hi: 2 },
    ]);
  });

  it('the rotated window reads the same (output, input, tap) triples as the forward one', () => {
    // Forward: output i reads input i-m+p. Backward: δ_l[i'] reads δ_r[i'-m'+p'] with
    // m' = M-1-m and p' = M-1-p, so the pair (i, i' = i-m+p) must appear in both.
    for (let size = 1; size <= 9; size++)
      for (let M = 1; M <= 6; M++)
        for (let m = -2; m <= M + 1; m++) {
          const fwd = convAxis(size, M, m);
          const bwd = convAxis(size, M, rotatedAnchor(M, m));
          const pairs = (a: WindowAxis, flip: boolean) => {
            const s: string[] = [];
            for (let o = 0; o < size; o++)
              for (const t of bruteTaps(a, o)) {
                const input = o + a.offset + t;
                s.push(flip ? `${input}<-${o}@${M - 1 - t}` : `${o}<-${input}@${t}`);
              }
            return s.sort();
          };
          expect(pairs(bwd, true)).toEqual(pairs(fwd, false));
        }
  });
});

describe('window regions, two axes', () => {
  it('tile the output, with the clipped window of every output, interior and empty flags', () => {
    fc.assert(fc.property(convArb, convArb, (r, c) => {
      const rows = convAxis(r.size, r.taps, r.anchor);
      const cols = convAxis(c.size, c.taps, c.anchor);
      const seen = new Int32Array(r.size * c.size);
      for (const reg of windowRegions(rows, cols)) {
        for (let i = reg.rows.start; i < reg.rows.end; i++)
          for (let j = reg.cols.start; j < reg.cols.end; j++) {
            seen[i * c.size + j]++;
            const ti = bruteTaps(rows, i);
            const tj = bruteTaps(cols, j);
            same(rows, `empty (${i},${j})`, reg.empty, ti.length === 0 || tj.length === 0);
            same(rows, `interior (${i},${j})`, reg.interior, ti.length === r.taps && tj.length === c.taps);
            if (!reg.empty) {
              same(rows, `row taps (${i},${j})`, range(reg.rows.lo, reg.rows.hi), ti);
              same(cols, `col taps (${i},${j})`, range(reg.cols.lo, reg.cols.hi), tj);
            }
          }
      }
      expect(Array.from(seen).every((n) => n === 1)).toBe(true);
    }), { numRuns: 400, seed: 2 });
  });
});
