// Whole networks in the interpreter: finite differences of the loss with respect to every
// learnable parameter and the input, backward from labels and from an output sensitivity,
// the SGD step, and a training loop that lowers the loss.
import { describe, expect, it } from 'vitest';
import { buildNetwork, type LayerSpec } from '../src/model/build.js';
import type { CheckedNetwork } from '../src/model/checked.js';
import { size3 } from '../src/model/checked.js';
import { initWeights } from '../src/model/init.js';
import type { Weights } from '../src/model/weights.js';
import { backwardNetwork, forwardNetwork, sgdStep, softmaxForward, zeroLike } from '../src/interp/index.js';
import { dot, expectGradient, randomArray } from './fixtures/gradcheck.js';

/** Soft labels: each row a random distribution (no zeros), so every class matters. */
function softLabels(T: number, K: number, seed: number): Float64Array {
  const z = randomArray(T * K, seed, 0.1, 1);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += z[t * K + k];
    for (let k = 0; k < K; k++) z[t * K + k] /= s;
  }
  return z;
}

/** J = Σ -z log y from the forward pass alone, independent of the backward code. */
function lossOf(net: CheckedNetwork, weights: Weights, x: Float64Array, z: Float64Array, training: boolean): number {
  const { activations } = forwardNetwork(net, weights, x, { training });
  const y = activations[activations.length - 1];
  let J = 0;
  for (let e = 0; e < y.length; e++) J -= z[e] * Math.log(y[e]);
  return J;
}

/** Random weights (γ away from 0, running variance positive), so BN is not at its init point. */
function randomWeights(net: CheckedNetwork, seed: number): Weights {
  const w = initWeights(net, seed);
  let s = seed;
  for (const layer of net.layers)
    for (const p of layer.params) {
      if (p.key === 'gamma') w[layer.name][p.key] = randomArray(p.size, ++s, 0.5, 1.5);
      if (p.key === 'beta' || p.key === 'b' || p.key === 'runningMean') w[layer.name][p.key] = randomArray(p.size, ++s, -0.5, 0.5);
      if (p.key === 'runningVar') w[layer.name][p.key] = randomArray(p.size, ++s, 0.5, 2);
    }
  return w;
}

function checkNetwork(net: CheckedNetwork, training: boolean, seed: number) {
  const T = net.batch;
  const x = randomArray(T * size3(net.input), seed);
  const z = softLabels(T, net.output.c, seed + 1);
  const weights = randomWeights(net, seed + 2);
  const fwd = forwardNetwork(net, weights, x, { training });
  const bwd = backwardNetwork(net, weights, fwd, { labels: z });
  const J = () => lossOf(net, weights, x, z, training);
  expect(bwd.loss).toBeCloseTo(J(), 10);
  expectGradient('input', bwd.inputSensitivity, x, J);
  for (const layer of net.layers)
    for (const p of layer.params.filter((q) => q.learnable))
      expectGradient(`${layer.name}.${p.key}`, bwd.grads[layer.name][p.key], weights[layer.name][p.key], J);
}

// The shapes of examples/exotic.cnn, shrunk: exclave anchor, position BN, overlapping ceil
// pool, even 4x1 kernel, channel BN, biased full after a 3x3 map, soft labels.
const exoticLayers: LayerSpec[] = [
  { op: 'conv', name: 'near', out: 3, kernel: [2, 3], anchor: [-1, 3] },
  { op: 'bn', name: 'perpos', mode: 'position' },
  { op: 'relu' },
  { op: 'pool', name: 'over', size: [3, 3], stride: [2, 2], round: 'ceil' },
  { op: 'conv', name: 'tall', out: 2, kernel: [4, 1] },
  { op: 'bn', name: 'perchan', mode: 'channel', eps: 1e-3, momentum: 0.05 },
  { op: 'relu' },
  { op: 'full', name: 'hidden', out: 5, bias: true },
  { op: 'relu' },
  { op: 'full', name: 'logits', out: 4 },
  { op: 'softmax' },
];

