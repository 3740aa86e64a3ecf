// Plan-then-print entry points for single layers, kept for the kernel benchmarks and tests
// that call them (src/bench/cases.ts, bench/kernels/*.mjs, test/kernels-*.test.ts). They
// are the only code in src/emit/ besides compileNetwork (src/emit/index.ts) that calls into
// src/lower/; every printer takes a plan.
import type { ConvLayer, Layer, PoolLayer, ReluLayer } from '../model/checked.js';
import { planConvKernels, type ConvScheduleOptions } from '../lower/conv.js';
import { planLayerKernels } from '../lower/ops.js';
import { planPoolKernels } from '../lower/pool.js';
import { planReluKernels } from '../lower/relu.js';
import type { EmitContext, KernelSource } from './kernels/types.js';
import { printKernel } from './ops.js';

/** Every kernel of one layer: planned as `cnnc build` plans it, then printed. */
export function emitLayerKernels(layer: Layer, ctx: EmitContext): KernelSource[] {
  const conv = ctx.convSchedule === 'split' ? { padded: false } : {};
  return planLayerKernels(layer, { batch: ctx.batch, conv }).map((k) => printKernel(k, ctx.dtype));
}

export const emitConv = (layer: ConvLayer, ctx: EmitContext): KernelSource[] => emitLayerKernels(layer, ctx);

/** The conv kernels with schedule knobs other than the defaults (benchmarks, tests). */
export function emitConvWith(layer: ConvLayer, ctx: EmitContext, options: Partial<ConvScheduleOptions>): KernelSource[] {
  return planConvKernels(layer, ctx.batch, options).map((k) => printKernel(k, ctx.dtype));
}

export const emitPool = (layer: PoolLayer, ctx: EmitContext): KernelSource[] =>
  planPoolKernels(layer, ctx.batch).map((k) => printKernel(k, ctx.dtype));

export const emitRelu = (layer: ReluLayer, ctx: EmitContext): KernelSource[] =>
  planReluKernels(layer, ctx.batch).map((k) => printKernel(k, ctx.dtype));
