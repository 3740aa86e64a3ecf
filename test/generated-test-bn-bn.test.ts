// The generated test on bn right after bn (every pair of modes, every target). The upper bn's
// input has batch mean exactly β = 0, so its running mean is a sum over the batch that
// cancels to 0; the lower bn's dγ is a sum over the batch that nearly cancels (the upper bn's
// dx sums to 0 against its x̂, which is the lower bn's x̂ but for ε: dγ is about ε/σ² of its
// terms). Float rounding on both can only be judged against the sum of the terms' magnitudes
// (templates/test.hbs, `close` and `cancelled`). The generated test file runs in a child
// vitest as a user runs it: it passes as generated, and still fails when the module is off,
// through a wrapper module that perturbs one value in place: the upper bn's running mean after
// a training forward by 2·TOL of its floor, (1-momentum)·|old| + momentum/N·Σ|x| (n2 above
// n1); the lower bn's dγ after backward by 2·TOL of its floor, Σ|dy|·|x̂| (n3 below n4); the
// upper bn's dγ (n4's, not cancelled) by 2·TOL relative. By TOL/2 of the floor they pass.
// (γ starts at 1: after the SGD steps it is 1 - lr·(2+momentum)·dγ, checked relative to 1,
// which an error of that size in dγ cannot reach, with or without the floor; the backward
// check is the one that sees it.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { CHECKS, VARIANTS, generatedTestRuns } from './helpers/generated-test-runs.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-bnbn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Batch 4 of 2x4x4; each conv keeps the 4x4 maps (3 channels). The four pairs of modes.
const net = buildNetwork({
  name: 'bnbn', batch: 4, input: [2, 4, 4],
  layers: [
    { op: 'conv', name: 'c1', out: 3, kernel: [3, 3], bias: true }, { op: 'bn', name: 'n1', mode: 'position' }, { op: 'bn', name: 'n2', mode: 'channel' }, { op: 'relu' },
    { op: 'conv', name: 'c2', out: 3, kernel: [3, 3] }, { op: 'bn', name: 'n3', mode: 'channel' }, { op: 'bn', name: 'n4', mode: 'position' }, { op: 'relu' },
    { op: 'conv', name: 'c3', out: 3, kernel: [3, 3] }, { op: 'bn', name: 'n5', mode: 'position' }, { op: 'bn', name: 'n6', mode: 'position' }, { op: 'relu' },
    { op: 'conv', name: 'c4', out: 3, kernel: [3, 3] }, { op: 'bn', name: 'n7', mode: 'channel' }, { op: 'bn', name: 'n8', mode: 'channel' }, { op: 'relu' },
    { op: 'full', name: 'f1', out: 3 }, { op: 'softmax' },
  ],
});
const momentum = (net.layers.find((l) => l.name === 'n2') as { momentum: number }).momentum;

// A module like bnbn.js whose Model runs after(model, before) after each training forward
// (before: what before(model) returned ahead of it) and adds delta(model) to
// grad(layer, key)[0] after backward.
const wrapper = (hooks: { forward?: string; grad?: [string, string, string] }) => `export * from './bnbn.js';
import * as gen from './bnbn.js';
export function createModel(options) {
  const model = gen.createModel(options);
  const forward = model.forward.bind(model);
  const backward = model.backward.bind(model);
  ${hooks.forward ? `model.forward = (x, opts) => {
    const training = opts?.training ?? true;
    const old = Math.abs(model.param("n2", "runningMean")[0]);
    const y = forward(x, opts);
    if (training) model.param("n2", "runningMean")[0] += (${hooks.forward})(model, old);
    return y;
  };` : ''}
  ${hooks.grad ? `model.backward = (labels) => {
    const loss = backward(labels);
    model.grad(${JSON.stringify(hooks.grad[0])}, ${JSON.stringify(hooks.grad[1])})[0] += (${hooks.grad[2]})(model);
    return loss;
  };` : ''}
  return model;
}
`;

