// Kernel plans for the three conv passes. Each pass is a conv-shaped sweep: for every
// output channel block, every input channel and every output position, a window of the
// input map (clipped by window.ts) times a window of weights. The plan is plain data with
// literal sizes: the regions with their clipped tap ranges, the channel blocks, the unroll
// level and which emitted function holds what (the schedule).
//
//   forward  reads x (C_l channels), writes y (C_r):  window anchor (m, n), weights w[k][k'][p][q]
//   backward reads δ_r (C_r), writes δ_l (C_l):       anchor (M-1-m, N-1-n), weights w[k][k'][M-1-p'][N-1-q']
//   grad     reads δ_r and x, adds into Δw:           anchor (m, n); the blocked channels are δ_r's
//
// With bias=true forward also takes b (signature x, w, b, y: y starts from b[k], the passes
// add the window sums) and grad db (dy, x, dw, db: db[k] += Σ_{t,i,j} δ_r[t][k][i][j]).

import type { ConvLayer } from '../model/checked.js';
import {
  BORDER_SHARE, GRAD_ROWS_ABOVE, MAX_BORDER_FUNCTIONS, WIDE_REGION_OUTPUTS, MAX_CHANNEL_BLOCK, MAX_LIVE_VALUES, MAX_TERMS_PER_FUNCTION, ROLLED_REGION_TERMS, channelBlock, channelGroups, packByCost,
} from './budget.js';
import { paddedScratchElements, planPaddedConv } from './conv-padded.js';
import { floats, kernelCommon } from './kernel.js';
import type { ConvPaddedKernel, ConvSplitKernel } from './plan.js';
import type { Region, WindowAxis } from './window.js';
import { convAxis, regionOutputs, regionTaps, rotatedAnchor, windowRegions } from './window.js';

export type ConvPass = 'forward' | 'backward' | 'grad';

/**
 * `window`: the clipped window fully unrolled, weights (or gradient accumulators) of the
 * current channel pair in local constants. `rolled`: loops over the taps with literal
 * bounds, for windows too large for the budget.
 */
export type Unroll = 'window' | 'rolled';

/** Offset in `w` of the weight for (blocked channel, swept channel, tap p, tap q) of this pass. */
export interface WeightLayout {
  outStride: number;
  inStride: number;
  tapBase: number;
  pStride: number;
  qStride: number;
}

/** One emitted function: some regions, one channel block size, one unroll level. */
export interface ConvPiece {
  regions: Region[];
  /** Blocked channels `start .. end-1`, `size` at a time. */
  group: { start: number; end: number; size: number };
  unroll: Unroll;
  /** Unrolled statements in the function (the budget measure). */
  terms: number;
  interior: boolean;
  /** Gradient only: accumulate one tap row at a time (see ConvScheduleOptions.gradRowsAbove). */
  byRows: boolean;
}

/** What every schedule of a conv pass shares: which map is swept, sizes, anchor and weights. */
export interface ConvPassGeometry {
  pass: ConvPass;
  batch: number;
  /** Channels swept inside each block (the map read through the window). */
  inC: number;
  /** Channels blocked: written (forward, backward) or the δ_r side of the gradient. */
  outC: number;
  H: number;
  W: number;
  M: number;
  N: number;
  /** The pass's anchor: the layer's, or the rotated one for backward. */
  anchor: { row: number; col: number };
  weight: WeightLayout;
  /** Multiply-adds of one call, whole batch (padded positions counted, docs/operations.md). */
  macs: number;
}

export interface ConvPassPlan extends ConvPassGeometry {
  rows: WindowAxis;
  cols: WindowAxis;
  pieces: ConvPiece[];
  schedule: string;
}

/** Knobs of the schedule search (defaults from budget.ts); tests and benchmarks vary them. */
export interface ConvScheduleOptions {
  budget: number;
  maxBlock: number;
  /** Most weights or accumulators live in locals at once (bounds the channel block). */
  maxLive: number;
  /** Most functions the border regions may be spread over before their taps are rolled. */
  maxBorderFunctions: number;
  /**
   * Gradient: a piece whose block would keep more than this many accumulators live
   * accumulates one tap row at a time instead (few enough to stay in registers).
   */
  gradRowsAbove: number;
  /** Border regions with at least this many outputs are scheduled apart from the small ones. */
  wideRegion: number;
  /** Share of the work (taps read) in the border from which its edge strips are blocked apart. */
  borderShare: number;
  /**
   * Use the zero-padded scratch schedule of conv-padded.ts whenever its body fits the
   * budget (the default); false keeps the clipped-region schedule below.
   */
  padded: boolean;
}

