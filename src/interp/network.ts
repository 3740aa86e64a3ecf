// Whole networks in the interpreter: forward (training or inference), backward from labels
// (networks ending in softmax) or from a given output sensitivity, weight gradients of
// every layer, and the SGD step. Gradients are batch sums, as the loss is.

import type { CheckedNetwork, Layer } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import { emptyWeights, layerEntry, nameRecord, put, tensorOf } from '../model/weights.js';
import { convBackward, convBiasGrad, convForward, convGrad } from './ops/conv.js';
import { bnBackward, bnForward, type BnCache, type BnParams } from './ops/bn.js';
import { reluBackward, reluForward } from './ops/relu.js';
import { poolBackward, poolForward } from './ops/pool.js';
import { fullBackward, fullForward, fullGrad } from './ops/full.js';
import { softmaxBackward, softmaxCrossEntropy, softmaxForward } from './ops/softmax.js';
import { expectLength } from './ops/tensor.js';

export interface ForwardResult {
  /** The network's input block (a copy), read again by the backward pass. */
  input: Float64Array;
  /** Each layer's output block, in layer order. */
  activations: Float64Array[];
  /** Pool layers' paths (flat in-map indices); null for other layers. */
  paths: (Int32Array | null)[];
  /** BN layers' caches; null for other layers. */
  caches: (BnCache | null)[];
}

export interface BackwardResult {
  /** Σ_t Σ_k -z log y for labels; Σ G·output for an output sensitivity. */
  loss: number;
  /** ∂J/∂output of each layer; softmax's own is null when starting from labels. */
  sensitivities: (Float64Array | null)[];
  /** Gradients of every learnable tensor (w, b, gamma, beta), by layer and key. */
  grads: Weights;
  inputSensitivity: Float64Array;
}

export type BackwardTarget = { labels: Float64Array } | { outSens: Float64Array };

// Layer names index weights as own properties only (a layer may be named `__proto__` or
// `toString`): see src/model/weights.ts.
function tensor(weights: Weights, layer: Layer, key: string): Float64Array {
  const a = tensorOf(weights, layer.name, key);
  if (!a) throw new Error(`weights have no ${layer.name}.${key}`);
  return a;
}

function bnParams(weights: Weights, layer: Layer): BnParams {
  return {
    gamma: tensor(weights, layer, 'gamma'), beta: tensor(weights, layer, 'beta'),
    runningMean: tensor(weights, layer, 'runningMean'), runningVar: tensor(weights, layer, 'runningVar'),
  };
}

/** One forward pass over the whole batch. Training mode updates BN running statistics in `weights`. */
export function forwardNetwork(net: CheckedNetwork, weights: Weights, input: Float64Array, options: { training: boolean }): ForwardResult {
  const T = net.batch;
  expectLength(`network ${net.name} input`, input, T * size3(net.input));
  const activations: Float64Array[] = [];
  const paths: (Int32Array | null)[] = [];
  const caches: (BnCache | null)[] = [];
  let x: Float64Array = Float64Array.from(input);
  for (const layer of net.layers) {
    let y: Float64Array;
    let path: Int32Array | null = null;
    let cache: BnCache | null = null;
    switch (layer.op) {
      case 'conv': y = convForward(layer, T, x, tensor(weights, layer, 'w'), layer.bias ? tensor(weights, layer, 'b') : undefined); break;
      case 'bn': ({ y, cache } = bnForward(layer, T, x, bnParams(weights, layer), options.training)); break;
      case 'relu': y = reluForward(x); break;
      case 'pool': ({ y, path } = poolForward(layer, T, x)); break;
      case 'full': y = fullForward(layer, T, x, tensor(weights, layer, 'w'), layer.bias ? tensor(weights, layer, 'b') : undefined); break;
      case 'softmax': y = softmaxForward(T, layer.output.c, x); break;
    }
    activations.push(y);
    paths.push(path);
    caches.push(cache);
    x = y;
  }
  return { input: Float64Array.from(input), activations, paths, caches };
}

/**
 * One backward pass. From labels (the network must end in softmax) the first sensitivity is
 * y - z on the layer before softmax; from an output sensitivity G it is G on the last layer
 * and J = Σ G·output.
 */