describe('whole-network gradients by finite differences', () => {
  for (const T of [3, 5])
    it(`exotic-like network, batch ${T}, training mode`, () => {
      checkNetwork(buildNetwork({ name: 'exotic', batch: T, input: [2, 7, 6], layers: exoticLayers }), true, 7 * T);
    });

  it('exotic-like network, inference mode (running statistics)', () => {
    checkNetwork(buildNetwork({ name: 'exotic', batch: 2, input: [2, 7, 6], layers: exoticLayers }), false, 70);
  });

  it('lenet-like network: 5x6 kernel anchored (2,1), gapped ceil pool, full after 2x2 maps', () => {
    const net = buildNetwork({
      name: 'mini', batch: 2, input: [1, 8, 8],
      layers: [
        { op: 'conv', name: 'c1', out: 2, kernel: [5, 6], anchor: [2, 1] }, { op: 'relu' },
        { op: 'pool', name: 'p1', size: [2, 2], stride: [3, 3], round: 'ceil' },
        { op: 'bn', name: 'n1', mode: 'channel' },
        { op: 'full', name: 'f1', out: 3 }, { op: 'softmax' },
      ],
    });
    checkNetwork(net, true, 90);
  });

  it('biased convs (exclave anchor, even kernel) before relu, pool and a biased full', () => {
    const net = buildNetwork({
      name: 'biased', batch: 3, input: [2, 6, 5],
      layers: [
        { op: 'conv', name: 'c1', out: 3, kernel: [2, 3], anchor: [-1, 3], bias: true }, { op: 'relu' },
        { op: 'pool', name: 'p1', size: [2, 2], round: 'ceil' },
        { op: 'conv', name: 'c2', out: 2, kernel: [4, 1], bias: true },
        { op: 'full', name: 'f1', out: 3, bias: true }, { op: 'softmax' },
      ],
    });
    expect(net.layers[0].params.map((p) => p.key)).toEqual(['w', 'b']);
    expect(net.totals.params).toBe(3 * 2 * 6 + 3 + 2 * 3 * 4 + 2 + 3 * 2 * 3 * 3 + 3);
    checkNetwork(net, true, 110);
  });

  it('backward from an output sensitivity: J = Σ G·output', () => {
    const net = buildNetwork({
      name: 'head', batch: 2, input: [2, 5, 5],
      layers: [{ op: 'conv', out: 3, kernel: [3, 3] }, { op: 'pool', size: [2, 2], stride: [2, 2], round: 'ceil' }, { op: 'full', out: 4, bias: true }],
    });
    const x = randomArray(100, 1);
    const weights = randomWeights(net, 2);
    const G = randomArray(8, 3);
    const fwd = forwardNetwork(net, weights, x, { training: true });
    const bwd = backwardNetwork(net, weights, fwd, { outSens: G });
    const J = () => dot(G, forwardNetwork(net, weights, x, { training: true }).activations[2]);
    expect(bwd.loss).toBeCloseTo(J(), 12);
    expect(Array.from(bwd.sensitivities[2]!)).toEqual(Array.from(G));
    expectGradient('input', bwd.inputSensitivity, x, J);
    expectGradient('conv1.w', bwd.grads.conv1.w, weights.conv1.w, J);
    expectGradient('full1.w', bwd.grads.full1.w, weights.full1.w, J);
    expectGradient('full1.b', bwd.grads.full1.b, weights.full1.b, J);
  });
});

describe('backward from labels', () => {
  const net = buildNetwork({ name: 's', batch: 2, input: [3, 1, 1], layers: [{ op: 'full', name: 'f', out: 3 }, { op: 'softmax' }] });

  it("softmax's own sensitivity is null; the layer before it gets y - z", () => {
    const weights = initWeights(net, 5);
    const x = randomArray(6, 6);
    const z = Float64Array.from([0, 1, 0, 0.2, 0.3, 0.5]);
    const fwd = forwardNetwork(net, weights, x, { training: true });
    const { sensitivities, grads } = backwardNetwork(net, weights, fwd, { labels: z });
    expect(sensitivities[1]).toBeNull();
    const y = softmaxForward(2, 3, fwd.activations[0]);
    Array.from(sensitivities[0]!).forEach((v, e) => expect(v).toBeCloseTo(y[e] - z[e], 15));
    expect(Object.keys(grads)).toEqual(['f']);
  });

  it('labels on a network without softmax are refused', () => {
    const head = buildNetwork({ name: 'h', batch: 1, input: [2, 1, 1], layers: [{ op: 'full', out: 2 }] });
    const w = initWeights(head, 1);
    const fwd = forwardNetwork(head, w, Float64Array.from([1, 2]), { training: true });
    expect(() => backwardNetwork(head, w, fwd, { labels: Float64Array.from([0, 1]) })).toThrow(/does not end in softmax/);
  });
});

