// The random networks of the property tests and the check of one against the interpreter
// (test/property-generated.test.ts, test/property-relaxed.test.ts).
import { expect } from 'vitest';
import fc from 'fast-check';
import { buildNetwork, pooledSize, type LayerSpec } from '../../src/model/build.js';
import type { CheckedNetwork } from '../../src/model/checked.js';
import { size3 } from '../../src/model/checked.js';
import type { Weights } from '../../src/model/weights.js';
import { compileNetwork } from '../../src/emit/index.js';
import { backwardNetwork, forwardNetwork } from '../../src/interp/index.js';
import { mulberry32 } from '../../src/model/init.js';
import { loadModule } from './load-module.js';
import { closeTo } from './compare.js';

export type Recipe =
  | { op: 'conv'; out: number; kr: number; kc: number; ar: number; ac: number; bias: boolean }
  | { op: 'pool'; pr: number; pc: number; sr: number; sc: number; round: 'floor' | 'ceil' }
  | { op: 'bn'; mode: 'position' | 'channel'; eps: number; momentum?: number }
  | { op: 'relu' }
  | { op: 'full'; out: number; bias: boolean };

/**
 * The layers random networks are drawn from (here and in test/onnx-export.test.ts): kernels
 * 1..kernelMax on each axis, bn's eps (and momentum, when given) from the lists.
 */
export function recipeArb(o: { kernelMax: number; eps: number[]; momentum?: number[] }): fc.Arbitrary<Recipe> {
  const u = fc.integer({ min: 0, max: 9999 });
  const mode = fc.constantFrom('position' as const, 'channel' as const);
  const bn: fc.Arbitrary<Recipe> = o.momentum
    ? fc.record({ op: fc.constant('bn' as const), mode, eps: fc.constantFrom(...o.eps), momentum: fc.constantFrom(...o.momentum) })
    : fc.record({ op: fc.constant('bn' as const), mode, eps: fc.constantFrom(...o.eps) });
  return fc.oneof(
    fc.record({ op: fc.constant('conv' as const), out: fc.integer({ min: 1, max: 3 }), kr: fc.integer({ min: 1, max: o.kernelMax }), kc: fc.integer({ min: 1, max: o.kernelMax }), ar: u, ac: u, bias: fc.boolean() }),
    fc.record({ op: fc.constant('pool' as const), pr: fc.integer({ min: 1, max: 4 }), pc: fc.integer({ min: 1, max: 4 }), sr: fc.integer({ min: 1, max: 4 }), sc: fc.integer({ min: 1, max: 4 }), round: fc.constantFrom('floor' as const, 'ceil' as const) }),
    bn,
    fc.record({ op: fc.constant('relu' as const) }),
    fc.record({ op: fc.constant('full' as const), out: fc.integer({ min: 1, max: 5 }), bias: fc.boolean() }),
  );
}

type Drawn = { batch: number; input: [number, number, number]; layers: Recipe[]; softmax: boolean; dtype: 'f32' | 'f64'; target: 'js' | 'wasm'; seed: number };

export const networkArb: fc.Arbitrary<Drawn> = fc.record({
  batch: fc.integer({ min: 1, max: 5 }),
  input: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 })),
  layers: fc.array(recipeArb({ kernelMax: 6, eps: [1e-5, 1e-3] }), { minLength: 1, maxLength: 5 }),
  softmax: fc.boolean(),
  dtype: fc.constantFrom('f64' as const, 'f32' as const),
  target: fc.constantFrom('js' as const, 'wasm' as const),
  seed: fc.integer({ min: 0, max: 1e6 }),
}).map((r) => (r.dtype === 'f64' ? { ...r, target: 'js' as const } : r)); // WebAssembly kernels are float32

/**
 * Turns recipes into a valid network: `anchor(raw, k, size)` maps a drawn number to an
 * anchor for a kernel of k over a map of `size`; pools that do not fit use ceil; softmax gets
 * a full before it unless the map is already 1x1.
 */
export function recipeNetwork(
  r: { batch: number; input: [number, number, number]; layers: Recipe[]; softmax: boolean },
  anchor: (raw: number, k: number, size: number) => number,
): CheckedNetwork {
  let [, h, w] = r.input;
  const layers: LayerSpec[] = [];
  for (const l of r.layers) {
    switch (l.op) {
      case 'conv':
        layers.push({ op: 'conv', out: l.out, kernel: [l.kr, l.kc], anchor: [anchor(l.ar, l.kr, h), anchor(l.ac, l.kc, w)], bias: l.bias });
        break;
      case 'pool': {
        const round = pooledSize(h, l.pr, l.sr, l.round) === null || pooledSize(w, l.pc, l.sc, l.round) === null ? 'ceil' : l.round;
        layers.push({ op: 'pool', size: [l.pr, l.pc], stride: [l.sr, l.sc], round });
        h = pooledSize(h, l.pr, l.sr, round)!;
        w = pooledSize(w, l.pc, l.sc, round)!;
        break;
      }
      case 'bn': layers.push({ op: 'bn', mode: l.mode, eps: l.eps, ...(l.momentum === undefined ? {} : { momentum: l.momentum }) }); break;
      case 'relu': layers.push({ op: 'relu' }); break;
      case 'full': layers.push({ op: 'full', out: l.out, bias: l.bias }); h = 1; w = 1; break;
    }
  }
  if (r.softmax) {
    if (h !== 1 || w !== 1) layers.push({ op: 'full', out: 3, bias: true });
    layers.push({ op: 'softmax' });
  }
  return buildNetwork({ name: 'prop', batch: r.batch, input: r.input, layers });
}

