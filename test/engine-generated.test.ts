// `cnnc run --engine generated` against `--engine interpreter`: for every example, the same
// seeded weights, input and labels give the same trace (same form; numbers within the
// float32 tolerance of the generated tests, paths equal). Inference mode too, with a
// backward pass after it (bn then treats the running statistics as constants).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../src/frontend/index.js';
import { getEngine } from '../src/engines/index.js';
import { initWeights, mulberry32 } from '../src/model/init.js';
import { size3, type CheckedNetwork } from '../src/model/checked.js';
import type { RunRequest, Trace } from '../src/model/trace.js';
import { closeTo } from './helpers/compare.js';

/**
 * The seeded weights and a random input. `exact`: both rounded to multiples of 1/16, so that
 * conv, pool and full sums are exact in float32 whatever the summation order (as in
 * property-generated.test.ts). Otherwise two values a pool compares that differ by less
 * than float32 rounding (VGG's 262,144 windows hold such near-ties) may come out in either
 * order, and the path then rightly differs from the float64 interpreter's.
 */
function request(net: CheckedNetwork, mode: 'train' | 'infer', withTarget: boolean, exact = false): RunRequest {
  const next = mulberry32(17);
  const T = net.batch;
  const K = size3(net.output);
  const q = exact ? (v: number) => Math.round(v * 16) / 16 : (v: number) => v;
  const weights = initWeights(net, 5);
  if (exact) for (const t of Object.values(weights)) for (const [k, a] of Object.entries(t)) if (k !== 'runningVar' && k !== 'gamma') a.set(a.map(q));
  const req: RunRequest = { weights, input: Float64Array.from({ length: T * size3(net.input) }, () => q(2 * next() - 1)), mode };
  if (!withTarget) return req;
  if (net.endsWithSoftmax) {
    req.labels = new Float64Array(T * K);
    for (let t = 0; t < T; t++) req.labels[t * K + Math.floor(next() * K)] = 1;
  } else req.outSens = Float64Array.from({ length: T * K }, () => 2 * next() - 1);
  return req;
}

function compareTraces(gen: Trace, ref: Trace, tol: number): void {
  expect(gen.engine).toBe('generated');
  expect(gen.network).toBe(ref.network);
  expect(gen.loss === null).toBe(ref.loss === null);
  if (ref.loss !== null) expect(closeTo([gen.loss!], [ref.loss], tol)).toBeNull();
  expect(gen.layers.map((l) => [l.name, l.op, l.shape, Object.keys(l.grads), l.sensitivity === null, 'path' in l]))
    .toEqual(ref.layers.map((l) => [l.name, l.op, l.shape, Object.keys(l.grads), l.sensitivity === null, 'path' in l]));
  gen.layers.forEach((g, i) => {
    const r = ref.layers[i];
    expect(closeTo(g.output, r.output, tol), `${g.name} output`).toBeNull();
    if (r.sensitivity) expect(closeTo(g.sensitivity!, r.sensitivity, tol), `${g.name} sensitivity`).toBeNull();
    for (const [k, v] of Object.entries(r.grads)) expect(closeTo(g.grads[k], v, tol), `${g.name} grad ${k}`).toBeNull();
    if (r.path) expect(g.path, `${g.name} path`).toEqual(r.path);
  });
  expect(gen.inputSensitivity === null).toBe(ref.inputSensitivity === null);
  if (ref.inputSensitivity) expect(closeTo(gen.inputSensitivity!, ref.inputSensitivity, tol)).toBeNull();
}

const examples = readdirSync('examples').filter((f) => f.endsWith('.cnn')).sort();

describe('generated engine traces equal the interpreter engine\'s', () => {
  for (const file of examples) {
    for (const target of ['wasm', 'js'] as const) {
      it(`examples/${file}: training pass with a backward pass (float32 module, ${target} target)`, async () => {
        const net = loadModel(join('examples', file)).networks[0];
        const req = request(net, 'train', true, true);
        const ref = await (await getEngine('interpreter')).run(net, req);
        const gen = await (await getEngine('generated', { target })).run(net, req);
        compareTraces(gen, ref, 1e-3);
      }, 240_000);
    }
  }

  it('examples/exotic.cnn: inference pass with and without a backward pass (float64 module)', async () => {
    const net = loadModel('examples/exotic.cnn').networks[0];
    for (const withTarget of [true, false]) {
      const req = request(net, 'infer', withTarget);
      const ref = await (await getEngine('interpreter')).run(net, req);
      const gen = await (await getEngine('generated', { dtype: 'f64' })).run(net, req);
      compareTraces(gen, ref, 1e-9);
      if (!withTarget) expect(gen.layers.every((l) => l.sensitivity === null && Object.keys(l.grads).length === 0)).toBe(true);
    }
  }, 240_000);
});
