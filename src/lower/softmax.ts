// Softmax with cross-entropy: one row of K per sample.
import type { SoftmaxLayer } from '../model/checked.js';
import { floats, kernelCommon } from './kernel.js';
import type { SoftmaxKernel } from './plan.js';

export function planSoftmaxKernels(layer: SoftmaxLayer, batch: number): SoftmaxKernel[] {
  const K = layer.input.c;
  const T = batch;
  return [
    { kind: 'softmax', T, K, ...kernelCommon(layer, 'forward', floats('x', 'y'), `${T} rows of ${K}: max, exp-sum, scale`) },
    { kind: 'softmax', T, K, ...kernelCommon(layer, 'loss', floats('x', 'y', 'z', 'dx'), `${T} rows of ${K}: log-sum-exp, y - z, -Σ z·log y`, 0, 'number') },
    { kind: 'softmax', T, K, ...kernelCommon(layer, 'backward', floats('y', 'dy', 'dx'), `${T} rows of ${K}: dot, then y·(dy - dot)`) },
  ];
}
