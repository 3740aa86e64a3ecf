// The module plan: what the module emitter allocates and calls for each layer, as plain
// data (printable with JSON.stringify for `--dump`). Every size is per whole batch T.
// Kernel bodies are not part of it: they come from the op's kernel emitter (and, for
// conv and pool, its own plan in src/lower/conv.ts and pool.ts).
import type { CheckedNetwork, Layer, ParamSpec } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { kernelName } from '../emit/names.js';
import { bnCacheSizes } from '../emit/kernels/bn.js';
import type { KernelRole } from '../emit/kernels/types.js';

export type Dtype = 'f32' | 'f64';

export interface LayerPlan {
  index: number;
  name: string;
  op: Layer['op'];
  input: [number, number, number];
  output: [number, number, number];
  /** The layer's options as written in .cnn (`kernel=5x5 anchor=(2,2)`), for the header. */
  attributes: string;
  /** Numbers in the output block (T·C·H·W). */
  activation: number;
  /** Numbers in ∂J/∂output (softmax reports none after a backward pass from labels). */
  sensitivity: number;
  /** Int32 entries of the pool path; null for other ops. */
  path: number | null;
  /** BN caches filled by forward for backward. */
  cache: { key: 'xhat' | 'invStd'; size: number }[];
  params: Pick<ParamSpec, 'key' | 'shape' | 'size' | 'learnable' | 'init' | 'fanIn'>[];
  /** Exported kernel names by role. */
  kernels: Partial<Record<KernelRole, string>>;
}

export interface ModulePlan {
  network: string;
  dtype: Dtype;
  batch: number;
  input: [number, number, number];
  output: [number, number, number];
  inputSize: number;
  outputSize: number;
  endsWithSoftmax: boolean;
  layers: LayerPlan[];
  totals: { params: number; macs: number; stateNumbers: number };
}

/** Roles each op exports (the calling conventions are in docs/architecture.md). */
export const roles: Record<Layer['op'], KernelRole[]> = {
  conv: ['forward', 'backward', 'grad'],
  pool: ['forward', 'path', 'backward'],
  full: ['forward', 'backward', 'grad'],
  bn: ['forward', 'infer', 'backward'],
  relu: ['forward', 'backward'],
  softmax: ['forward', 'loss', 'backward'],
};

const shape = (s: { c: number; h: number; w: number }): [number, number, number] => [s.c, s.h, s.w];

export function attributes(layer: Layer): string {
  switch (layer.op) {
    case 'conv': return `out=${layer.output.c} kernel=${layer.kernel.rows}x${layer.kernel.cols} anchor=(${layer.anchor.row},${layer.anchor.col})`;
    case 'bn': return `mode=${layer.mode} eps=${layer.eps} momentum=${layer.momentum}`;
    case 'pool': return `size=${layer.size.rows}x${layer.size.cols} stride=${layer.stride.rows}x${layer.stride.cols} round=${layer.round}`;
    case 'full': return `out=${layer.output.c} bias=${layer.bias}`;
    case 'relu': case 'softmax': return '';
  }
}

export function planModule(net: CheckedNetwork, dtype: Dtype): ModulePlan {
  const T = net.batch;
  const layers = net.layers.map((layer): LayerPlan => {
    const cache = layer.op === 'bn'
      ? (() => { const c = bnCacheSizes(layer, T); return [{ key: 'xhat' as const, size: c.xhat }, { key: 'invStd' as const, size: c.invStd }]; })()
      : [];
    return {
      index: layer.index,
      name: layer.name,
      op: layer.op,
      input: shape(layer.input),
      output: shape(layer.output),
      attributes: attributes(layer),
      activation: T * size3(layer.output),
      sensitivity: T * size3(layer.output),
      path: layer.op === 'pool' ? T * size3(layer.output) : null,
      cache,
      params: layer.params.map(({ key, shape: s, size, learnable, init, fanIn }) => ({ key, shape: s, size, learnable, init, fanIn })),
      kernels: Object.fromEntries(roles[layer.op].map((r) => [r, kernelName(layer.name, r)])),
    };
  });
  const stateNumbers = layers.reduce((a, l) => a + l.params.reduce((b, p) => b + p.size, 0), 0);
  return {
    network: net.name,
    dtype,
    batch: T,
    input: shape(net.input),
    output: shape(net.output),
    inputSize: T * size3(net.input),
    outputSize: T * size3(net.output),
    endsWithSoftmax: net.endsWithSoftmax,
    layers,
    totals: { params: net.totals.params, macs: net.totals.macs, stateNumbers },
  };
}
