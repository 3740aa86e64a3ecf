// The generated module's API beyond the numbers (those are in the property and generated
// tests): seeded init against src/model/init.ts, misuse errors, weights in and out (also
// through src/weights), gradient accumulation, the SGD step, softmax's null sensitivity.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { initWeights } from '../src/model/init.js';
import { compileNetwork } from '../src/emit/index.js';
import { decodeWeightsBinary, encodeWeightsBinary } from '../src/weights/binary.js';
import { weightsFromJson, weightsToJson } from '../src/weights/json.js';
import { loadModule, type GeneratedModule } from './helpers/load-module.js';

// T=2, input 1×4×4: 32 input numbers; output 3 classes.
const net = buildNetwork({
  name: 'small', batch: 2, input: [1, 4, 4],
  layers: [
    { op: 'conv', name: 'c1', out: 2, kernel: [3, 3] }, { op: 'bn', name: 'n1', mode: 'channel' }, { op: 'relu' },
    { op: 'pool', name: 'p1', size: [2, 2] }, { op: 'full', name: 'f1', out: 3, bias: true }, { op: 'softmax' },
  ],
});
const plain = buildNetwork({ name: 'plain', batch: 2, input: [2, 1, 1], layers: [{ op: 'full', name: 'f', out: 2 }] });

const mods: Record<string, GeneratedModule> = {};
beforeAll(() => {
  mods.f32 = loadModule(compileNetwork(net, { dtype: 'f32' }).js);
  mods.f64 = loadModule(compileNetwork(net, { dtype: 'f64' }).js);
  mods.plain = loadModule(compileNetwork(plain).js);
});

const input = Array.from({ length: 32 }, (_, i) => Math.sin(i));
const labels = [1, 0, 0, 0, 0, 1];

describe('seeded initialisation', () => {
  it('float64 modules reproduce initWeights bit for bit; float32 ones store Math.fround of it', () => {
    for (const seed of [0, 1, 123456789]) {
      const expected = initWeights(net, seed);
      const m64 = new mods.f64.Model({ seed });
      const m32 = new mods.f32.Model({ seed });
      for (const [layer, tensors] of Object.entries(expected)) {
        for (const [key, values] of Object.entries(tensors)) {
          expect(Array.from(m64.param(layer, key)), `${layer}.${key}`).toEqual(Array.from(values));
          expect(Array.from(m32.param(layer, key)), `${layer}.${key}`).toEqual(Array.from(values, Math.fround));
        }
      }
    }
    // The default seed is 0, and init(seed) starts over.
    const m = mods.f64.createModel();
    expect(m.toJSON()).toEqual(new mods.f64.Model({ seed: 0 }).toJSON());
    m.init(5);
    expect(Array.from(m.param('c1', 'w'))).toEqual(Array.from(initWeights(net, 5).c1.w));
  });
});

