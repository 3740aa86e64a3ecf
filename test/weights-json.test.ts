// The weights JSON of docs/formats.md: round trip, optional running statistics, and every
// error naming the layer, the key, and the expected and actual lengths.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { initWeights } from '../src/model/init.js';
import { UserError } from '../src/errors.js';
import { readWeightsFile, weightsFromJson, weightsToJson, writeWeightsFile } from '../src/weights/index.js';

// c1.w: 2·1·3·3 = 18; n2 (position, 2×4×4): 32 each; f1.w: 3·32 = 96, f1.b: 3
const net = buildNetwork({
  name: 'small', batch: 2, input: [1, 4, 4],
  layers: [
    { op: 'conv', name: 'c1', out: 2, kernel: [3, 3] }, { op: 'bn', name: 'n2' }, { op: 'relu' },
    { op: 'full', name: 'f1', out: 3, bias: true }, { op: 'softmax' },
  ],
});

const good = () => weightsToJson(net, initWeights(net, 3)) as Record<string, Record<string, unknown>>;

function errorOf(value: unknown): string {
  try {
    weightsFromJson(net, value, 'W.json');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('weights JSON', () => {
  it('layers and keys in storage order, exact values, round trip through a file', () => {
    const weights = initWeights(net, 3);
    const json = weightsToJson(net, weights);
    expect(Object.keys(json)).toEqual(['c1', 'n2', 'f1']);
    expect(Object.keys(json.n2)).toEqual(['gamma', 'beta', 'runningMean', 'runningVar']);
    expect(Object.keys(json.f1)).toEqual(['w', 'b']);
    expect(json.c1.w).toEqual(Array.from(weights.c1.w));
    const dir = mkdtempSync(join(tmpdir(), 'cnnc-w-'));
    writeWeightsFile(join(dir, 'w.json'), net, weights);
    const back = readWeightsFile(join(dir, 'w.json'), net);
    for (const layer of Object.keys(weights))
      for (const key of Object.keys(weights[layer])) expect(Array.from(back[layer][key])).toEqual(Array.from(weights[layer][key]));
  });

  it('a biased conv stores b (C_r numbers) after w; its b is required, with the expected length', () => {
    const biased = buildNetwork({ name: 'cb', batch: 1, input: [2, 3, 3], layers: [{ op: 'conv', name: 'c', out: 3, kernel: [2, 2], bias: true }] });
    const weights = initWeights(biased, 4);
    expect(Array.from(weights.c.b)).toEqual([0, 0, 0]);
    weights.c.b = Float64Array.from([0.25, -1, 3]);
    const json = weightsToJson(biased, weights);
    expect(Object.keys(json.c)).toEqual(['w', 'b']);
    expect(json.c.b).toEqual([0.25, -1, 3]);
    const back = weightsFromJson(biased, JSON.parse(JSON.stringify(json)), 'W.json');
    expect(Array.from(back.c.b)).toEqual([0.25, -1, 3]);
    const errorFor = (value: unknown) => { try { weightsFromJson(biased, value, 'W.json'); } catch (e) { return (e as Error).message; } return 'no error'; };
    expect(errorFor({ c: { w: json.c.w } })).toContain('W.json: layer c, key b: missing (expected 3 numbers)');
    expect(errorFor({ c: { w: json.c.w, b: [1, 2] } })).toContain('layer c, key b');
  });

  it('runningMean and runningVar are optional (0 and 1); an empty object for a layer without weights is accepted', () => {
    const v = good();
    delete v.n2.runningMean;
    delete v.n2.runningVar;
    v.relu1 = {};
    const w = weightsFromJson(net, v, 'W.json');
    expect(Array.from(w.n2.runningMean)).toEqual(new Array(32).fill(0));
    expect(Array.from(w.n2.runningVar)).toEqual(new Array(32).fill(1));
  });

  it('a wrong length names the layer, the key, expected and actual lengths', () => {
    const v = good();
    v.c1.w = new Array(17).fill(0);
    expect(errorOf(v)).toBe('W.json: layer c1, key w: expected 18 numbers, got 17');
  });

  it('a missing layer, an unknown layer, a missing key, an extra key, a non-number: all reported at once', () => {
    const v = good();
    delete v.c1;
    v.c9 = { w: [1] };
    delete v.n2.beta;
    v.f1.bias = [0, 0, 0];
    (v.f1.w as unknown[])[5] = 'x';
    expect(errorOf(v).split('\n')).toEqual([
      'W.json: unknown layer c9 (network small has c1, n2, f1)',
      'W.json: layer c1: missing (expected keys w)',
      'W.json: layer n2, key beta: missing (expected 32 numbers)',
      'W.json: layer f1, key bias: unknown key (expected keys w, b)',
      'W.json: layer f1, key w: element 5 of 96 is not a number (got the string "x")',
    ]);
  });

  it('values of the wrong kind', () => {
    expect(errorOf([1, 2])).toBe('W.json: expected an object keyed by layer name, got an array of 2');
    const v = good();
    (v as Record<string, unknown>).n2 = [1];
    v.c1.w = 'abc';
    v.relu1 = { w: [1] };
    v.f1.b = [0, null, 0];
    expect(errorOf(v).split('\n')).toEqual([
      'W.json: layer c1, key w: expected an array of 18 numbers, got the string "abc"',
      'W.json: layer n2: expected an object with keys gamma, beta, runningMean, runningVar, got an array of 1',
      'W.json: layer relu1: a relu layer has no weights, got an object',
      'W.json: layer f1, key b: element 1 of 3 is not a number (got null)',
    ]);
  });

  it('file errors: unreadable, not JSON; nothing written when the weights do not fit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnc-w-'));
    expect(() => readWeightsFile(join(dir, 'none.json'), net)).toThrow(/cannot read .*none\.json: no such file/);
    writeFileSync(join(dir, 'bad.json'), '{"c1": ');
    expect(() => readWeightsFile(join(dir, 'bad.json'), net)).toThrow(/bad\.json: not valid JSON/);
    const w = initWeights(net, 1);
    w.c1.w = new Float64Array(3);
    expect(() => writeWeightsFile(join(dir, 'out.json'), net, w)).toThrow(/weights not written: layer c1, key w: expected 18 numbers, got 3/);
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
    expect(readFileSync(join(dir, 'bad.json'), 'utf8')).toBe('{"c1": ');
  });
});
