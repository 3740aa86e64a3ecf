// The lowering's table of ops: for each op, the kernels it exports (roles in order, each
// planned by the op's planner in src/lower/<op>.ts), the caches its forward fills for its
// backward, and its options in words. Adding an op adds one entry here.
import type { Layer, Op } from '../model/checked.js';
import { bnCacheSizes, bnSumsSize, planBnKernels } from './bn.js';
import { planConvKernels, type ConvScheduleOptions } from './conv.js';
import { planFullKernels } from './full.js';
import type { KernelPlan, KernelRole, Target, WasmKernelPlan } from './plan.js';
import { planPoolKernels } from './pool.js';
import { planReluKernels } from './relu.js';
import { planSoftmaxKernels } from './softmax.js';
import { planWasmConv } from './wasm-conv.js';
import { planWasmFull } from './wasm-full.js';

export interface LowerContext {
  batch: number;
  /** Conv schedule knobs; `padded: false` is `--conv-schedule split`. */
  conv: Partial<ConvScheduleOptions>;
  /** Target wasm: each kernel also gets its WebAssembly schedule (KernelPlan.wasm). Default js. */
  target?: Target;
  /** Shard builds: the samples of the whole mini-batch (`batch` is this shard's); see PlanOptions.shard. */
  shardOf?: number;
}

export interface OpLowering<L extends Layer = Layer> {
  /** Exported kernels, in the order the planner returns them (calling conventions: docs/architecture.md). */
  roles: KernelRole[];
  /** The roles in a shard build, when they differ (bn: split where the sums are exchanged). */
  shardRoles?: KernelRole[];
  plan(layer: L, ctx: LowerContext): KernelPlan[];
  /** Target wasm: the WebAssembly schedule of the kernel of one role (src/lower/wasm-<op>.ts). */
  wasm(layer: L, role: KernelRole, batch: number): WasmKernelPlan;
  /** The forward records a path (an Int32 per output: where each output's value came from). */
  path: boolean;
  /** Caches forward fills for backward, in elements (float64 where `type` says so). */
  caches(layer: L, batch: number, shardOf?: number): { key: string; size: number; type?: 'f64' }[];
  /** Every option with its resolved value (`kernel=5x5 anchor=(2,2)`): the module header. */
  attributes(layer: L): string;
  /** The options as the graph and summary show them (defaults that say nothing left out). */
  describe(layer: L): string;
}

type Table = { [K in Op]: OpLowering<Extract<Layer, { op: K }>> };

const none = () => [];
/** The op's wasm kernels have one fixed schedule and no scratch. */
const fixedWasm = (): WasmKernelPlan => ({ plain: null, relaxed: null, scratchBytes: 0 });

export const opLowering: Table = {
  conv: {
    path: false,
    roles: ['forward', 'backward', 'grad'],
    plan: (l, ctx) => planConvKernels(l, ctx.batch, ctx.conv),
    wasm: planWasmConv,
    caches: none,
    // bias=false is left out even in the header: unbiased modules print as before conv had it.
    attributes: (l) => `out=${l.output.c} kernel=${l.kernel.rows}x${l.kernel.cols} anchor=(${l.anchor.row},${l.anchor.col})${l.bias ? ' bias=true' : ''}`,
    describe: (l) => `out=${l.output.c} kernel=${l.kernel.rows}x${l.kernel.cols} anchor=(${l.anchor.row},${l.anchor.col})${l.bias ? ' bias=true' : ''}`,
  },
  pool: {
    path: true,
    roles: ['forward', 'path', 'backward'],
    plan: (l, ctx) => planPoolKernels(l, ctx.batch),
    wasm: fixedWasm,
    caches: none,
    attributes: (l) => `size=${l.size.rows}x${l.size.cols} stride=${l.stride.rows}x${l.stride.cols} round=${l.round}`,
    describe: (l) => `size=${l.size.rows}x${l.size.cols} stride=${l.stride.rows}x${l.stride.cols} round=${l.round}`,
  },
  full: {
    path: false,
    roles: ['forward', 'backward', 'grad'],
    plan: (l, ctx) => planFullKernels(l, ctx.batch),
    wasm: (l, role) => planWasmFull(l, role),
    caches: none,
    attributes: (l) => `out=${l.output.c} bias=${l.bias}`,
    describe: (l) => `out=${l.output.c}${l.bias ? ' bias=true' : ''}`,
  },
  bn: {
    path: false,
    roles: ['forward', 'infer', 'backward'],
    shardRoles: ['stats', 'spread', 'forward', 'infer', 'backsums', 'backward'],
    plan: (l, ctx) => planBnKernels(l, ctx.batch, ctx.shardOf),
    wasm: fixedWasm,
    caches: (l, T, shardOf) => {
      const c = bnCacheSizes(l, T);
      const own = [{ key: 'xhat', size: c.xhat }, { key: 'invStd', size: c.invStd }];
      return shardOf === undefined ? own : [...own, { key: 'sums', size: bnSumsSize(l), type: 'f64' as const }];
    },
    attributes: (l) => `mode=${l.mode} eps=${l.eps} momentum=${l.momentum}`,
    describe: (l) => `mode=${l.mode} eps=${l.eps} momentum=${l.momentum}`,
  },
  relu: {
    path: false,
    roles: ['forward', 'backward'],
    plan: (l, ctx) => planReluKernels(l, ctx.batch),
    wasm: fixedWasm,
    caches: none,
    attributes: () => '',
    describe: () => '',
  },
  softmax: {
    path: false,
    roles: ['forward', 'loss', 'backward'],
    plan: (l, ctx) => planSoftmaxKernels(l, ctx.batch),
    wasm: fixedWasm,
    caches: none,
    attributes: () => '',
    describe: () => '',
  },
};

/** The table entry of a layer's op. */
export function lowering(layer: Layer): OpLowering {
  const entry = opLowering[layer.op] as OpLowering | undefined;
  if (!entry) throw new Error(`cnnc: no lowering for op ${layer.op}`);
  return entry;
}

/** Every kernel of one layer, planned by its op (with its wasm schedule for target wasm). */
export function planLayerKernels(layer: Layer, ctx: LowerContext): KernelPlan[] {
  const entry = lowering(layer);
  const kernels = entry.plan(layer, ctx);
  const roles = kernels.map((k) => k.role).join(',');
  const expected = (ctx.shardOf !== undefined && entry.shardRoles) || entry.roles;
  if (roles !== expected.join(',')) throw new Error(`cnnc: the ${layer.op} planner gave kernels ${roles}, expected ${expected.join(',')}`);
  if (ctx.target === 'wasm') return kernels.map((k) => ({ ...k, wasm: entry.wasm(layer, k.role, ctx.batch) }));
  return kernels;
}