describe('misuse errors', () => {
  it('an input of the wrong length or type names the expected length', () => {
    const m = mods.f32.createModel();
    expect(() => m.forward(new Float32Array(31))).toThrow('small: forward: input has 31 numbers, expected 32 (2×1×4×4)');
    expect(() => m.forward('abc' as unknown as number[])).toThrow(/input must be an array or typed array of 32 numbers .* got a string/);
    expect(() => m.forward([...input.slice(0, 5), 'x' as unknown as number, ...input.slice(6)])).toThrow('input[5] is a string, not a number');
    expect(() => m.forward(input, { training: 'yes' as unknown as boolean })).toThrow('options.training must be true or false');
    m.forward(input);
    expect(() => m.backward([1, 0, 0])).toThrow('backward: labels has 3 numbers, expected 6 (2×3)');
  });

  it('unknown layers and keys are named', () => {
    const m = mods.f32.createModel();
    expect(() => m.activation('c9')).toThrow('no layer named "c9" (layers: c1, n1, relu1, p1, f1, softmax1)');
    expect(() => m.activation('toString')).toThrow('no layer named "toString"');
    expect(() => m.grad('relu1', 'w')).toThrow('layer "relu1" has no gradient "w" (it has none)');
    expect(() => m.grad('n1', 'runningMean')).toThrow('layer "n1" has no gradient "runningMean" (it has: gamma, beta)');
    expect(() => m.param('f1', 'x')).toThrow('layer "f1" has no parameter "x" (it has: w, b)');
    expect(() => m.path('c1')).toThrow('layer "c1" is a conv layer; only pool layers have a path');
  });

  it('backward from labels needs softmax', () => {
    const m = mods.plain.createModel();
    m.forward([1, 2, 3, 4]);
    expect(() => m.backward([1, 0, 0, 1])).toThrow(/ending in softmax.*backwardFrom/);
    // J = Σ G·output for the plain network.
    const y = Array.from(m.activation('f'));
    expect(m.backwardFrom([1, 2, 3, 4])).toBeCloseTo(y[0] + 2 * y[1] + 3 * y[2] + 4 * y[3], 5);
  });

  it('bad weights JSON names the layer, the key and both lengths, and changes nothing', () => {
    const m = mods.f32.createModel({ seed: 3 });
    const before = JSON.stringify(m.toJSON());
    const good = () => JSON.parse(before) as Record<string, Record<string, unknown>>;
    const cases: [(w: Record<string, Record<string, unknown>>) => void, string][] = [
      [(w) => { w.f1.w = (w.f1.w as number[]).slice(1); }, 'loadJSON: layer "f1" key "w": expected 24 numbers, got 23'],
      [(w) => { delete w.c1; }, 'loadJSON: missing layer "c1"'],
      [(w) => { w.c7 = {}; }, 'loadJSON: unknown layer "c7" (layers with weights: c1, n1, f1)'],
      [(w) => { w.relu1 = {}; }, 'loadJSON: layer "relu1" has no weights'],
      [(w) => { delete w.f1.b; }, 'loadJSON: layer "f1" is missing key "b" (3 numbers)'],
      [(w) => { w.f1.bias = [1, 2, 3]; }, 'loadJSON: layer "f1" has an unknown key "bias" (expected: w, b)'],
      [(w) => { (w.n1.gamma as unknown[])[1] = 'x'; }, 'loadJSON: layer "n1" key "gamma"[1] is a string, not a number'],
    ];
    for (const [spoil, message] of cases) {
      const w = good();
      // Zero the first tensor so that a partial load would show.
      w.c1.w = (w.c1.w as number[]).map(() => 0);
      spoil(w);
      expect(() => m.loadJSON(w), message).toThrow(message);
      expect(JSON.stringify(m.toJSON())).toBe(before);
    }
    expect(() => m.loadJSON([])).toThrow('loadJSON: expected an object keyed by layer name');
  });

  it('running statistics are optional in the JSON (0 and 1)', () => {
    const m = mods.f64.createModel();
    const w = m.toJSON();
    m.param('n1', 'runningMean').fill(5);
    delete (w.n1 as Record<string, unknown>).runningMean;
    delete (w.n1 as Record<string, unknown>).runningVar;
    m.loadJSON(w);
    expect(Array.from(m.param('n1', 'runningMean'))).toEqual([0, 0]);
    expect(Array.from(m.param('n1', 'runningVar'))).toEqual([1, 1]);
  });

  it('bad weights binaries say which header field is wrong', () => {
    const m = mods.f32.createModel();
    const bytes = m.toBinary();
    const spoilt = (f: (b: Uint8Array) => Uint8Array) => f(Uint8Array.from(bytes));
    expect(() => m.loadBinary(spoilt((b) => { b[0] = 0x58; return b; }))).toThrow('not a cnnc weights file');
    expect(() => m.loadBinary(spoilt((b) => { b[4] = 2; return b; }))).toThrow('format version 2, expected 1');
    expect(() => m.loadBinary(spoilt((b) => { b[12] = 0x53; return b; }))).toThrow('the weights are for network "Small", not "small"');
    expect(() => m.loadBinary(spoilt((b) => b.subarray(0, b.length - 4)))).toThrow(/weights binary: \d+ bytes, expected \d+/);
    // Tensor 0 (c1.w, 18 numbers) claims 17: header offset 12 + 8 (name "small" padded) + 4 (count).
    expect(() => m.loadBinary(spoilt((b) => { b[24] = 17; return b; }))).toThrow('c1.w has 17 numbers, expected 18');
  });
});