export function backwardNetwork(net: CheckedNetwork, weights: Weights, fwd: ForwardResult, target: BackwardTarget): BackwardResult {
  const T = net.batch;
  const layers = net.layers;
  const inputOf = (l: number) => (l === 0 ? fwd.input : fwd.activations[l - 1]);
  const sensitivities: (Float64Array | null)[] = layers.map(() => null);
  const grads = emptyWeights();
  let loss: number;
  let current: Float64Array;
  let start: number;
  if ('labels' in target) {
    const last = layers[layers.length - 1];
    if (!last || last.op !== 'softmax') throw new Error(`network ${net.name} does not end in softmax: backward needs an output sensitivity, not labels`);
    ({ loss, dx: current } = softmaxCrossEntropy(T, last.output.c, inputOf(layers.length - 1), target.labels));
    start = layers.length - 2;
  } else {
    const output = layers.length ? fwd.activations[layers.length - 1] : fwd.input;
    expectLength(`network ${net.name} output sensitivity`, target.outSens, output.length);
    loss = 0;
    for (let e = 0; e < output.length; e++) loss += target.outSens[e] * output[e];
    current = Float64Array.from(target.outSens);
    start = layers.length - 1;
  }
  for (let l = start; l >= 0; l--) {
    const layer = layers[l];
    const x = inputOf(l);
    const dy = current;
    sensitivities[l] = dy;
    switch (layer.op) {
      case 'conv':
        put(grads, layer.name, tensors(layer.bias ? { w: convGrad(layer, T, dy, x), b: convBiasGrad(layer, T, dy) } : { w: convGrad(layer, T, dy, x) }));
        current = convBackward(layer, T, dy, tensor(weights, layer, 'w'));
        break;
      case 'bn': {
        const { dx, dgamma, dbeta } = bnBackward(layer, T, dy, fwd.caches[l]!, tensor(weights, layer, 'gamma'));
        put(grads, layer.name, tensors({ gamma: dgamma, beta: dbeta }));
        current = dx;
        break;
      }
      case 'relu': current = reluBackward(x, dy); break;
      case 'pool': current = poolBackward(layer, T, dy, fwd.paths[l]!); break;
      case 'full': {
        const g = fullGrad(layer, T, dy, x);
        put(grads, layer.name, tensors(g.b ? { w: g.w, b: g.b } : { w: g.w }));
        current = fullBackward(layer, T, dy, tensor(weights, layer, 'w'));
        break;
      }
      case 'softmax': current = softmaxBackward(T, layer.output.c, fwd.activations[l], dy); break;
    }
  }
  return { loss, sensitivities, grads, inputSensitivity: current };
}

/** A layer's tensors by key, in an object without a prototype. */
function tensors(byKey: Record<string, Float64Array>): Record<string, Float64Array> {
  return Object.assign(nameRecord<Float64Array>(), byKey);
}

/** Zero-filled tensors shaped like every learnable parameter (gradients, velocities). */
export function zeroLike(net: CheckedNetwork): Weights {
  const out = emptyWeights();
  for (const layer of net.layers) {
    const learnable = layer.params.filter((p) => p.learnable);
    if (learnable.length) put(out, layer.name, tensors(Object.fromEntries(learnable.map((p) => [p.key, new Float64Array(p.size)]))));
  }
  return out;
}

/** Sets every gradient to 0. */
export function zeroGrads(grads: Weights): void {
  for (const layer of Object.values(grads)) for (const g of Object.values(layer)) g.fill(0);
}

/**
 * SGD on learnable parameters: v = momentum·v + g; p -= lr·v. Without `velocity` there is no
 * state to carry between steps, so the step is p -= lr·g whatever the momentum.
 */
export function sgdStep(net: CheckedNetwork, weights: Weights, grads: Weights, options: { lr: number; momentum?: number }, velocity?: Weights): void {
  const momentum = options.momentum ?? 0;
  for (const layer of net.layers)
    for (const spec of layer.params) {
      if (!spec.learnable) continue;
      const p = tensor(weights, layer, spec.key);
      const g = tensorOf(grads, layer.name, spec.key);
      if (!g) throw new Error(`gradients have no ${layer.name}.${spec.key}`);
      if (!velocity) {
        for (let e = 0; e < p.length; e++) p[e] -= options.lr * g[e];
        continue;
      }
      const v = tensorOf(velocity, layer.name, spec.key) ?? (layerEntry(velocity, layer.name)[spec.key] = new Float64Array(p.length));
      for (let e = 0; e < p.length; e++) {
        v[e] = momentum * v[e] + g[e];
        p[e] -= options.lr * v[e];
      }
    }
}
