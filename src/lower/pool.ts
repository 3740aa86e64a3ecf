// Kernel plan for max pooling: the pool windows of every output, clipped to the map by
// window.ts at compile time (only ceil-mode pools are ever clipped), grouped into regions
// whose pools all read the same taps. Each region's pool is unrolled while the function
// stays within the budget; a pool too large for it keeps literal-bounded tap loops.

import type { PoolLayer } from '../model/checked.js';
import { MAX_TERMS_PER_FUNCTION, ROLLED_REGION_TERMS, packByCost } from './budget.js';
import { kernelCommon } from './kernel.js';
import type { PoolBackwardKernel, PoolSweepKernel } from './plan.js';
import type { Region, WindowAxis } from './window.js';
import { poolAxis, regionTaps, windowRegions } from './window.js';

export interface PoolPiece {
  regions: Region[];
  unroll: 'window' | 'rolled';
  /** Unrolled statements in the function (the budget measure). */
  terms: number;
}

export interface PoolPlan {
  batch: number;
  C: number;
  Hl: number;
  Wl: number;
  Hr: number;
  Wr: number;
  rows: WindowAxis;
  cols: WindowAxis;
  pieces: PoolPiece[];
  schedule: string;
}

export function planPool(layer: PoolLayer, batch: number, budget = MAX_TERMS_PER_FUNCTION): PoolPlan {
  const { c: C, h: Hl, w: Wl } = layer.input;
  const { h: Hr, w: Wr } = layer.output;
  const rows = poolAxis(Hl, Hr, layer.size.rows, layer.stride.rows);
  const cols = poolAxis(Wl, Wr, layer.size.cols, layer.stride.cols);
  // A pool always starts inside the map (shape rule), so no region is empty.
  const regions = windowRegions(rows, cols).filter((r) => !r.empty);
  const pieces: PoolPiece[] = [];
  const packs = packByCost(regions, regionTaps, budget);
  if (packs !== null) {
    for (const p of packs) pieces.push({ regions: p, unroll: 'window', terms: p.reduce((a, r) => a + regionTaps(r), 0) });
  } else {
    const perFunction = Math.max(1, Math.floor(budget / ROLLED_REGION_TERMS));
    for (let r = 0; r < regions.length; r += perFunction) {
      const part = regions.slice(r, r + perFunction);
      pieces.push({ regions: part, unroll: 'rolled', terms: part.length * ROLLED_REGION_TERMS });
    }
  }
  const clipped = regions.filter((r) => !r.interior).length;
  const schedule = `${layer.size.rows}x${layer.size.cols} pool, stride ${layer.stride.rows}x${layer.stride.cols}, ` +
    `${layer.round}: ${regions.length} region(s), ${clipped} clipped; ` +
    `${pieces[0]?.unroll === 'rolled' ? 'tap loops rolled (pool over budget)' : 'pool unrolled'} in ${pieces.length} function(s); ` +
    `channels and samples in one loop of ${batch * C}`;
  return { batch, C, Hl, Wl, Hr, Wr, rows, cols, pieces, schedule };
}

/** The three pool kernels: forward (no path), path, backward (routes dy along the path). */
export function planPoolKernels(layer: PoolLayer, batch: number, budget = MAX_TERMS_PER_FUNCTION): [PoolSweepKernel, PoolSweepKernel, PoolBackwardKernel] {
  const pool = planPool(layer, batch, budget);
  const F = 'F' as const;
  const maps = batch * pool.C;
  const outMap = pool.Hr * pool.Wr;
  return [
    { kind: 'pool-sweep', withPath: false, pool, ...kernelCommon(layer, 'forward', [{ name: 'x', type: F }, { name: 'y', type: F }], pool.schedule) },
    {
      kind: 'pool-sweep', withPath: true, pool,
      ...kernelCommon(layer, 'path', [{ name: 'x', type: F }, { name: 'y', type: F }, { name: 'path', type: 'Int32Array' }], pool.schedule),
    },
    {
      kind: 'pool-backward', maps, inMap: pool.Hl * pool.Wl, outMap,
      ...kernelCommon(layer, 'backward', [{ name: 'dy', type: F }, { name: 'path', type: 'Int32Array' }, { name: 'dx', type: F }],
        `${maps} maps of ${outMap} outputs, each routed to its path (overlapping pools accumulate)`),
    },
  ];
}