describe('weights in and out', () => {
  it('the binary form is the one src/weights reads and writes', () => {
    const m = mods.f32.createModel({ seed: 9 });
    const decoded = decodeWeightsBinary(net, m.toBinary(), 'module');
    for (const [layer, tensors] of Object.entries(m.toJSON())) {
      for (const [key, values] of Object.entries(tensors)) expect(Array.from(decoded[layer][key]), `${layer}.${key}`).toEqual(values);
    }
    const w = initWeights(net, 4);
    const other = mods.f64.createModel();
    other.loadBinary(encodeWeightsBinary(net, w));
    expect(Array.from(other.param('f1', 'w'))).toEqual(Array.from(w.f1.w, Math.fround));
  });

  it('the JSON form is the one src/weights reads and writes', () => {
    const m = mods.f64.createModel({ seed: 2 });
    const parsed = weightsFromJson(net, JSON.parse(JSON.stringify(m.toJSON())), 'module');
    expect(Array.from(parsed.c1.w)).toEqual(Array.from(initWeights(net, 2).c1.w));
    const other = mods.f64.createModel();
    other.loadJSON(weightsToJson(net, initWeights(net, 7)));
    expect(other.toJSON()).toEqual(new mods.f64.Model({ seed: 7 }).toJSON());
  });
});

describe('training API', () => {
  it('forward returns the model-owned output block; inference leaves running statistics alone', () => {
    const m = mods.f64.createModel();
    const y = m.forward(input);
    expect(m.forward(input)).toBe(y);
    expect(y).toBe(m.activation('softmax1'));
    const rm = Array.from(m.param('n1', 'runningMean'));
    m.forward(input, { training: false });
    expect(Array.from(m.param('n1', 'runningMean'))).toEqual(rm);
  });

  it('accumulate adds a second backward pass; zeroGrads clears; softmax has no sensitivity after labels', () => {
    const m = mods.f64.createModel({ seed: 1 });
    m.forward(input);
    m.backward(labels);
    const g1 = Array.from(m.grad('c1', 'w'));
    expect(m.sensitivity('softmax1')).toBeNull();
    m.backward(labels, { accumulate: true });
    Array.from(m.grad('c1', 'w')).forEach((v, i) => expect(v).toBeCloseTo(2 * g1[i], 12));
    m.backward(labels);
    expect(Array.from(m.grad('c1', 'w'))).toEqual(g1);
    m.zeroGrads();
    expect(Array.from(m.grad('f1', 'b'))).toEqual([0, 0, 0]);
    m.backwardFrom([1, 0, 0, 0, 0, 0]);
    expect(m.sensitivity('softmax1')).not.toBeNull();
  });

  it('step: without momentum p -= lr·g; with momentum the velocity carries over', () => {
    const m = mods.f64.createModel({ seed: 1 });
    m.forward(input);
    m.backward(labels);
    const p0 = Array.from(m.param('f1', 'w'));
    const g = Array.from(m.grad('f1', 'w'));
    m.step({ lr: 0.1 });
    Array.from(m.param('f1', 'w')).forEach((v, i) => expect(v).toBe(p0[i] - 0.1 * g[i]));
    const m2 = mods.f64.createModel({ seed: 1 });
    m2.forward(input);
    m2.backward(labels);
    m2.step({ lr: 0.1, momentum: 0.5 });
    m2.step({ lr: 0.1, momentum: 0.5 }); // same gradient twice: v = g, then 1.5·g
    Array.from(m2.param('f1', 'w')).forEach((v, i) => expect(v).toBeCloseTo(p0[i] - 0.1 * g[i] - 0.1 * 1.5 * g[i], 12));
    expect(() => m.step({ lr: Number.NaN })).toThrow('step: lr must be a finite number');
  });
});
