// What every kernel plan shares: its name, helper prefix, signature and schedule text.
import type { Layer } from '../model/checked.js';
import { helperPrefix, kernelName } from './names.js';
import type { KernelParam, KernelRole } from './plan.js';

/** Parameters of type F, in call order. */
export const floats = (...names: string[]): KernelParam[] => names.map((name) => ({ name, type: 'F' as const }));

export function kernelCommon(
  layer: Layer, role: KernelRole, params: KernelParam[], schedule: string, macs = 0, returns: 'void' | 'number' = 'void',
) {
  return {
    layer: layer.index, role, name: kernelName(layer.name, role), helperPrefix: helperPrefix(layer.name), params, returns, schedule, macs,
    scratch: null,
    wasm: null,
  };
}
