// Traces of the examples from the interpreter engine: they validate against the format of
// docs/formats.md, and their gradients pass finite-difference checks (directional central
// differences: J(θ + h·d) - J(θ - h·d) over 2h against Σ g·d for a random direction d).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/frontend/index.js';
import type { CheckedNetwork } from '../src/model/checked.js';
import { initWeights } from '../src/model/init.js';
import type { Trace } from '../src/model/trace.js';
import type { Weights } from '../src/model/weights.js';
import { createInterpreterEngine } from '../src/engines/interpreter.js';
import { forwardNetwork } from '../src/interp/index.js';
import { validateTrace } from './fixtures/trace-format.js';
import { randomArray } from './fixtures/gradcheck.js';

const data = (name: string, kind: string) => Float64Array.from(JSON.parse(readFileSync(`examples/data/${name}-${kind}.json`, 'utf8')) as number[]);

/** J = Σ -z log y from a forward pass alone. */
function loss(net: CheckedNetwork, weights: Weights, x: Float64Array, z: Float64Array): number {
  const a = forwardNetwork(net, weights, x, { training: true }).activations;
  const y = a[a.length - 1];
  let J = 0;
  for (let e = 0; e < y.length; e++) J -= z[e] * Math.log(y[e]);
  return J;
}

/** Relative error of Σ g·d against central differences along d over the given arrays. */
function directional(arrays: { value: Float64Array; grad: number[] }[], J: () => number, seed: number, h = 1e-5): number {
  const dirs = arrays.map((a, i) => randomArray(a.value.length, seed + i));
  const shift = (s: number) => arrays.forEach((a, i) => dirs[i].forEach((d, e) => (a.value[e] += s * d)));
  let analytic = 0;
  arrays.forEach((a, i) => dirs[i].forEach((d, e) => (analytic += a.grad[e] * d)));
  const keep = arrays.map((a) => a.value.slice());
  shift(h);
  const plus = J();
  arrays.forEach((a, i) => a.value.set(keep[i]));
  shift(-h);
  const minus = J();
  arrays.forEach((a, i) => a.value.set(keep[i]));
  const numeric = (plus - minus) / (2 * h);
  return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric));
}

/**
 * Seeded weights; with `awayFromKinks`, BN's β drawn from ±[0.1, 0.5] and γ from [0.5, 1.5].
 * exotic's exclave anchor makes some conv outputs 0 for every sample, which position-mode
 * BN maps to exactly β: at the initial β = 0 that sits on the following ReLU's kink.
 */
function weightsFor(net: CheckedNetwork, awayFromKinks: boolean): Weights {
  const weights = initWeights(net, 1);
  if (!awayFromKinks) return weights;
  for (const layer of net.layers)
    if (layer.op === 'bn') {
      const n = weights[layer.name].gamma.length;
      weights[layer.name].gamma = randomArray(n, 31, 0.5, 1.5);
      weights[layer.name].beta = randomArray(n, 32, 0.1, 0.5).map((v, e) => (e % 2 ? v : -v));
    }
  return weights;
}

async function traceOf(name: string, awayFromKinks = false) {
  const net = loadModel(`examples/${name}.cnn`).networks[0];
  const weights = weightsFor(net, awayFromKinks);
  const input = data(name, 'input');
  const labels = data(name, 'labels');
  const trace = await createInterpreterEngine().run(net, { weights, input, labels, mode: 'train' });
  return { net, weights, input, labels, trace };
}

function learnable(net: CheckedNetwork, weights: Weights, trace: Trace) {
  return net.layers.flatMap((layer, l) =>
    layer.params.filter((p) => p.learnable).map((p) => ({ what: `${layer.name}.${p.key}`, value: weights[layer.name][p.key], grad: trace.layers[l].grads[p.key] })));
}

