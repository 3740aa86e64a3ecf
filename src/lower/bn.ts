// Batch normalisation: a "line" is the set of values normalised together. In `position`
// mode the T values of one (k,i,j), stride C·H·W apart; in `channel` mode the T·H·W values
// of one channel.
//
// Shard builds (PlanOptions.shard: this module holds `batch` of the `of` samples of a
// mini-batch): the statistics must be the whole mini-batch's, so the kernels that compute
// them stop where a sum over the lines is complete for this shard and write it to the
// float64 `sums` cache; the Model's `reduce` hook replaces those sums by the sums over every
// shard (in the same order on every worker) before the next kernel reads them:
//   training forward: stats (Σx) → reduce → spread (Σ(x−μ)²) → reduce → forward (normalise)
//   backward: backsums (Σdy, Σdy·x̂; dγ, dβ += this shard's) → reduce → backward (dx)
// Two passes for the variance, as the ordinary kernel, so one worker computes what the
// ordinary build does up to the order of the additions.
import type { BnLayer } from '../model/checked.js';
import { floats, kernelCommon } from './kernel.js';
import type { BnKernel, KernelParam } from './plan.js';

/** Lines (statistics) and values per line. */
function bnLines(layer: BnLayer, T: number): { count: number; n: number; describe: string } {
  const { c: C, h: H, w: W } = layer.input;
  const HW = H * W;
  if (layer.mode === 'position') {
    const P = C * HW;
    return { count: P, n: T, describe: `position mode: ${P} lines of ${T} values, stride ${P}` };
  }
  return { count: C, n: T * HW, describe: `channel mode: ${C} lines of ${T}×${HW} values` };
}

export function planBnKernels(layer: BnLayer, batch: number, of?: number): BnKernel[] {
  const L = bnLines(layer, batch);
  const shared = {
    kind: 'bn' as const, mode: layer.mode, T: batch, C: layer.input.c, HW: layer.input.h * layer.input.w,
    count: L.count, n: L.n, eps: layer.eps, momentum: layer.momentum,
  };
  const sweep = floats('x', 'gamma', 'beta', 'runningMean', 'runningVar', 'y', 'xhat', 'invStd');
  const training: KernelParam = { name: 'training', type: 'boolean' };
  if (of === undefined) {
    return [
      { ...shared, ...kernelCommon(layer, 'forward', sweep, L.describe) },
      { ...shared, ...kernelCommon(layer, 'infer', sweep, L.describe) },
      { ...shared, ...kernelCommon(layer, 'backward', [...floats('dy', 'xhat', 'invStd', 'gamma', 'dx', 'dgamma', 'dbeta'), training], L.describe) },
    ];
  }
  const sums: KernelParam = { name: 'sums', type: 'Float64Array' };
  const sync = { ...shared, sync: { N: bnLines(layer, of).n } };
  const of_ = `; shard of ${batch} of ${of} samples, statistics over all ${of}`;
  return [
    { ...sync, ...kernelCommon(layer, 'stats', [...floats('x'), sums], `${L.describe}${of_}: Σx per line into sums[0..count)`) },
    { ...sync, ...kernelCommon(layer, 'spread', [...floats('x'), sums], `${L.describe}${of_}: Σ(x−μ)² per line into sums[count..2count)`) },
    { ...sync, ...kernelCommon(layer, 'forward', [...sweep, sums], `${L.describe}${of_}: normalise with μ, σ² from sums`) },
    { ...shared, ...kernelCommon(layer, 'infer', sweep, L.describe) },
    { ...sync, ...kernelCommon(layer, 'backsums', [...floats('dy', 'xhat', 'dgamma', 'dbeta'), sums], `${L.describe}${of_}: Σdy, Σdy·x̂ per line into sums; dγ, dβ += this shard's`) },
    { ...sync, ...kernelCommon(layer, 'backward', [...floats('dy', 'xhat', 'invStd', 'gamma', 'dx'), sums, training], `${L.describe}${of_}: dx from the sums`) },
  ];
}

/** Sizes of the caches bn's forward fills for its backward: x̂ (like x) and 1/sqrt(σ²+ε) (per line). */
export function bnCacheSizes(layer: BnLayer, batch: number): { xhat: number; invStd: number } {
  const L = bnLines(layer, batch);
  return { xhat: L.count * L.n, invStd: L.count };
}

/** Shard builds: the float64 sums exchanged between workers, two per line. */
export function bnSumsSize(layer: BnLayer): number {
  return 2 * bnLines(layer, 1).count;
}
