// The interpreter engine of `cnnc run`: one forward pass of the float64 reference
// interpreter and, given labels or an output sensitivity, one backward pass, reported as
// the trace of docs/formats.md.
import type { CheckedNetwork } from '../model/checked.js';
import type { Engine, RunRequest, Trace, TraceLayer } from '../model/trace.js';
import { cloneWeights, layerTensors } from '../model/weights.js';
import { backwardNetwork, forwardNetwork, type BackwardResult } from '../interp/index.js';

export function createInterpreterEngine(): Engine {
  return {
    name: 'interpreter',
    async run(net: CheckedNetwork, req: RunRequest): Promise<Trace> {
      // A deep copy, so that a training-mode pass (which moves BN running statistics) leaves the caller's weights alone.
      const weights = cloneWeights(req.weights);
      const fwd = forwardNetwork(net, weights, req.input, { training: req.mode === 'train' });
      let bwd: BackwardResult | null = null;
      if (req.labels) bwd = backwardNetwork(net, weights, fwd, { labels: req.labels });
      else if (req.outSens) bwd = backwardNetwork(net, weights, fwd, { outSens: req.outSens });
      const layers = net.layers.map((layer, l): TraceLayer => {
        const sensitivity = bwd?.sensitivities[l];
        const grads = (bwd && layerTensors(bwd.grads, layer.name)) ?? {};
        const entry: TraceLayer = {
          name: layer.name,
          op: layer.op,
          shape: [net.batch, layer.output.c, layer.output.h, layer.output.w],
          output: Array.from(fwd.activations[l]),
          sensitivity: sensitivity ? Array.from(sensitivity) : null,
          grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Array.from(g)])),
        };
        const path = fwd.paths[l];
        if (layer.op === 'pool' && path) entry.path = Array.from(path);
        return entry;
      });
      return {
        network: net.name,
        engine: 'interpreter',
        loss: bwd ? bwd.loss : null,
        layers,
        inputSensitivity: bwd ? Array.from(bwd.inputSensitivity) : null,
      };
    },
  };
}