describe('example traces from the interpreter', () => {
  it('exotic: valid format; every gradient tensor and the input pass finite differences', async () => {
    const { net, weights, input, labels, trace } = await traceOf('exotic', true);
    expect(validateTrace(JSON.parse(JSON.stringify(trace)), net, 'interpreter', true)).toEqual([]);
    const J = () => loss(net, weights, input, labels);
    expect(trace.loss).toBeCloseTo(J(), 10);
    for (const [i, t] of learnable(net, weights, trace).entries())
      expect(directional([t], J, 100 + i), t.what).toBeLessThan(1e-6);
    expect(directional([{ value: input, grad: trace.inputSensitivity! }], J, 99)).toBeLessThan(1e-6);
  });

  // These maps hold ~10⁵–10⁶ ReLU units and pools: a step of 1e-5 along a direction over a
  // whole tensor moves some of them across a kink or a near-tie (measured: relative errors
  // of 1e-3 at h = 1e-5, 1e-8 at h = 1e-7), so the step here is 1e-7.
  it('lenet: valid format; each gradient tensor and the input pass finite differences', async () => {
    const { net, weights, input, labels, trace } = await traceOf('lenet');
    expect(validateTrace(JSON.parse(JSON.stringify(trace)), net, 'interpreter', true)).toEqual([]);
    const J = () => loss(net, weights, input, labels);
    for (const [i, t] of learnable(net, weights, trace).entries())
      expect(directional([t], J, 200 + i, 1e-7), t.what).toBeLessThan(1e-6);
    expect(directional([{ value: input, grad: trace.inputSensitivity! }], J, 199, 1e-7)).toBeLessThan(1e-6);
  }, 300_000);

  it('vgg: valid format; all weights and the input at once pass finite differences', async () => {
    // One direction over every tensor and the input: two extra forward passes, as vgg is the
    // slowest example for the interpreter.
    const { net, weights, input, labels, trace } = await traceOf('vgg');
    expect(validateTrace(JSON.parse(JSON.stringify(trace)), net, 'interpreter', true)).toEqual([]);
    const J = () => loss(net, weights, input, labels);
    const all = [...learnable(net, weights, trace), { value: input, grad: trace.inputSensitivity! }];
    expect(directional(all, J, 300, 1e-7)).toBeLessThan(1e-6);
  }, 300_000);

  it('without labels: null loss, sensitivities and input sensitivity, {} grads, paths kept', async () => {
    const net = loadModel('examples/exotic.cnn').networks[0];
    const trace = await createInterpreterEngine().run(net, { weights: initWeights(net, 2), input: data('exotic', 'input'), mode: 'infer' });
    expect(validateTrace(JSON.parse(JSON.stringify(trace)), net, 'interpreter', false)).toEqual([]);
    expect(trace.layers[3].path!.length).toBe(4 * 4 * 7 * 7);
  });

  it('the validator catches each kind of fault', async () => {
    const { net, trace } = await traceOf('exotic');
    const mutate = (f: (t: any) => void) => {
      const t = JSON.parse(JSON.stringify(trace));
      f(t);
      return validateTrace(t, net, 'interpreter', true);
    };
    expect(mutate((t) => (t.layers[10].sensitivity = t.layers[9].sensitivity))).toEqual(['layer 10 (softmax1): sensitivity should be null']);
    expect(mutate((t) => (t.layers[7].grads = { w: t.layers[7].grads.w }))).toEqual(['layer 7 (hidden): grads keys w, expected w,b', 'layer 7 (hidden): grads.b is not 16 numbers']);
    expect(mutate((t) => delete t.layers[3].path)).toEqual(['layer 3 (over): keys name,op,shape,output,sensitivity,grads', 'layer 3 (over): path is not 784 in-map indices below 210']);
    // 4·4·15·14 = 3360 outputs
    expect(mutate((t) => t.layers[0].output.pop())).toEqual(['layer 0 (near): output is not 3360 numbers']);
    expect(mutate((t) => (t.loss = null))).toEqual(['loss null']);
  });
});
