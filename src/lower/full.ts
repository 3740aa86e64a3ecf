// Full connection: register tiles. A tile of S samples × R weight rows runs one loop over
// i with literal bound K; each step loads S + R numbers and does S·R multiply-adds, so every
// weight read serves S samples and every input read serves R rows. Remainders (T mod S,
// C_r mod R) get their own smaller tiles, fixed here at compile time.
import type { FullLayer } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { floats, kernelCommon } from './kernel.js';
import type { FullTilesKernel, Segment } from './plan.js';

/**
 * Tile sizes per pass: forward and backward [samples, rows], grad [rows, samples]. Measured on
 * LeNet's f1 (T=32, K=784, C_r=120, float32), against 1×1 tiles: forward 4×4 ≈ 3×, backward
 * 8 samples × 4 rows ≈ 6-8×, grad 4 rows × 8 samples ≈ 6×; larger tiles gained nothing more.
 */
export const FULL_TILES = { forward: [4, 4], backward: [8, 4], grad: [4, 8] };

/** Splits 0..n into a run of full blocks of `size` and one remainder block. */
export function segments(n: number, size: number): Segment[] {
  const s = Math.min(size, n);
  const full = n - (n % s);
  const out = [{ start: 0, end: full, step: s }];
  if (full < n) out.push({ start: full, end: n, step: n - full });
  return out;
}

export function planFullKernels(layer: FullLayer, batch: number): FullTilesKernel[] {
  const T = batch;
  const K = size3(layer.input);
  const C = layer.output.c;
  const macs = T * C * K;
  const bias = layer.bias;
  const tileNote = (role: keyof typeof FULL_TILES, a: string, b: string) => {
    const [p, q] = FULL_TILES[role];
    return `${Math.min(p, role === 'grad' ? C : T)} ${a} × ${Math.min(q, role === 'grad' ? T : C)} ${b} tiles over K=${K}`;
  };
  const shared = { kind: 'full-tiles' as const, T, K, C, bias };
  return [
    {
      ...shared, pass: 'forward', outer: segments(T, FULL_TILES.forward[0]), inner: segments(C, FULL_TILES.forward[1]),
      ...kernelCommon(layer, 'forward', floats(...(bias ? ['x', 'w', 'b', 'y'] : ['x', 'w', 'y'])), tileNote('forward', 'samples', 'rows'), macs),
    },
    {
      ...shared, pass: 'backward', outer: segments(T, FULL_TILES.backward[0]), inner: segments(C, FULL_TILES.backward[1]),
      ...kernelCommon(layer, 'backward', floats('dy', 'w', 'dx'), tileNote('backward', 'samples', 'rows'), macs),
    },
    {
      ...shared, pass: 'grad', outer: segments(C, FULL_TILES.grad[0]), inner: segments(T, FULL_TILES.grad[1]),
      ...kernelCommon(layer, 'grad', floats(...(bias ? ['dy', 'x', 'dw', 'db'] : ['dy', 'x', 'dw'])), tileNote('grad', 'rows', 'samples'), macs),
    },
  ];
}
