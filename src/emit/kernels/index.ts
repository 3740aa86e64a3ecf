// The kernel emitter of each op: the one table the module emitter consults.
import type { Layer, Op } from '../../model/checked.js';
import { emitBn } from './bn.js';
import { emitConv } from './conv.js';
import { emitPool } from './pool.js';
import { emitFull } from './full.js';
import { emitRelu } from './relu.js';
import { emitSoftmax } from './softmax.js';
import type { EmitContext, KernelEmitter, KernelSource } from './types.js';

type Registry = { [K in Op]: KernelEmitter<Extract<Layer, { op: K }>> };

export const kernelEmitters: Registry = {
  conv: emitConv,
  pool: emitPool,
  bn: emitBn,
  relu: emitRelu,
  full: emitFull,
  softmax: emitSoftmax,
};

/** Every kernel of one layer, from its op's emitter. */
export function emitLayerKernels(layer: Layer, ctx: EmitContext): KernelSource[] {
  const emit = kernelEmitters[layer.op] as KernelEmitter | undefined;
  if (!emit) throw new Error(`cnnc: no kernel emitter for op ${layer.op}`);
  return emit(layer, ctx);
}
