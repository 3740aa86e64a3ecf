// The generated test on biases right before bn (conv and full, both bn modes, every target):
// such a bias gradient is a sum over the batch of bn's dx, exactly 0, so float rounding can
// only be judged against the sum of the terms' magnitudes (templates/test.hbs, `close`).
// The generated test file runs in a child vitest as a user runs it: it passes as generated,
// and still fails when the module's gradients are off, through a wrapper module that
// perturbs one bias gradient in place after backward (the SGD step then reads it too):
// an ordinary bias gradient by 2·TOL relative, and a cancelled one by 2·TOL·Σ|dy|.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { CHECKS, VARIANTS, generatedTestRuns } from './helpers/generated-test-runs.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-cancel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// c1: 4 channels of 6x6; c2 and f1 right before bn too; f2's bias (below softmax) does not cancel.
const net = buildNetwork({
  name: 'cancel', batch: 4, input: [2, 6, 6],
  layers: [
    { op: 'conv', name: 'c1', out: 4, kernel: [3, 3], bias: true }, { op: 'bn', name: 'n1', mode: 'channel' }, { op: 'relu' },
    { op: 'conv', name: 'c2', out: 3, kernel: [3, 3], bias: true }, { op: 'bn', name: 'n2', mode: 'position' }, { op: 'relu' },
    { op: 'full', name: 'f1', out: 5, bias: true }, { op: 'bn', name: 'n3' }, { op: 'relu' },
    { op: 'full', name: 'f2', out: 3, bias: true }, { op: 'softmax' },
  ],
});

// A module like cancel.js whose Model adds delta(model) to grad(layer, key)[0] after backward.
const perturbed = (layer: string, key: string, delta: string) => `export * from './cancel.js';
import * as gen from './cancel.js';
export function createModel(options) {
  const model = gen.createModel(options);
  const backward = model.backward.bind(model);
  model.backward = (labels) => {
    const loss = backward(labels);
    model.grad(${JSON.stringify(layer)}, ${JSON.stringify(key)})[0] += (${delta})(model);
    return loss;
  };
  return model;
}
`;

// Σ|dy| of c1's channel 0 (T = 4 samples of 4x6x6): the terms of grad(c1, b)[0].
const sumDyC1 = '(m) => { const s = m.sensitivity("c1"); let a = 0; for (let t = 0; t < 4; t++) for (let e = 0; e < 36; e++) a += Math.abs(s[t * 144 + e]); return a; }';

const cases = (tol: number) => ({
  asGenerated: null,
  ordinaryBias: perturbed('f2', 'b', `(m) => ${2 * tol} * m.grad("f2", "b")[0]`),
  cancelledBias: perturbed('c1', 'b', `(m) => ${2 * tol} * (${sumDyC1})(m)`),
  cancelledWithinFloor: perturbed('c1', 'b', `(m) => ${tol / 2} * (${sumDyC1})(m)`),
});

describe('generated test: a bias right before bn', () => {
  const results = generatedTestRuns(dir, net, 'cancel', VARIANTS, cases);
  const { backward, sgd } = CHECKS;

  for (const { what } of VARIANTS) {
    it(`${what}: passes as generated, whatever the biases right before bn are`, () => {
      const r = results(what, 'asGenerated.test.ts');
      expect(Object.values(r).filter((t) => t.status !== 'passed'), JSON.stringify(r, null, 1)).toEqual([]);
      expect(Object.keys(r)).toContain(backward);
    }, 300_000);

    it(`${what}: an ordinary bias gradient off by 2·TOL relative fails the backward and SGD checks`, () => {
      const r = results(what, 'ordinaryBias.test.ts');
      expect(r[backward].status).toBe('failed');
      expect(r[backward].message).toContain('f2 grad b[0]');
      expect(r[sgd].status).toBe('failed');
      expect(r[sgd].message).toContain('f2.b after two steps[0]');
    }, 300_000);

    it(`${what}: a cancelled bias gradient off by 2·TOL·Σ|dy| fails them; by TOL/2·Σ|dy| it passes`, () => {
      const r = results(what, 'cancelledBias.test.ts');
      expect(r[backward].status).toBe('failed');
      expect(r[backward].message).toContain('c1 grad b[0]');
      expect(r[sgd].status).toBe('failed');
      expect(r[sgd].message).toContain('c1.b after two steps[0]');
      const within = results(what, 'cancelledWithinFloor.test.ts');
      expect(within[backward].status).toBe('passed');
      expect(within[sgd].status).toBe('passed');
    }, 300_000);
  }
});
