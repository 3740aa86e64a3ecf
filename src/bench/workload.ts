// The data every benchmark uses, seeded so that cnnc and every peer see the same numbers:
// weights from the seeded initialisation, an input batch uniform in [-1, 1), one-hot labels,
// and the interpreter's inference output that engines must match (the peers harness adds
// the weight gradients, bench/peers/lib/reference.mjs).
import type { CheckedNetwork } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { initWeights, mulberry32 } from '../model/init.js';
import { cloneWeights as copyWeights, type Weights } from '../model/weights.js';
import { forwardNetwork } from '../interp/index.js';

export const WEIGHT_SEED = 0;
export const DATA_SEED = 1234;

export interface Workload {
  net: CheckedNetwork;
  weights: Weights;
  /** T·C·H·W numbers, NCHW. */
  input: Float64Array;
  /** Class of each sample (softmax networks). */
  classes: Int32Array;
  /** T·K one-hot rows (softmax networks), or the output sensitivity G (other networks). */
  target: Float64Array;
}

/** A deep copy (src/model/weights.ts: objects without a prototype, for any layer name). */
export function cloneWeights(w: Weights): Weights {
  return copyWeights(w);
}

/** The seeded workload of `net` at its own batch size. */
export function makeWorkload(net: CheckedNetwork, seeds: { weights?: number; data?: number } = {}): Workload {
  const T = net.batch;
  const next = mulberry32(seeds.data ?? DATA_SEED);
  const input = new Float64Array(T * size3(net.input));
  for (let i = 0; i < input.length; i++) input[i] = 2 * next() - 1;
  const K = size3(net.output);
  const classes = new Int32Array(T);
  const target = new Float64Array(T * K);
  for (let t = 0; t < T; t++) {
    if (net.endsWithSoftmax) {
      classes[t] = Math.min(K - 1, Math.floor(next() * K));
      target[t * K + classes[t]] = 1;
    } else {
      for (let k = 0; k < K; k++) target[t * K + k] = 2 * next() - 1;
    }
  }
  return { net, weights: initWeights(net, seeds.weights ?? WEIGHT_SEED), input, classes, target };
}

/** The interpreter's inference output (BN with running statistics). Leaves `w.weights` untouched. */
export function referenceInference(w: Workload): Float64Array {
  const fwd = forwardNetwork(w.net, cloneWeights(w.weights), w.input, { training: false });
  return fwd.activations.length ? fwd.activations[fwd.activations.length - 1] : fwd.input;
}
