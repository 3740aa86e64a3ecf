// cnnc itself, timed by the same loop as the peers: the generated module (compiled from the
// checked network at the batch size asked for) and, for reference, the interpreter.
import { load, workload as W } from '../lib/cnnc.mjs';

const interp = await load('interp/index.js');

export function createInterpreter(net, weights) {
  const own = W.cloneWeights(weights);
  const grads = interp.zeroLike(net);
  return {
    canTrain: null,
    async infer(input, T) {
      const fwd = interp.forwardNetwork({ ...net, batch: T }, own, input, { training: false });
      return fwd.activations[fwd.activations.length - 1];
    },
    inferRunner(input, T) {
      const n = { ...net, batch: T };
      return () => interp.forwardNetwork(n, own, input, { training: false });
    },
    gradients(input, target, T) {
      const n = { ...net, batch: T };
      const fwd = interp.forwardNetwork(n, W.cloneWeights(weights), input, { training: true });
      return interp.backwardNetwork(n, own, fwd, net.endsWithSoftmax ? { labels: target } : { outSens: target });
    },
    trainRunner(input, target, T, lr) {
      const n = { ...net, batch: T };
      return () => {
        const fwd = interp.forwardNetwork(n, own, input, { training: true });
        const b = interp.backwardNetwork(n, own, fwd, net.endsWithSoftmax ? { labels: target } : { outSens: target });
        interp.sgdStep(n, own, b.grads, { lr });
      };
    },
  };
}
