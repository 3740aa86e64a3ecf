// Both conv schedules of `cnnc build --conv-schedule padded|split` give modules that agree
// with the interpreter on a whole network (the exotic example: even and asymmetric kernels,
// an anchor outside the window), and the schedule each kernel got is stated in its comment.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/frontend/index.js';
import { compileNetwork } from '../src/emit/index.js';
import { backwardNetwork, forwardNetwork } from '../src/interp/index.js';
import { initWeights, mulberry32 } from '../src/model/init.js';
import { size3 } from '../src/model/checked.js';
import { loadModule } from './helpers/load-module.js';
import { closeTo } from './helpers/compare.js';

const net = loadModel('examples/exotic.cnn').networks[0];

describe.each(['padded', 'split'] as const)('conv schedule %s', (convSchedule) => {
  it('agrees with the interpreter forward and backward (f64)', () => {
    const compiled = compileNetwork(net, { dtype: 'f64', convSchedule });
    const convComments = compiled.ts.split('\n').filter((l) => /^\/\/ near_forward:/.test(l));
    expect(convComments).toHaveLength(1);
    if (convSchedule === 'padded') expect(convComments[0]).toMatch(/zero-padded scratch/);
    else expect(convComments[0]).not.toMatch(/zero-padded scratch/);

    const mod = loadModule(compiled.js);
    const model = mod.createModel({ seed: 3 });
    const weights = initWeights(net, 3);
    const next = mulberry32(9);
    const T = net.batch;
    const K = size3(net.output);
    const input = Float64Array.from({ length: T * size3(net.input) }, () => 2 * next() - 1);
    const labels = new Float64Array(T * K);
    for (let t = 0; t < T; t++) labels[t * K + (t % K)] = 1;

    const fwd = forwardNetwork(net, weights, input, { training: true });
    const bwd = backwardNetwork(net, weights, fwd, { labels });
    model.forward(input);
    const loss = model.backward(labels);
    expect(closeTo([loss], [bwd.loss!], 1e-9)).toBeNull();
    net.layers.forEach((layer, i) => {
      expect(closeTo(model.activation(layer.name), fwd.activations[i], 1e-9), `${layer.name} output`).toBeNull();
      for (const [key, g] of Object.entries(bwd.grads[layer.name] ?? {})) {
        expect(closeTo(model.grad(layer.name, key), g, 1e-9), `${layer.name} grad ${key}`).toBeNull();
      }
    });
    expect(closeTo(model.inputSensitivity, bwd.inputSensitivity, 1e-9)).toBeNull();
  }, 60_000);
});