/** Anchors in -2..k+1: inside the window and up to two outside it on each side. */
const toNetwork = (r: Drawn): CheckedNetwork => recipeNetwork(r, (raw, k) => -2 + (raw % (k + 4)));

const sixteenths = (n: number, next: () => number) => Float64Array.from({ length: n }, () => (Math.floor(next() * 33) - 16) / 16);

export function check(r: Drawn): void {
  const net = toNetwork(r);
  const { js } = compileNetwork(net, { dtype: r.dtype, target: r.target });
  const mod = loadModule(js);
  const model = new mod.Model({ seed: 0 });
  const next = mulberry32(r.seed);
  const weights: Weights = {};
  for (const l of net.layers) {
    if (!l.params.length) continue;
    weights[l.name] = Object.fromEntries(l.params.map((p) => [p.key,
      p.key === 'runningVar' ? Float64Array.from({ length: p.size }, () => 0.5 + Math.floor(next() * 16) / 16)
        : p.key === 'gamma' ? Float64Array.from({ length: p.size }, () => 0.5 + Math.floor(next() * 16) / 16)
          : sixteenths(p.size, next)]));
  }
  model.loadJSON(weights);
  const T = net.batch;
  const input = sixteenths(T * size3(net.input), next);
  const K = size3(net.output);
  const target = net.endsWithSoftmax
    ? (() => { const z = new Float64Array(T * K); for (let t = 0; t < T; t++) z[t * K + Math.floor(next() * K)] = 1; return z; })()
    : sixteenths(T * K, next);
  const tol = r.dtype === 'f64' ? 1e-9 : 1e-3;
  const atol = r.dtype === 'f64' ? 1e-9 : 1e-3;
  const fwd = forwardNetwork(net, weights, input, { training: true });
  const bwd = backwardNetwork(net, weights, fwd, net.endsWithSoftmax ? { labels: target } : { outSens: target });
  model.forward(input);
  // A relu input whose exact value is 0 but which passed through bn (x̂ = 0 when a sample equals
  // the batch mean, or a later sum of bn outputs that cancels) is rounding noise on both sides:
  // the gate may open on one and not the other, and every sensitivity below differs by a whole
  // dy. Such a draw is a tie, not a disagreement: it is discarded (fc.pre) when the two
  // engines' gates differ only at values within the activation tolerance of each other. Gates
  // that differ at values farther apart fail the activation comparison below.
  fc.pre(!gateTie(net, model, fwd.activations, input, tol, atol));
  const loss = net.endsWithSoftmax ? model.backward(target) : model.backwardFrom(target);
  const fail = (what: string, e: string | null) => { if (e) throw new Error(`${what} ${e}\n${JSON.stringify(net.layers.map((l) => ({ ...l, loc: undefined, params: undefined })))}`); };
  fail('loss', closeTo([loss], [bwd.loss], tol, atol));
  for (const l of net.layers) {
    fail(`${l.name} activation`, closeTo(model.activation(l.name), fwd.activations[l.index], tol, atol));
    if (l.op === 'pool') expect(Array.from(model.path(l.name)), `${l.name} path`).toEqual(Array.from(fwd.paths[l.index]!));
    const s = bwd.sensitivities[l.index];
    if (s === null) expect(model.sensitivity(l.name)).toBeNull();
    else fail(`${l.name} sensitivity`, closeTo(model.sensitivity(l.name)!, s, tol, atol));
    // A bn gradient is a sum over the batch of dy (times x̂) whose exact value is often 0 (a bn
    // after a bn: its dx sums to zero), so what remains is float32 rounding of terms as large
    // as dy: the absolute floor scales with Σ|dy| (the terms' size), not with the result.
    // A bias gradient Σ dy below a bn is the same kind of sum (bn's dx sums to zero over its lines).
    const dy = bwd.sensitivities[l.index];
    const sumDy = dy ? dy.reduce((a, v) => a + Math.abs(v), 0) : 0;
    const bnAbove = net.layers.slice(l.index + 1).some((m) => m.op === 'bn');
    for (const [key, g] of Object.entries(bwd.grads[l.name] ?? {})) {
      const floor = l.op === 'bn' || (key === 'b' && bnAbove) ? atol * sumDy : 0;
      fail(`${l.name} grad ${key}`, closeTo(model.grad(l.name, key), g, tol, Math.max(atol, floor)));
    }
  }
  fail('input sensitivity', closeTo(model.inputSensitivity, bwd.inputSensitivity, tol, atol));
}


/** Whether some relu's gate is open on one side and closed on the other at values that agree within tolerance. */
function gateTie(net: CheckedNetwork, model: { activation(name: string): ArrayLike<number> }, expected: ArrayLike<number>[], input: Float64Array, tol: number, atol: number): boolean {
  for (const l of net.layers) {
    if (l.op !== 'relu' || l.index === 0) continue;
    const a = model.activation(net.layers[l.index - 1].name), b = expected[l.index - 1] ?? input;
    let m = 0;
    for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i]));
    for (let i = 0; i < b.length; i++) {
      if ((a[i] > 0) !== (b[i] > 0) && Math.abs(a[i] - b[i]) <= tol * Math.max(Math.abs(b[i]), m / 100) + atol) return true;
    }
  }
  return false;
}