describe('SGD', () => {
  const net = buildNetwork({ name: 's', batch: 1, input: [1, 1, 1], layers: [{ op: 'full', name: 'f', out: 1 }, { op: 'bn', name: 'n', mode: 'channel' }] });

  it('plain: p -= lr·g; state tensors untouched', () => {
    const w: Weights = { f: { w: Float64Array.from([1]) }, n: { gamma: Float64Array.from([1]), beta: Float64Array.from([0]), runningMean: Float64Array.from([0.5]), runningVar: Float64Array.from([2]) } };
    const g: Weights = { f: { w: Float64Array.from([0.5]) }, n: { gamma: Float64Array.from([-1]), beta: Float64Array.from([2]) } };
    sgdStep(net, w, g, { lr: 0.1 });
    // 1 - 0.1·0.5 = 0.95; 1 + 0.1 = 1.1; 0 - 0.2
    expect(w.f.w[0]).toBeCloseTo(0.95, 15);
    expect(w.n.gamma[0]).toBeCloseTo(1.1, 15);
    expect(w.n.beta[0]).toBeCloseTo(-0.2, 15);
    expect([w.n.runningMean[0], w.n.runningVar[0]]).toEqual([0.5, 2]);
  });

  it('momentum: v = m·v + g; p -= lr·v', () => {
    const w: Weights = { f: { w: Float64Array.from([1]) }, n: { gamma: Float64Array.from([1]), beta: Float64Array.from([0]), runningMean: Float64Array.from([0]), runningVar: Float64Array.from([1]) } };
    const g = zeroLike(net);
    g.f.w[0] = 0.5;
    const velocity = zeroLike(net);
    sgdStep(net, w, g, { lr: 0.1, momentum: 0.9 }, velocity);
    // v = 0.5, p = 1 - 0.05 = 0.95
    expect(w.f.w[0]).toBeCloseTo(0.95, 15);
    sgdStep(net, w, g, { lr: 0.1, momentum: 0.9 }, velocity);
    // v = 0.9·0.5 + 0.5 = 0.95, p = 0.95 - 0.095 = 0.855
    expect(velocity.f.w[0]).toBeCloseTo(0.95, 15);
    expect(w.f.w[0]).toBeCloseTo(0.855, 15);
  });
});

describe('training', () => {
  it('SGD with momentum over random data lowers the loss', () => {
    const net = buildNetwork({
      name: 't', batch: 8, input: [1, 6, 6],
      layers: [
        { op: 'conv', out: 4, kernel: [3, 3] }, { op: 'bn', mode: 'channel' }, { op: 'relu' },
        { op: 'pool', size: [2, 2] }, { op: 'full', out: 3 }, { op: 'softmax' },
      ],
    });
    const x = randomArray(8 * 36, 11);
    // One-hot labels drawn at random: the network can only memorise them.
    const classes = Array.from(randomArray(8, 12, 0, 3), Math.floor);
    const z = new Float64Array(24);
    classes.forEach((c, t) => (z[t * 3 + c] = 1));
    const weights = initWeights(net, 13);
    const velocity = zeroLike(net);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const fwd = forwardNetwork(net, weights, x, { training: true });
      const { loss, grads } = backwardNetwork(net, weights, fwd, { labels: z });
      losses.push(loss);
      sgdStep(net, weights, grads, { lr: 0.02, momentum: 0.9 }, velocity);
    }
    // Starts near 8·ln 3 = 8.79 (uniform guesses); memorising 8 samples drives it well down.
    expect(losses[0]).toBeGreaterThan(4);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 4);
  });
});
