import type { CheckedNetwork } from '../model/checked.js';
import type { ModulePlan } from '../lower/index.js';
import type { KernelSource } from './kernels/types.js';

export function renderTest(_net: CheckedNetwork, _plan: ModulePlan, _kernels: KernelSource[]): string {
  return '';
}