export const DEFAULT_CONV_SCHEDULE: ConvScheduleOptions = {
  budget: MAX_TERMS_PER_FUNCTION, maxBlock: MAX_CHANNEL_BLOCK, maxLive: MAX_LIVE_VALUES, maxBorderFunctions: MAX_BORDER_FUNCTIONS,
  gradRowsAbove: GRAD_ROWS_ABOVE, wideRegion: WIDE_REGION_OUTPUTS, borderShare: BORDER_SHARE, padded: true,
};

/** Parameter names of each pass: (map read through the window, weights or other input, output). */
export const CONV_PARAMS = {
  forward: ['x', 'w', 'y'],
  backward: ['dy', 'w', 'dx'],
  grad: ['dy', 'x', 'dw'],
} as const;

/** The signature of a pass: CONV_PARAMS, with a biased layer's b before y (forward) and db after dw (grad). */
export function convParams(layer: ConvLayer, pass: ConvPass): string[] {
  const [a, b, out] = CONV_PARAMS[pass];
  if (!layer.bias || pass === 'backward') return [a, b, out];
  return pass === 'forward' ? [a, b, 'b', out] : [a, b, out, 'db'];
}

/** What the bias adds to a pass's schedule text (nothing without one). */
function biasNote(layer: ConvLayer, pass: ConvPass): string {
  if (!layer.bias || pass === 'backward') return '';
  return pass === 'forward' ? '; output channels start from their bias' : '; db summed over each channel\'s sensitivities';
}

/**
 * The one place the conv schedule is chosen: the padded plan of conv-padded.ts whenever its
 * body fits the budget (unless `padded: false`), else the clipped-region plan below. The
 * padded planner sees only the `budget` and `maxBlock` knobs.
 */
export function planConvKernel(
  layer: ConvLayer, pass: ConvPass, batch: number, options: Partial<ConvScheduleOptions> = {},
): ConvPaddedKernel | ConvSplitKernel {
  const params = floats(...convParams(layer, pass));
  const padded = options.padded === false ? null
    : planPaddedConv(layer, pass, batch, {
      ...(options.budget !== undefined && { budget: options.budget }),
      ...(options.maxBlock !== undefined && { maxBlock: options.maxBlock }),
    });
  if (padded) {
    return {
      kind: 'conv-padded', pass, conv: padded, ...kernelCommon(layer, pass, params, padded.schedule + biasNote(layer, pass), padded.macs),
      // One sample's map, zero-padded; the buffer id is set with the buffer table.
      scratch: { elements: paddedScratchElements(padded), buffer: -1 },
    };
  }
  const split = planConvPass(layer, pass, batch, options);
  return { kind: 'conv-split', pass, conv: split, ...kernelCommon(layer, pass, params, split.schedule + biasNote(layer, pass), split.macs) };
}

/** The three conv kernels: forward, backward, grad. */
export function planConvKernels(layer: ConvLayer, batch: number, options: Partial<ConvScheduleOptions> = {}): (ConvPaddedKernel | ConvSplitKernel)[] {
  return (['forward', 'backward', 'grad'] as const).map((pass) => planConvKernel(layer, pass, batch, options));
}

/** The geometry of one pass: backward sweeps δ_r with the rotated anchor and transposed channels. */
export function passGeometry(layer: ConvLayer, pass: ConvPass, batch: number): ConvPassGeometry {
  const { rows: M, cols: N } = layer.kernel;
  const { c: Cl, h: H, w: W } = layer.input;
  const Cr = layer.output.c;
  const MN = M * N;
  const backward = pass === 'backward';
  const anchor = backward
    ? { row: rotatedAnchor(M, layer.anchor.row), col: rotatedAnchor(N, layer.anchor.col) }
    : { ...layer.anchor };
  const weight: WeightLayout = backward
    ? { outStride: MN, inStride: Cl * MN, tapBase: (M - 1) * N + (N - 1), pStride: -N, qStride: -1 }
    : { outStride: Cl * MN, inStride: MN, tapBase: 0, pStride: N, qStride: 1 };
  return {
    pass, batch, inC: backward ? Cr : Cl, outC: backward ? Cl : Cr, H, W, M, N, anchor, weight,
    macs: batch * Cr * Cl * H * W * MN,
  };
}

