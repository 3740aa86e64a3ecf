// Batch normalisation: a "line" is the set of values normalised together. In `position`
// mode the T values of one (k,i,j), stride C·H·W apart; in `channel` mode the T·H·W values
// of one channel.
import type { BnLayer } from '../model/checked.js';
import { floats, kernelCommon } from './kernel.js';
import type { BnKernel } from './plan.js';

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

export function planBnKernels(layer: BnLayer, batch: number): BnKernel[] {
  const L = bnLines(layer, batch);
  const shared = {
    kind: 'bn' as const, mode: layer.mode, T: batch, C: layer.input.c, HW: layer.input.h * layer.input.w,
    count: L.count, n: L.n, eps: layer.eps, momentum: layer.momentum,
  };
  const sweep = floats('x', 'gamma', 'beta', 'runningMean', 'runningVar', 'y', 'xhat', 'invStd');
  return [
    { ...shared, ...kernelCommon(layer, 'forward', sweep, L.describe) },
    { ...shared, ...kernelCommon(layer, 'infer', sweep, L.describe) },
    {
      ...shared,
      ...kernelCommon(layer, 'backward', [...floats('dy', 'xhat', 'invStd', 'gamma', 'dx', 'dgamma', 'dbeta'), { name: 'training', type: 'boolean' }], L.describe),
    },
  ];
}

/** Sizes of the caches bn's forward fills for its backward: x̂ (like x) and 1/sqrt(σ²+ε) (per line). */
export function bnCacheSizes(layer: BnLayer, batch: number): { xhat: number; invStd: number } {
  const L = bnLines(layer, batch);
  return { xhat: L.count * L.n, invStd: L.count };
}
