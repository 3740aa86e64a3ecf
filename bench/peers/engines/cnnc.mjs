// cnnc itself, timed by the same loop as the peers: the generated module (compiled from the
// checked network at the batch size asked for, at its WebAssembly or its JS target) and, for
// reference, the interpreter.
import { generated, load, workload as W } from '../lib/cnnc.mjs';

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

const { compileAndImport, weightsJson } = generated;

/** The generated module at `target` ('wasm' or 'js'), one compiled per batch size (sizes are literals in it). */
export function createGenerated(net, weights, target = 'wasm') {
  const models = new Map();
  const compile = async (T) => {
    const module = await compileAndImport({ ...net, batch: T }, { target });
    if (module.meta.target !== undefined && module.meta.target !== target) throw new Error(`asked for the ${target} target, got a ${module.meta.target} module`);
    return module;
  };
  const modelFor = async (T) => {
    if (!models.has(T)) {
      const module = await compile(T);
      const m = module.createModel({ seed: 0 });
      m.loadJSON(weightsJson(weights));
      models.set(T, m);
    }
    return models.get(T);
  };
  const learnable = net.layers.flatMap((l) => l.params.filter((p) => p.learnable).map((p) => [l.name, p.key]));
  return {
    canTrain: null,
    async infer(input, T) {
      return Float64Array.from((await modelFor(T)).forward(input, { training: false }));
    },
    async prepare(T) { await modelFor(T); },
    inferRunner(input, T) {
      const m = models.get(T);
      const x = Float32Array.from(input);
      return () => m.forward(x, { training: false });
    },
    async gradients(input, target, T) {
      // A separate model, so the timed one keeps the weights (and BN statistics) unchanged.
      const module = await compile(T);
      const m = module.createModel({ seed: 0 });
      m.loadJSON(weightsJson(weights));
      m.forward(input, { training: true });
      const loss = net.endsWithSoftmax ? m.backward(target) : m.backwardFrom(target);
      const grads = {};
      for (const [layer, key] of learnable) (grads[layer] ??= {})[key] = Float64Array.from(m.grad(layer, key));
      return { loss, grads };
    },
    trainRunner(input, target, T, lr) {
      const m = models.get(T);
      const x = Float32Array.from(input);
      const z = Float32Array.from(target);
      const backward = net.endsWithSoftmax ? () => m.backward(z) : () => m.backwardFrom(z);
      return () => { m.forward(x, { training: true }); backward(); m.step({ lr }); };
    },
  };
}
