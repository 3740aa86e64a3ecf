// The one place that knows which window taps of a sliding window fall inside the map.
// Conv forward, conv backward (the rotated window), conv gradient and pooling all slide a
// window along each axis independently, so everything here is one axis at a time; a 2-d
// region is the product of a row band and a column band.
//
// Along an axis, output `o` reads input `o·stride + offset + tap` for `tap` in
// `0 .. taps-1`; a read is inside the map when `0 <= o·stride + offset + tap < inSize`.
// Conv (stride 1) has `offset = -anchor`; pooling has `offset = 0`.

export interface WindowAxis {
  /** Outputs along the axis. */
  outSize: number;
  /** Map size along the axis: reads outside `0 .. inSize-1` are outside the map. */
  inSize: number;
  /** Window size along the axis. */
  taps: number;
  stride: number;
  offset: number;
}

/** The taps `lo .. hi-1` of one output that read inside the map; `lo = hi = 0` when none do. */
export interface TapRange {
  lo: number;
  hi: number;
}

/** A maximal run of outputs `start .. end-1` that all have the same tap range. */
export interface Band extends TapRange {
  start: number;
  end: number;
}

/** A 2-d region: every output in the row band × column band has the same clipped window. */
export interface Region {
  rows: Band;
  cols: Band;
  /** The whole window is inside the map: no tap is clipped. */
  interior: boolean;
  /** No tap is inside the map: the output is the op's empty value (0 for conv). */
  empty: boolean;
}

/** Conv along one axis: output keeps the map size, the anchor lands on the output position. */
export function convAxis(size: number, taps: number, anchor: number): WindowAxis {
  return { outSize: size, inSize: size, taps, stride: 1, offset: -anchor };
}

/** The anchor of the rotated (backward) window: `m' = M-1-m`. */
export function rotatedAnchor(taps: number, anchor: number): number {
  return taps - 1 - anchor;
}

/** Pooling along one axis: output `o`'s pool starts at input `o·stride`. */
export function poolAxis(inSize: number, outSize: number, pool: number, stride: number): WindowAxis {
  return { outSize, inSize, taps: pool, stride, offset: 0 };
}

/** The taps of output `o` that read inside the map. */
export function tapRange(axis: WindowAxis, o: number): TapRange {
  const first = o * axis.stride + axis.offset; // input read by tap 0
  const lo = Math.max(0, -first);
  const hi = Math.min(axis.taps, axis.inSize - first);
  return lo < hi ? { lo, hi } : { lo: 0, hi: 0 };
}

/** Splits `0 .. outSize-1` into maximal runs of equal tap ranges, in order. */
export function axisBands(axis: WindowAxis): Band[] {
  const bands: Band[] = [];
  for (let o = 0; o < axis.outSize; o++) {
    const { lo, hi } = tapRange(axis, o);
    const last = bands[bands.length - 1];
    if (last && last.lo === lo && last.hi === hi) last.end = o + 1;
    else bands.push({ start: o, end: o + 1, lo, hi });
  }
  return bands;
}

/**
 * The outputs whose whole window is inside the map, `start .. end-1` (empty when
 * `start >= end`). Closed form of `tapRange(o) = 0 .. taps`: `o·s + offset >= 0` and
 * `o·s + offset + taps <= inSize`.
 */
export function interiorRange(axis: WindowAxis): { start: number; end: number } {
  const start = Math.max(0, Math.ceil(-axis.offset / axis.stride));
  const end = Math.min(axis.outSize, Math.floor((axis.inSize - axis.taps - axis.offset) / axis.stride) + 1);
  return end > start ? { start, end } : { start: 0, end: 0 };
}

/** The outputs for which `tap` reads inside the map, `start .. end-1` (gradient view). */
export function outputsForTap(axis: WindowAxis, tap: number): { start: number; end: number } {
  const s = axis.stride;
  const first = tap + axis.offset; // input read by output 0 at this tap
  const start = Math.max(0, Math.ceil(-first / s));
  const end = Math.min(axis.outSize, Math.floor((axis.inSize - 1 - first) / s) + 1);
  return end > start ? { start, end } : { start: 0, end: 0 };
}

/** All regions of a 2-d window, row bands outer, in scan order. */
export function windowRegions(rows: WindowAxis, cols: WindowAxis): Region[] {
  const rowBands = axisBands(rows);
  const colBands = axisBands(cols);
  const regions: Region[] = [];
  for (const r of rowBands) {
    for (const c of colBands) {
      regions.push({
        rows: r, cols: c,
        interior: r.lo === 0 && r.hi === rows.taps && c.lo === 0 && c.hi === cols.taps,
        empty: r.hi === 0 || c.hi === 0,
      });
    }
  }
  return regions;
}

/** Window taps a region reads for each of its outputs. */
export function regionTaps(region: Region): number {
  return (region.rows.hi - region.rows.lo) * (region.cols.hi - region.cols.lo);
}

/** Outputs in a region. */
export function regionOutputs(region: Region): number {
  return (region.rows.end - region.rows.start) * (region.cols.end - region.cols.start);
}