export function planConvPass(
  layer: ConvLayer, pass: ConvPass, batch: number, options: Partial<ConvScheduleOptions> = {},
): ConvPassPlan {
  const opts = { ...DEFAULT_CONV_SCHEDULE, ...options };
  const budget = opts.budget;
  const geometry = passGeometry(layer, pass, batch);
  const { H, W, M, N, anchor, outC } = geometry;
  const MN = M * N;
  const rows = convAxis(H, M, anchor.row);
  const cols = convAxis(W, N, anchor.col);
  const live = windowRegions(rows, cols).filter((r) => !r.empty);
  const interior = live.filter((r) => r.interior);
  const border = live.filter((r) => !r.interior);

  const pieces: ConvPiece[] = [];
  const addPieces = (regions: Region[], isInterior: boolean, maxBlock = opts.maxBlock) => {
    if (regions.length === 0) return;
    const maxTaps = Math.max(...regions.map(regionTaps));
    const maxFunctions = isInterior ? 1 : opts.maxBorderFunctions;
    if (maxTaps <= budget) {
      // Widest channel block whose regions fit in at most `maxFunctions` functions:
      // wider blocks share each loaded input among more channels, but cost code.
      const tried = new Set<number>();
      const firstCap = Math.min(maxBlock, Math.floor(budget / maxTaps), Math.max(1, Math.floor(opts.maxLive / MN)));
      for (let cap = firstCap; cap >= 1; cap--) {
        const block = channelBlock(outC, cap);
        if (tried.has(block)) continue;
        tried.add(block);
        const groups = channelGroups(outC, block);
        const packs = groups.map((g) => packByCost(regions, (r) => g.size * regionTaps(r), budget) ?? []);
        if (Math.max(...packs.map((p) => p.length)) > maxFunctions) continue;
        groups.forEach((group, g) => {
          for (const p of packs[g]) {
            const terms = group.size * p.reduce((a, r) => a + regionTaps(r), 0);
            const live = group.size * new Set(p.flatMap((r) => tapsOf(r))).size;
            pieces.push({ regions: p, group, unroll: 'window', terms, interior: isInterior, byRows: pass === 'grad' && live > opts.gradRowsAbove });
          }
        });
        return;
      }
    }
    // Even one channel at a time would take too many functions: roll the tap loops (each
    // region is then a few statements), still split over functions within the budget.
    const perFunction = Math.max(1, Math.floor(budget / ROLLED_REGION_TERMS));
    for (let r = 0; r < regions.length; r += perFunction) {
      const part = regions.slice(r, r + perFunction);
      pieces.push({
        regions: part, group: { start: 0, end: outC, size: 1 }, unroll: 'rolled',
        terms: part.length * ROLLED_REGION_TERMS, interior: isInterior, byRows: false,
      });
    }
  };
  addPieces(interior, true);
  // Where the border is a large share of the work (small maps, large windows), its edge
  // strips (regions with many outputs) get their own channel-block search, and the small
  // corner regions, where a wide block costs much code for little work, go one channel at
  // a time. Otherwise the border is one set, blocked only as far as it stays small.
  const work = (rs: Region[]) => rs.reduce((a, r) => a + regionOutputs(r) * regionTaps(r), 0);
  if (work(border) >= opts.borderShare * work(live)) {
    addPieces(border.filter((r) => regionOutputs(r) >= opts.wideRegion), false);
    addPieces(border.filter((r) => regionOutputs(r) < opts.wideRegion), false, 1);
  } else {
    addPieces(border, false);
  }

  const plan: ConvPassPlan = { ...geometry, rows, cols, pieces, schedule: '' };
  plan.schedule = describeSchedule(plan);
  return plan;
}

/** The window taps a region reads, as `p,q` keys. */
function tapsOf(r: Region): string[] {
  const keys: string[] = [];
  for (let p = r.rows.lo; p < r.rows.hi; p++) for (let q = r.cols.lo; q < r.cols.hi; q++) keys.push(`${p},${q}`);
  return keys;
}

function describeSchedule(plan: ConvPassPlan): string {
  const { M, N } = plan;
  const head = `${plan.pass}: ${M}x${N} window, anchor (${plan.anchor.row},${plan.anchor.col})` +
    (plan.pass === 'backward' ? ' (rotated, channels transposed)' : '');
  const parts = plan.pieces.map((p) => {
    const where = p.interior
      ? `interior rows ${p.regions[0].rows.start}..${p.regions[0].rows.end - 1} x cols ${p.regions[0].cols.start}..${p.regions[0].cols.end - 1} without bounds tests`
      : `${p.regions.length} border region(s) with clipped windows`;
    const how = p.unroll === 'window'
      ? `window unrolled, ${plan.pass !== 'grad' ? 'weights in locals' : p.byRows ? 'gradients accumulated in locals one tap row at a time' : 'gradients accumulated in locals'}`
      : 'tap loops rolled (window over budget)';
    const chans = `${p.group.size} channel(s) per pass over ${p.group.start}..${p.group.end - 1}`;
    return `${where}: ${how}, ${chans}, ${p.terms} statements`;
  });
  if (plan.pieces.length === 0) parts.push('no window tap reads inside the map: output all zeros');
  return `${head}; ${parts.join('; ')}`;
}
