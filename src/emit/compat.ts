// Plan-then-print entry points for single layers, kept for the kernel benchmarks and tests
// that call them (src/bench/cases.ts, bench/kernels/*.mjs, test/kernels-*.test.ts). They
// are the only code in src/emit/ besides compileNetwork (src/emit/index.ts) that calls into
// src/lower/; every printer takes a plan.
import type { ConvLayer, Layer, PoolLayer, ReluLayer } from '../model/checked.js';
import { CONV_PARAMS, planConvKernels, type ConvScheduleOptions } from '../lower/conv.js';
import { paddedScratchElements, type PaddedConvPlan } from '../lower/conv-padded.js';
import { floats } from '../lower/kernel.js';
import { helperPrefix, kernelName } from '../lower/names.js';
import type { ConvPaddedKernel } from '../lower/plan.js';
import { planLayerKernels } from '../lower/ops.js';
import { planPoolKernels } from '../lower/pool.js';
import { planReluKernels } from '../lower/relu.js';
import { printConvPadded } from './kernels/conv-padded.js';
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

/** A padded plan of planPaddedConv printed on its own (benchmarks); `prefix` is the layer name. */
export function emitPaddedPass(prefix: string, plan: PaddedConvPlan, ctx: EmitContext): KernelSource {
  const k: ConvPaddedKernel = {
    kind: 'conv-padded', pass: plan.pass, conv: plan, layer: -1, role: plan.pass, name: kernelName(prefix, plan.pass),
    helperPrefix: helperPrefix(prefix), params: floats(...CONV_PARAMS[plan.pass]), returns: 'void', schedule: plan.schedule, macs: plan.macs,
    scratch: { elements: paddedScratchElements(plan), buffer: -1 },
  };
  return { role: k.role, name: k.name, params: k.params, returns: 'void', code: printConvPadded(k, ctx.dtype), schedule: k.schedule, macs: k.macs };
}
