// Work counts for GFLOP/s (docs/operations.md, "Counting work"): a multiply-add is 2 FLOPs; conv
// forward, backward and gradient each do C_r·C_l·H·W·M·N multiply-adds per sample (padded
// positions counted), full C_r·K_l each. Other ops count no multiply-adds.
import type { CheckedNetwork, Layer } from '../model/checked.js';

const mathOps = new Set(['forward', 'backward', 'grad', 'path', 'infer']);

/** FLOPs of one call of a layer kernel over a batch of T, or 0 for ops without multiply-adds. */
export function layerFlops(layer: Layer, role: string, T: number): number {
  if (layer.op !== 'conv' && layer.op !== 'full') return 0;
  return mathOps.has(role) && role !== 'path' ? 2 * layer.macs * T : 0;
}

/** FLOPs of a whole inference pass (`infer`) or training step (`train`: forward, backward, gradient). */
export function networkFlops(net: CheckedNetwork, what: 'infer' | 'train'): number {
  const forward = 2 * net.totals.macs * net.batch;
  return what === 'infer' ? forward : 3 * forward;
}
