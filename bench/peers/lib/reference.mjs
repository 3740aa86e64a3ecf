// The interpreter's answers a training step must match: the loss and every weight gradient
// of one batch of the seeded workload (BN with batch statistics), from cnnc's interpreter.
import { load, workload as W } from './cnnc.mjs';

const { forwardNetwork, backwardNetwork } = await load('interp/index.js');

/** { loss, grads } of the workload `w` (its weights untouched). */
export function referenceGradients(w) {
  const weights = W.cloneWeights(w.weights);
  const fwd = forwardNetwork(w.net, weights, w.input, { training: true });
  const target = w.net.endsWithSoftmax ? { labels: w.target } : { outSens: w.target };
  const { loss, grads } = backwardNetwork(w.net, weights, fwd, target);
  return { loss, grads };
}
