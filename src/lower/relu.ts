// ReLU: one flat loop over the whole batch (element-wise work gains nothing from unrolling).
import type { ReluLayer } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { floats, kernelCommon } from './kernel.js';
import type { ReluKernel } from './plan.js';

export function planReluKernels(layer: ReluLayer, batch: number): ReluKernel[] {
  const n = batch * size3(layer.input);
  const schedule = `flat loop over ${n} elements`;
  return [
    { kind: 'relu', n, ...kernelCommon(layer, 'forward', floats('x', 'y'), schedule) },
    { kind: 'relu', n, ...kernelCommon(layer, 'backward', floats('x', 'dy', 'dx'), schedule) },
  ];
}
