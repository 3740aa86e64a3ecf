// ReLU lets NaN through (issue 12, item 2): a NaN input must give NaN, not a confident 0,
// in the interpreter and on both targets; -0 and -Infinity still give +0. Worked by hand,
// then a whole network: an all-NaN image gives NaN class probabilities, not 10 % each.
import { describe, expect, it } from 'vitest';
import { reluBackward, reluForward } from '../src/interp/ops/relu.js';
import { buildNetwork } from '../src/model/build.js';
import { forwardNetwork } from '../src/interp/index.js';
import { initWeights } from '../src/model/init.js';
import { compileNetwork } from '../src/emit/index.js';
import { loadModule } from './helpers/load-module.js';

describe('relu and NaN', () => {
  it('interpreter: forward and backward by hand', () => {
    const x = Float64Array.from([NaN, -0, -Infinity, Infinity, -3, 0, 2]);
    const dy = Float64Array.from([5, 5, 5, 5, 5, 5, NaN]);
    expect(Array.from(reluForward(x))).toEqual([NaN, 0, 0, Infinity, 0, 0, 2]);
    expect(Object.is(reluForward(x)[1], 0)).toBe(true);
    expect(Array.from(reluBackward(x, dy))).toEqual([NaN, 0, 0, 5, 0, 0, NaN]);
  });

  const net = buildNetwork({
    name: 'n', batch: 2, input: [1, 4, 4],
    layers: [{ op: 'conv', out: 2, kernel: [3, 3] }, { op: 'relu' }, { op: 'pool', size: [2, 2] }, { op: 'full', out: 3 }, { op: 'softmax' }],
  });
  const input = new Float64Array(32).fill(0.5);
  input.fill(NaN, 0, 16); // sample 0 all NaN, sample 1 fine

  it('interpreter: an all-NaN sample gives NaN probabilities; the other sample stays finite', () => {
    const y = forwardNetwork(net, initWeights(net, 1), input, { training: false }).activations.at(-1)!;
    expect(Array.from(y.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.subarray(3)).every(Number.isFinite)).toBe(true);
  });

  for (const target of ['wasm', 'js'] as const) {
    it(`${target} target: the same`, () => {
      const mod = loadModule(compileNetwork(net, { target }).js);
      const y = new mod.Model({ seed: 1 }).forward(Float32Array.from(input), { training: false });
      expect(Array.from(y.subarray(0, 3)).every(Number.isNaN)).toBe(true);
      expect(Array.from(y.subarray(3)).every(Number.isFinite)).toBe(true);
    });
  }
});