// n2's line 0 (channel mode): channel 0 of the T = 4 samples of n1's 3x4x4 output.
const meanFloorN2 = `(m, old) => { const x = m.activation("n1"); let s = 0; for (let t = 0; t < 4; t++) for (let e = 0; e < 16; e++) s += Math.abs(x[t * 48 + e]); return ${1 - momentum} * old + ${momentum} * s / 64; }`;
// n3's line 0 (channel mode): channel 0 of the T = 4 samples; x̂ = (y - β) / γ. (n1's dγ does
// not cancel: n2's channel lines are not made of n1's position lines. n3's does: n4's
// position lines make up n3's channel lines.)
const gammaFloorN3 = '(m) => { const y = m.activation("n3"), dy = m.sensitivity("n3"), g = m.param("n3", "gamma")[0], b = m.param("n3", "beta")[0]; let s = 0; for (let t = 0; t < 4; t++) for (let e = 0; e < 16; e++) s += Math.abs(dy[t * 48 + e]) * Math.abs((y[t * 48 + e] - b) / g); return s; }';

const cases = (tol: number) => ({
  asGenerated: null,
  upperMean: wrapper({ forward: `(m, old) => ${2 * tol} * (${meanFloorN2})(m, old)` }),
  upperMeanWithinFloor: wrapper({ forward: `(m, old) => ${tol / 2} * (${meanFloorN2})(m, old)` }),
  lowerGamma: wrapper({ grad: ['n3', 'gamma', `(m) => ${2 * tol} * (${gammaFloorN3})(m)`] }),
  lowerGammaWithinFloor: wrapper({ grad: ['n3', 'gamma', `(m) => ${tol / 2} * (${gammaFloorN3})(m)`] }),
  upperGamma: wrapper({ grad: ['n4', 'gamma', `(m) => ${2 * tol} * m.grad("n4", "gamma")[0]`] }),
});

describe('generated test: bn right after bn', () => {
  const results = generatedTestRuns(dir, net, 'bnbn', VARIANTS, cases);
  const { forward, backward, sgd } = CHECKS;

  for (const { what } of VARIANTS) {
    it(`${what}: passes as generated, with bn after bn in every pair of modes`, () => {
      const r = results(what, 'asGenerated.test.ts');
      expect(Object.values(r).filter((t) => t.status !== 'passed'), JSON.stringify(r, null, 1)).toEqual([]);
      expect(Object.keys(r)).toEqual(expect.arrayContaining([forward, backward, sgd, 'kernels of n2 (bn) on the interpreter\'s inputs']));
    }, 300_000);

    it(`${what}: the upper bn's running mean off by 2·TOL of its floor fails the forward and SGD checks; by TOL/2 it passes`, () => {
      const r = results(what, 'upperMean.test.ts');
      expect(r[forward].status).toBe('failed');
      expect(r[forward].message).toContain('n2 runningMean[0]');
      expect(r[sgd].status).toBe('failed');
      expect(r[sgd].message).toContain('n2.runningMean after two steps[0]');
      const within = results(what, 'upperMeanWithinFloor.test.ts');
      expect(within[forward].status).toBe('passed');
      expect(within[sgd].status).toBe('passed');
    }, 300_000);

    it(`${what}: the lower bn's dγ off by 2·TOL of its floor fails the backward check; by TOL/2 it passes`, () => {
      const r = results(what, 'lowerGamma.test.ts');
      expect(r[backward].status).toBe('failed');
      expect(r[backward].message).toContain('n3 grad gamma[0]');
      const within = results(what, 'lowerGammaWithinFloor.test.ts');
      expect(within[backward].status).toBe('passed');
      expect(within[sgd].status).toBe('passed');
    }, 300_000);

    it(`${what}: the upper bn's dγ (not cancelled) off by 2·TOL relative fails the backward check`, () => {
      const r = results(what, 'upperGamma.test.ts');
      expect(r[backward].status).toBe('failed');
      expect(r[backward].message).toContain('n4 grad gamma[0]');
    }, 300_000);
  }
});
