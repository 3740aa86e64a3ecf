// The lowering: checked network → NetworkPlan (src/lower/plan.ts), the one source of every
// decision the emitters print: layers, every kernel with its schedule and parameters, and
// the buffer table. Every size is per whole batch T.
import { basename } from 'node:path';
import type { CheckedNetwork, Layer } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { bufferName, planMemory, planWasmMemory } from './memory.js';
import { inferencePlan } from './inference.js';
import { lowering, planLayerKernels, type LowerContext } from './ops.js';
import type { KernelPlan, LayerPlan, NetworkPlan, PlanOptions } from './plan.js';

export type * from './plan.js';
export { bufferName, findBuffer } from './memory.js';
export { kernelName, kernelPrefix } from './names.js';
export { opLowering, planLayerKernels } from './ops.js';

const GRAD_OF: Record<string, string> = { dw: 'w', db: 'b', dgamma: 'gamma', dbeta: 'beta' };

/** The MemoryPlan.index key of the buffer a kernel parameter of layer `i` is bound to. */
function paramBuffer(name: string, i: number): string {
  switch (name) {
    case 'x': return i === 0 ? bufferName('input', -1) : bufferName('activation', i - 1);
    case 'y': return bufferName('activation', i);
    case 'dy': return bufferName('sensitivity', i);
    case 'dx': return i === 0 ? bufferName('inputSensitivity', -1) : bufferName('sensitivity', i - 1);
    case 'path': return bufferName('path', i);
    case 'z': return bufferName('labels', -1);
    case 'xhat': case 'invStd': case 'sums': return bufferName('cache', i, name);
    default: return name in GRAD_OF ? bufferName('grad', i, GRAD_OF[name]) : bufferName('param', i, name);
  }
}

const shape = (s: { c: number; h: number; w: number }): [number, number, number] => [s.c, s.h, s.w];

/** The layer's options as written in .cnn, every default resolved (the module header). */
export const attributes = (layer: Layer): string => lowering(layer).attributes(layer);

/** The model file's base name with anything but harmless characters replaced (it goes into `//` comments). */
export function sourceName(source: string | undefined, network: string): string {
  return source ? basename(source).replace(/[^\w.+@-]/g, '_') : `${network}.cnn`;
}

/** The target when none is given: wasm, except js for f64 (the WebAssembly kernels are float32). The one place this rule lives. */
export function defaultTarget(dtype: 'f32' | 'f64' | undefined): 'js' | 'wasm' {
  return dtype === 'f64' ? 'js' : 'wasm';
}

export function planNetwork(net: CheckedNetwork, options: PlanOptions = {}): NetworkPlan {
  if (options.weights !== undefined && !options.inference) throw new Error('cnnc: weights are embedded by inference builds only');
  if (options.inference) {
    const { inference: _, weights, weightsSource, ...ordinary } = options;
    return inferencePlan(planNetwork(net, ordinary), net, weights, weightsSource);
  }
  const dtype = options.dtype ?? 'f32';
  const target = options.target ?? defaultTarget(dtype);
  if (target === 'wasm' && dtype !== 'f32') throw new Error('cnnc: the WebAssembly target is float32 only: use the js target for f64');
  const convSchedule = options.convSchedule ?? 'padded';
  const shard = options.shard;
  if (shard !== undefined && !(Number.isInteger(shard) && shard >= 1 && shard <= net.batch)) {
    throw new Error(`cnnc: a shard of ${shard} samples: it must be a whole number from 1 to the batch (${net.batch})`);
  }
  // Every size below is per this module's samples: the shard's in a shard build.
  const T = shard ?? net.batch;
  const ctx: LowerContext = { batch: T, conv: convSchedule === 'split' ? { padded: false } : {}, target, ...(shard !== undefined && { shardOf: net.batch }) };
  const kernelsOf = net.layers.map((layer) => planLayerKernels(layer, ctx));
  const layers = net.layers.map((layer, i): LayerPlan => ({
    index: layer.index,
    name: layer.name,
    op: layer.op,
    input: shape(layer.input),
    output: shape(layer.output),
    attributes: attributes(layer),
    activation: T * size3(layer.output),
    sensitivity: T * size3(layer.output),
    path: lowering(layer).path ? T * size3(layer.output) : null,
    cache: lowering(layer).caches(layer, T, ctx.shardOf),
    params: layer.params.map(({ key, shape: s, size, learnable, init, fanIn }) => ({ key, shape: s, size, learnable, init, fanIn })),
    kernels: Object.fromEntries(kernelsOf[i].map((k) => [k.role, k.name])),
  }));
  const inputSize = T * size3(net.input);
  const outputSize = T * size3(net.output);
  const flat = kernelsOf.flat();
  // Target wasm: one scratch region shared by every wasm kernel (they run one at a time), as
  // large as the largest need: the layout the module had before the scratch was in the plan.
  const wasmScratch = Math.max(0, ...flat.map((k) => k.wasm?.scratchBytes ?? 0));
  const memory = planMemory(layers, flat, dtype, { input: inputSize, labels: net.endsWithSoftmax ? outputSize : null }, wasmScratch);
  const kernels = flat.map((k): KernelPlan => {
    const params = k.params.map((p) => ({ ...p, buffer: p.type === 'boolean' ? null : paramBuffer(p.name, k.layer) }));
    for (const p of params) {
      if (p.buffer !== null && !(p.buffer in memory.index)) throw new Error(`cnnc: ${k.name}: parameter ${p.name} has no buffer ${p.buffer}`);
    }
    const scratch = k.scratch && { ...k.scratch, buffer: memory.index[bufferName('scratch', k.layer, k.role)] };
    return { ...k, params, scratch } as KernelPlan;
  });
  const stateNumbers = layers.reduce((a, l) => a + l.params.reduce((b, p) => b + p.size, 0), 0);
  return {
    planVersion: 1,
    network: net.name,
    source: sourceName(options.source, net.name),
    dtype,
    target,
    convSchedule,
    batch: T,
    ...(shard !== undefined && { shard: { batch: shard, of: net.batch } }),
    input: shape(net.input),
    output: shape(net.output),
    inputSize,
    outputSize,
    endsWithSoftmax: net.endsWithSoftmax,
    layers,
    kernels,
    memory,
    wasm: target === 'wasm' ? planWasmMemory(memory) : null,
    totals: { params: net.totals.params, macs: net.totals.macs, stateNumbers },
    checked: net,
  };
}
