// Padded schedule for the three conv passes: each sample's map (x, or δ_r for backward) is
// first copied into a zeroed scratch map with M-1 extra rows and N-1 extra columns, so that
// every output position reads its whole window inside the scratch. There is then no border
// code at all: one small unrolled body serves every position (the clipped border regions of
// conv.ts cost most of the code and tier up late), and it computes P adjacent output
// positions for B channels at once, each input row segment loaded once per tap row.
//
//   forward  pads x  with the anchor (m, n);          output block: y's channels
//   backward pads δ_r with the rotated anchor;          output block: δ_l's channels
//   grad     pads x  with the anchor (m, n);          accumulators: Δw taps of B δ_r channels

import type { ConvLayer } from '../model/checked.js';
import { MAX_CHANNEL_BLOCK, channelBlock, channelGroups } from './budget.js';
import type { ConvPass, ConvPassGeometry } from './conv.js';
import { passGeometry } from './conv.js';

/**
 * Most accumulators live in the pixel loop (B channels × P positions, or B × N × R gradient
 * taps): x64 has 16 XMM registers, and a few are needed for loaded values.
 */
export const MAX_ACCUMULATORS = 8;
/**
 * Most unrolled statements in a padded body: far under MAX_TERMS_PER_FUNCTION because the
 * body is all the code there is, and a smaller body tiers up sooner. Measured on LeNet
 * (first training steps of a fresh module, CPU ms): 300 statements and 12 accumulators
 * 930, 220; 100 and 8: 640, 90; steady state the same within noise.
 */
export const PADDED_BODY_TERMS = 100;
/**
 * Gradient: most tap accumulators kept over one sweep of the map, and most adjacent
 * positions per pass. Measured on LeNet's and VGG's convs (CPU time, same process): 12
 * accumulators and 2 positions beat 24–80 accumulators (spilled: 10–40% slower even though
 * the map is swept fewer times) and 1 or 4 positions.
 */
export const MAX_GRAD_ACCUMULATORS = 12;
export const MAX_GRAD_PIXELS = 2;
/** Most adjacent output positions per pass of the body. */
export const MAX_PIXELS = 4;

export interface PaddedScheduleOptions {
  budget: number;
  maxBlock: number;
  maxAccumulators: number;
  maxPixels: number;
  /** Gradient: most tap accumulators live over the map (B × N × tap rows). */
  maxGradAccumulators: number;
  maxGradPixels: number;
}

export const DEFAULT_PADDED_SCHEDULE: PaddedScheduleOptions = {
  budget: PADDED_BODY_TERMS, maxBlock: MAX_CHANNEL_BLOCK, maxAccumulators: MAX_ACCUMULATORS, maxPixels: MAX_PIXELS, maxGradAccumulators: MAX_GRAD_ACCUMULATORS, maxGradPixels: MAX_GRAD_PIXELS,
};

export interface PaddedConvPlan extends ConvPassGeometry {
  /** Scratch map size: Hp = H + M - 1 rows, Wp = W + N - 1 columns. */
  Hp: number;
  Wp: number;
  /** Source rows/cols copied into the scratch (the others are never read); scratch = source + anchor. */
  copyRows: { start: number; end: number };
  copyCols: { start: number; end: number };
  /** Channels per block and the blocks. */
  block: number;
  groups: { start: number; end: number; size: number }[];
  /** Output positions per pass of the body, and the positions left at the end of each row. */
  pixels: number;
  rest: number;
  /** Gradient: tap rows accumulated per sweep of the map. */
  tapRows: number;
  terms: number;
  schedule: string;
}

/** Terms (multiply-add statements) of the body for block b, p pixels plus the rest. */
function bodyTerms(M: number, N: number, b: number, p: number, W: number): number {
  return b * M * N * (p + (W % p));
}

/**
 * The padded plan, or null when even one channel and one position a pass would go over
 * the budget (the caller then uses the clipped-region schedule of conv.ts with rolled taps).
 */
export function planPaddedConv(
  layer: ConvLayer, pass: ConvPass, batch: number, options: Partial<PaddedScheduleOptions> = {},
): PaddedConvPlan | null {
  const opts = { ...DEFAULT_PADDED_SCHEDULE, ...options };
  const g = passGeometry(layer, pass, batch);
  const { M, N, H, W } = g;
  if (bodyTerms(M, N, 1, 1, W) > opts.budget) return null;
  // Widest B·P within the accumulator and statement budgets; ties go to more positions
  // (they share the loads of each input row segment).
  let best: { b: number; p: number; score: number } | null = null;
  const tried = new Set<number>();
  for (let cap = Math.min(opts.maxBlock, g.outC); cap >= 1; cap--) {
    const b = channelBlock(g.outC, cap);
    if (tried.has(b)) continue;
    tried.add(b);
    for (let p = Math.min(pass === 'grad' ? opts.maxGradPixels : opts.maxPixels, W); p >= 1; p--) {
      const acc = pass === 'grad' ? b * N : b * p;
      if (acc > opts.maxAccumulators && !(b === 1 && p === 1)) continue;
      if (bodyTerms(M, N, b, p, W) > opts.budget) continue;
      // Work per pass of the body, discounted for a remainder block (extra code, no reuse).
      const score = b * p - (W % p === 0 ? 0 : 0.5);
      if (!best || score > best.score) best = { b, p, score };
    }
  }
  const { b: B, p: P } = best ?? { b: 1, p: 1 };
  const tapRows = pass === 'grad' ? Math.max(1, Math.min(M, Math.floor(opts.maxGradAccumulators / (B * N)))) : M;
  const m = g.anchor.row;
  const n = g.anchor.col;
  const Hp = H + M - 1;
  const Wp = W + N - 1;
  const plan: PaddedConvPlan = {
    ...g, Hp, Wp,
    copyRows: { start: Math.max(0, -m), end: Math.min(H, Hp - m) },
    copyCols: { start: Math.max(0, -n), end: Math.min(W, Wp - n) },
    block: B, groups: channelGroups(g.outC, B), pixels: P, rest: W % P, tapRows,
    terms: bodyTerms(M, N, B, P, W), schedule: '',
  };
  plan.schedule = `${pass}: ${M}x${N} window, anchor (${m},${n})${pass === 'backward' ? ' (rotated, channels transposed)' : ''}; ` +
    `each sample's ${pass === 'backward' ? 'sensitivity' : 'input'} map copied into a ${Hp}x${Wp} zero-padded scratch (no border code); ` +
    `window unrolled, ${pass === 'grad' ? `gradients accumulated in locals ${tapRows} tap row(s) at a time` : 'weights in locals'}, ` +
    `${B} channel(s) x ${P} position(s) per pass${plan.rest ? ` (+${plan.rest} at each row end)` : ''}, ${plan.terms} statements`;
  return plan;
}

/** Elements of the scratch array of a padded pass: one sample's swept map, zero-padded. */
export const paddedScratchElements = (plan: PaddedConvPlan): number => plan.inC * plan.Hp * plan.Wp;
